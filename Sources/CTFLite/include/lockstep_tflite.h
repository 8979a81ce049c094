/*
 * Lockstep's plain C view of a TFLite model (FlatBuffers, schemas/tflite.fbs).
 *
 * The implementation (lockstep_tflite.cpp) uses the flatc-generated C++ code; this header is C
 * only so Swift can import it. Every model is checked by the FlatBuffers verifier in
 * lockstep_tflite_open() before anything is read. After that, accessors never read outside the
 * verified buffer: an index out of range makes them return 0 (false) and leave the output
 * untouched.
 *
 * Pointers returned by the accessors point into the model's buffer (or, for option fields,
 * into memory owned by the handle) and stay valid while the buffer and the handle live. Vector
 * pointers may be unaligned when the caller's buffer is; read them with unaligned loads.
 * A handle is not thread-safe: use it from one thread at a time.
 */
#ifndef LOCKSTEP_TFLITE_H
#define LOCKSTEP_TFLITE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque handle of a verified model. */
typedef struct lockstep_tflite_model lockstep_tflite_model;

/** Outcome of lockstep_tflite_open(). */
typedef enum {
    LOCKSTEP_TFLITE_OK = 0,
    /** Fewer than 8 bytes: no room for the root offset and the file identifier. */
    LOCKSTEP_TFLITE_TOO_SHORT = 1,
    /** Bytes 4..8 are not "TFL3". */
    LOCKSTEP_TFLITE_BAD_IDENTIFIER = 2,
    /** The FlatBuffers verifier rejected the buffer (offsets, sizes, nesting, alignment). */
    LOCKSTEP_TFLITE_VERIFY_FAILED = 3,
    /** The handle could not be allocated. */
    LOCKSTEP_TFLITE_NO_MEMORY = 4,
} lockstep_tflite_status;

/** A string in the buffer; `data` is NULL when the field is absent. Not NUL-terminated. */
typedef struct {
    const char *data;
    size_t length;
} lockstep_tflite_string;

/** A vector of scalars in the buffer (little-endian); `data` is NULL when absent. */
typedef struct {
    const void *data;
    size_t count;
} lockstep_tflite_vector;

/**
 * Verifies `size` bytes at `data` and, on success, stores a new handle in `*out`.
 * The buffer must stay alive and unchanged while the handle is used. Buffers over 2 GB are
 * accepted: the flatbuffer is their prefix and only that part is verified; data placed past it
 * (Buffer.offset/size) is bounds-checked by the caller against `size`.
 */
lockstep_tflite_status lockstep_tflite_open(const void *data, size_t size, lockstep_tflite_model **out);

/** Releases a handle (NULL is allowed). The buffer is not touched. */
void lockstep_tflite_close(lockstep_tflite_model *model);

/** Root table counts and scalars. */
typedef struct {
    uint32_t version;
    lockstep_tflite_string description;
    size_t operator_code_count;
    size_t subgraph_count;
    size_t buffer_count;
    size_t metadata_count;
    size_t signature_count;
    /** Model.metadata_buffer (older form of metadata): buffer indices. int32 elements. */
    lockstep_tflite_vector metadata_buffer;
    size_t external_buffer_count;
} lockstep_tflite_model_info;

void lockstep_tflite_model_info_get(const lockstep_tflite_model *model, lockstep_tflite_model_info *out);

/** One entry of Model.operator_codes. */
typedef struct {
    int32_t builtin_code;
    int8_t deprecated_builtin_code;
    int32_t version;
    /** Custom op name; data NULL for builtins. */
    lockstep_tflite_string custom_code;
} lockstep_tflite_opcode;

int lockstep_tflite_opcode_get(const lockstep_tflite_model *model, size_t index, lockstep_tflite_opcode *out);

/**
 * Name of a builtin operator code as the schema spells it ("CONV_2D"), from the embedded
 * binary schema; NULL for a code the schema does not know.
 */
const char *lockstep_tflite_builtin_name(int32_t code);

/** Name of a TensorType code ("FLOAT32"); NULL when unknown. */
const char *lockstep_tflite_tensor_type_name(int32_t code);

/** One entry of Model.buffers. */
typedef struct {
    /** Inline bytes (Buffer.data); data NULL when absent. */
    const uint8_t *data;
    size_t size;
    /** Location past the flatbuffer (files over 2 GB); meaningful when offset > 1. */
    uint64_t offset;
    uint64_t length;
} lockstep_tflite_buffer;

int lockstep_tflite_buffer_get(const lockstep_tflite_model *model, size_t index, lockstep_tflite_buffer *out);

/** One entry of Model.metadata. */
typedef struct {
    lockstep_tflite_string name;
    uint32_t buffer;
} lockstep_tflite_metadata;

int lockstep_tflite_metadata_get(const lockstep_tflite_model *model, size_t index, lockstep_tflite_metadata *out);

/** One entry of Model.signature_defs. */
typedef struct {
    lockstep_tflite_string key;
    uint32_t subgraph_index;
    size_t input_count;
    size_t output_count;
} lockstep_tflite_signature;

int lockstep_tflite_signature_get(const lockstep_tflite_model *model, size_t index, lockstep_tflite_signature *out);

/** Input (`is_output` 0) or output `entry` of signature `index`: alias name and tensor index. */
int lockstep_tflite_signature_tensor(const lockstep_tflite_model *model, size_t index, int is_output, size_t entry,
                                     lockstep_tflite_string *name, uint32_t *tensor_index);

/** One entry of Model.subgraphs. inputs/outputs hold int32 tensor indices. */
typedef struct {
    lockstep_tflite_string name;
    /** 0 when the tensors vector is absent (TFLite refuses such a subgraph). */
    int has_tensors;
    size_t tensor_count;
    size_t operator_count;
    lockstep_tflite_vector inputs;
    lockstep_tflite_vector outputs;
} lockstep_tflite_subgraph;

