/* Lockstep: wire-format pass over protobuf input, run before protobuf-c unpacks it.
 * protobuf-c recurses once per nested message with no depth limit, so a hostile file with
 * deeply nested graphs could exhaust the stack. This walk is bounded, checks every length
 * against the buffer, reports where a file is truncated or malformed, and lifts large
 * raw_data fields out so that weights are viewed in the mapped file instead of copied. */
#ifndef LOCKSTEP_WIRE_H
#define LOCKSTEP_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A byte range of the input. */
typedef struct {
    uint64_t offset;
    uint64_t length;
} lockstep_range;

/* The "skeleton" of a model: the input re-encoded with every TensorProto.raw_data of at least
 * `min_lift_bytes` replaced by TensorProto.lockstep_raw_data_ref = index into `ranges`, which
 * records where those bytes are in the input. Unpacking the skeleton instead of the input lets
 * tensors view their weights in the mapped file instead of copying them. */
typedef struct {
    uint8_t *data;
    size_t length;
    size_t capacity;
    lockstep_range *ranges;
    size_t n_ranges;
    size_t ranges_capacity;
} lockstep_skeleton;

/* Walks `data` as `descriptor` and builds the skeleton in `out` (zero it first; release it with
 * lockstep_skeleton_free, also after an error). Returns 0 when the data is a well-formed
 * encoding nested at most `max_depth` messages deep; otherwise a code and a short reason with
 * the byte offset: 1 truncated (a length or varint runs past the end), 2 malformed (bad wire
 * type, overlong varint, zero field number), 3 nesting too deep, 4 out of memory.
 * `min_lift_bytes` 0 lifts nothing. Any lockstep_raw_data_ref present in the input is dropped. */
int lockstep_wire_skeleton(const uint8_t *data, size_t length,
                           const ProtobufCMessageDescriptor *descriptor,
                           int max_depth, size_t min_lift_bytes, lockstep_skeleton *out,
                           char *reason, size_t reason_capacity);

void lockstep_skeleton_free(lockstep_skeleton *skeleton);

/* Unpacks `data` as `descriptor` with every allocation taken from one arena, returned in
 * `*arena_out`; the whole tree is released at once by lockstep_arena_free(arena) (never call
 * protobuf_c_message_free_unpacked on it). Returns NULL (and no arena) when the data does not decode. */
ProtobufCMessage *lockstep_arena_unpack(const ProtobufCMessageDescriptor *descriptor,
                                        size_t length, const uint8_t *data, void **arena_out);
void lockstep_arena_free(void *arena);

/* Field number of TensorProto.lockstep_raw_data_ref in schemas/onnx.proto. */
#define LOCKSTEP_RAW_DATA_REF_FIELD 536870001u

/* Descriptors of the top-level messages Lockstep unpacks (stable pointers for Swift). */
const ProtobufCMessageDescriptor *lockstep_onnx_model_descriptor(void);
const ProtobufCMessageDescriptor *lockstep_onnx_tensor_descriptor(void);

#ifdef __cplusplus
}
#endif

#endif