int lockstep_tflite_subgraph_get(const lockstep_tflite_model *model, size_t index, lockstep_tflite_subgraph *out);

/** One tensor of a subgraph, with its quantisation and sparsity summary. */
typedef struct {
    lockstep_tflite_string name;
    int8_t type;
    uint32_t buffer;
    /** int32 elements; `has_shape_signature` tells an absent signature from an empty one. */
    lockstep_tflite_vector shape;
    lockstep_tflite_vector shape_signature;
    int has_shape_signature;
    int is_variable;
    int has_rank;
    uint32_t external_buffer;
    /* Quantisation (all absent when has_quantization is 0). */
    int has_quantization;
    lockstep_tflite_vector scale;      /* float */
    lockstep_tflite_vector zero_point; /* int64 */
    lockstep_tflite_vector min;        /* float */
    lockstep_tflite_vector max;        /* float */
    int32_t quantized_dimension;
    /** QuantizationDetails union type (0 none, 1 custom, 2 blockwise, 3 multi-axis). */
    uint8_t quantization_details_type;
    /** Blockwise / multi-axis details: scale and zero-point tensor indices, block size. */
    int32_t details_scales;
    int32_t details_zero_points;
    int32_t details_block_size;
    /* Sparsity (absent when has_sparsity is 0). int32 elements. */
    int has_sparsity;
    lockstep_tflite_vector traversal_order;
    lockstep_tflite_vector block_map;
    size_t dim_metadata_count;
} lockstep_tflite_tensor;

int lockstep_tflite_tensor_get(const lockstep_tflite_model *model, size_t subgraph, size_t index,
                               lockstep_tflite_tensor *out);

/** Per-dimension metadata of a sparse tensor. */
typedef struct {
    int8_t format; /* 0 DENSE, 1 SPARSE_CSR */
    int32_t dense_size;
    /** Index vector types: 0 none, 1 int32, 2 uint16, 3 uint8. */
    uint8_t segments_type;
    lockstep_tflite_vector segments;
    uint8_t indices_type;
    lockstep_tflite_vector indices;
} lockstep_tflite_dim_metadata;

int lockstep_tflite_dim_metadata_get(const lockstep_tflite_model *model, size_t subgraph, size_t tensor, size_t index,
                                     lockstep_tflite_dim_metadata *out);

/** One operator of a subgraph. Index vectors hold int32; -1 marks an omitted optional input. */
typedef struct {
    uint32_t opcode_index;
    lockstep_tflite_vector inputs;
    lockstep_tflite_vector outputs;
    lockstep_tflite_vector intermediates;
    /** uint8 booleans, one per input, or absent. */
    lockstep_tflite_vector mutating_variable_inputs;
    uint8_t builtin_options_type;
    uint8_t builtin_options_2_type;
    /** Inline custom options; data NULL when absent. */
    const uint8_t *custom_options;
    size_t custom_options_size;
    int8_t custom_options_format;
    /** Custom options past the flatbuffer (files over 2 GB), valid when offset > 1. */
    uint64_t large_custom_options_offset;
    uint64_t large_custom_options_size;
    int32_t debug_metadata_index;
} lockstep_tflite_operator;

int lockstep_tflite_operator_get(const lockstep_tflite_model *model, size_t subgraph, size_t index,
                                 lockstep_tflite_operator *out);

/** Kind of a decoded option field. */
typedef enum {
    /** Integer or bool: `int_value`. */
    LOCKSTEP_TFLITE_FIELD_INT = 0,
    /** float or double: `float_value`. */
    LOCKSTEP_TFLITE_FIELD_FLOAT = 1,
    /** Enum value: its schema name in `string` (e.g. "SAME"), the number in `int_value`. */
    LOCKSTEP_TFLITE_FIELD_ENUM = 2,
    /** String: `string` (data NULL when absent from the file). */
    LOCKSTEP_TFLITE_FIELD_STRING = 3,
    /** Vector of integers or bools: `ints`, `count` elements (widened to int64). */
    LOCKSTEP_TFLITE_FIELD_INTS = 4,
    /** Vector of floats: `floats`, `count` elements. */
    LOCKSTEP_TFLITE_FIELD_FLOATS = 5,
    /** Vector of ubyte: `bytes`, `count` bytes (points into the model buffer). */
    LOCKSTEP_TFLITE_FIELD_BYTES = 6,
    /** Vector of enum values: names in `names`, `count` entries. */
    LOCKSTEP_TFLITE_FIELD_ENUMS = 7,
} lockstep_tflite_field_kind;

/** One field of an option table, in schema (id) order; absent fields carry their default. */
typedef struct {
    const char *name; /* NUL-terminated, static */
    lockstep_tflite_field_kind kind;
    int64_t int_value;
    double float_value;
    lockstep_tflite_string string;
    const int64_t *ints;
    const float *floats;
    const uint8_t *bytes;
    const lockstep_tflite_string *names;
    size_t count;
} lockstep_tflite_field;

/**
 * Decodes the option table an operator holds in `builtin_options` (`which` 1) or
 * `builtin_options_2` (`which` 2) through reflection. Stores the table's schema name
 * ("Conv2DOptions"; NULL when the union is empty or its type unknown to the schema) and its
 * fields (owned by the handle, valid until the next call on it). Returns 0 when the indices are
 * out of range.
 */
int lockstep_tflite_operator_options(lockstep_tflite_model *model, size_t subgraph, size_t index, int which,
                                     const char **table_name, const lockstep_tflite_field **fields, size_t *count);

#ifdef __cplusplus
}
#endif

#endif /* LOCKSTEP_TFLITE_H */
