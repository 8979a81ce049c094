// The C API of include/lockstep_tflite.h over the flatc-generated code for schemas/tflite.fbs.
//
// Safety rests on one rule: lockstep_tflite_open() runs the FlatBuffers verifier over the whole
// flatbuffer before any accessor can run, so every table, vector and string offset the
// generated accessors follow afterwards is known to lie inside the buffer. Indices that come
// from the caller (subgraph, tensor, operator, …) are range-checked here; indices stored in the
// file (tensor indices of an operator, buffer indices, …) are returned as-is and checked by
// the Swift loader.
//
// Option tables are decoded with FlatBuffers reflection over the binary schema flatc embeds in
// tflite_bfbs_generated.h, so one loop handles every table of both option unions.

#include "include/lockstep_tflite.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "flatbuffers/reflection.h"
#include "tflite_bfbs_generated.h"
#include "tflite_generated.h"

namespace {

// Deepest nesting of tables and vectors the verifier accepts. A TFLite model nests about six
// deep (Model → SubGraph → Tensor → SparsityParameters → DimensionMetadata → Int32Vector).
constexpr flatbuffers::uoffset_t kMaxDepth = 64;
// Most tables the verifier visits: FlatBuffers' default, which is also what TFLite's own
// verifier uses, so every model TFLite accepts passes. It bounds the work a few kilobytes of
// aliased offsets can cause (a vector of 1,000 offsets to one table with 1,000 offsets to
// another is a million tables).
constexpr flatbuffers::uoffset_t kMaxTables = 1000000;

/// The embedded binary schema, copied once into aligned memory and verified, with the pieces
/// the accessors look up.
struct SchemaInfo {
    std::unique_ptr<uint8_t[]> storage;
    const reflection::Schema *schema = nullptr;
    const reflection::Enum *builtin_operator = nullptr;
    const reflection::Enum *tensor_type = nullptr;
    const reflection::Enum *options1 = nullptr;
    const reflection::Enum *options2 = nullptr;
    /// Per schema object: its non-deprecated fields in id order (reflection sorts them by name).
    std::vector<std::vector<const reflection::Field *>> fields;
};

SchemaInfo make_schema_info() {
    SchemaInfo info;
    const size_t size = tflite::ModelBinarySchema::size();
    info.storage.reset(new (std::nothrow) uint8_t[size]);
    if (!info.storage) return info;
    std::memcpy(info.storage.get(), tflite::ModelBinarySchema::data(), size);
    flatbuffers::Verifier verifier(info.storage.get(), size);
    if (!reflection::VerifySchemaBuffer(verifier)) return info;
    const reflection::Schema *schema = reflection::GetSchema(info.storage.get());
    if (!schema->objects() || !schema->enums()) return info;
    info.builtin_operator = schema->enums()->LookupByKey("tflite.BuiltinOperator");
    info.tensor_type = schema->enums()->LookupByKey("tflite.TensorType");
    info.options1 = schema->enums()->LookupByKey("tflite.BuiltinOptions");
    info.options2 = schema->enums()->LookupByKey("tflite.BuiltinOptions2");
    info.fields.resize(schema->objects()->size());
    for (flatbuffers::uoffset_t i = 0; i < schema->objects()->size(); i++) {
        const reflection::Object *object = schema->objects()->Get(i);
        auto &list = info.fields[i];
        for (const reflection::Field *field : *object->fields()) {
            if (!field->deprecated()) list.push_back(field);
        }
        std::sort(list.begin(), list.end(),
                  [](const reflection::Field *a, const reflection::Field *b) { return a->id() < b->id(); });
    }
    info.schema = schema;
    return info;
}

const SchemaInfo &schema_info() {
    static const SchemaInfo info = make_schema_info();  // thread-safe initialisation (C++11)
    return info;
}

/// Name of `value` in `e`, or NULL.
const char *enum_name(const reflection::Enum *e, int64_t value) {
    if (!e || !e->values()) return nullptr;
    const reflection::EnumVal *v = e->values()->LookupByKey(value);
    return v && v->name() ? v->name()->c_str() : nullptr;
}

/// Strips the schema namespace ("tflite.Conv2DOptions" → "Conv2DOptions").
const char *unqualified(const flatbuffers::String *name) {
    if (!name) return nullptr;
    const char *s = name->c_str();
    const char *dot = std::strrchr(s, '.');
    return dot ? dot + 1 : s;
}

lockstep_tflite_string string_of(const flatbuffers::String *s) {
    lockstep_tflite_string out{nullptr, 0};
    if (s) {
        out.data = s->c_str();
        out.length = s->size();
    }
    return out;
}

template <typename T>
lockstep_tflite_vector vector_of(const flatbuffers::Vector<T> *v) {
    lockstep_tflite_vector out{nullptr, 0};
    if (v) {
        out.data = v->Data();
        out.count = v->size();
    }
    return out;
}

template <typename T>
size_t size_of(const flatbuffers::Vector<T> *v) {
    return v ? v->size() : 0;
}

bool is_integer_type(reflection::BaseType t) { return t >= reflection::Bool && t <= reflection::ULong; }
bool is_float_type(reflection::BaseType t) { return t == reflection::Float || t == reflection::Double; }

}  // namespace

/// A verified model and the scratch memory of the last option decoding.
struct lockstep_tflite_model {
    const uint8_t *data = nullptr;
    size_t size = 0;
    const tflite::Model *root = nullptr;
    std::vector<lockstep_tflite_field> fields;
    std::vector<int64_t> ints;
    std::vector<float> floats;
    std::vector<lockstep_tflite_string> names;
    std::deque<std::string> texts;  // names made up for enum values the schema does not know
};

namespace {

const tflite::SubGraph *subgraph_at(const lockstep_tflite_model *m, size_t index) {
    if (!m || !m->root) return nullptr;
    const auto *subgraphs = m->root->subgraphs();
    if (!subgraphs || index >= subgraphs->size()) return nullptr;
    return subgraphs->Get(static_cast<flatbuffers::uoffset_t>(index));
}

const tflite::Operator *operator_at(const lockstep_tflite_model *m, size_t subgraph, size_t index) {
    const tflite::SubGraph *g = subgraph_at(m, subgraph);
    if (!g || !g->operators() || index >= g->operators()->size()) return nullptr;
    return g->operators()->Get(static_cast<flatbuffers::uoffset_t>(index));
}

const tflite::Tensor *tensor_at(const lockstep_tflite_model *m, size_t subgraph, size_t index) {
    const tflite::SubGraph *g = subgraph_at(m, subgraph);
    if (!g || !g->tensors() || index >= g->tensors()->size()) return nullptr;
    return g->tensors()->Get(static_cast<flatbuffers::uoffset_t>(index));
}

/// Name of enum value `value` of `e`, inventing "UNKNOWN_<value>" (kept in `m->texts`) for a
/// value the schema does not list.
const char *enum_value_name(lockstep_tflite_model *m, const reflection::Enum *e, int64_t value) {
    if (const char *name = enum_name(e, value)) return name;
    m->texts.push_back("UNKNOWN_" + std::to_string(value));
    return m->texts.back().c_str();
}

/// Decodes every field of `table` (an instance of `object`) into m->fields.
void decode_table(lockstep_tflite_model *m, const SchemaInfo &info, flatbuffers::uoffset_t object,
                  const flatbuffers::Table *table) {
    const reflection::Schema *schema = info.schema;
    const auto &fields = info.fields[object];

    // Reserve the scratch vectors first so the pointers handed out below stay valid.
    size_t int_count = 0, float_count = 0, name_count = 0;
    for (const reflection::Field *field : fields) {
        if (field->type()->base_type() != reflection::Vector) continue;
        const flatbuffers::VectorOfAny *v = flatbuffers::GetFieldAnyV(*table, *field);
        const size_t n = v ? v->size() : 0;
        const auto element = field->type()->element();
        if (is_float_type(element)) float_count += n;
        else if (is_integer_type(element) && field->type()->index() >= 0) name_count += n;
        else if (is_integer_type(element)) int_count += n;
    }
    m->fields.reserve(fields.size());
    m->ints.reserve(int_count);
    m->floats.reserve(float_count);
    m->names.reserve(name_count);

    for (const reflection::Field *field : fields) {
        lockstep_tflite_field out;
        std::memset(&out, 0, sizeof out);
        out.name = field->name()->c_str();
        const reflection::Type *type = field->type();
        const auto base = type->base_type();
        const reflection::Enum *enumeration =
            type->index() >= 0 && static_cast<flatbuffers::uoffset_t>(type->index()) < schema->enums()->size()
                ? schema->enums()->Get(static_cast<flatbuffers::uoffset_t>(type->index()))
                : nullptr;
        if (is_integer_type(base)) {
            out.int_value = flatbuffers::GetAnyFieldI(*table, *field);
            if (enumeration) {
                out.kind = LOCKSTEP_TFLITE_FIELD_ENUM;
                const char *name = enum_value_name(m, enumeration, out.int_value);
                out.string.data = name;
                out.string.length = std::strlen(name);
            } else {
                out.kind = LOCKSTEP_TFLITE_FIELD_INT;
            }
        } else if (is_float_type(base)) {
            out.kind = LOCKSTEP_TFLITE_FIELD_FLOAT;
            out.float_value = flatbuffers::GetAnyFieldF(*table, *field);
        } else if (base == reflection::String) {
            out.kind = LOCKSTEP_TFLITE_FIELD_STRING;
            out.string = string_of(flatbuffers::GetFieldS(*table, *field));
        } else if (base == reflection::Vector) {
            const auto element = type->element();
            const flatbuffers::VectorOfAny *v = flatbuffers::GetFieldAnyV(*table, *field);
            const size_t n = v ? v->size() : 0;
            out.count = n;
            if (element == reflection::UByte && !enumeration) {
                out.kind = LOCKSTEP_TFLITE_FIELD_BYTES;
                out.bytes = n ? v->Data() : nullptr;
            } else if (is_integer_type(element) && enumeration) {
                out.kind = LOCKSTEP_TFLITE_FIELD_ENUMS;
                const size_t start = m->names.size();
                for (size_t i = 0; i < n; i++) {
                    const char *name = enum_value_name(m, enumeration, flatbuffers::GetAnyVectorElemI(v, element, i));
                    m->names.push_back(lockstep_tflite_string{name, std::strlen(name)});
                }
                out.names = n ? m->names.data() + start : nullptr;
            } else if (is_integer_type(element)) {
                out.kind = LOCKSTEP_TFLITE_FIELD_INTS;
                const size_t start = m->ints.size();
                for (size_t i = 0; i < n; i++) m->ints.push_back(flatbuffers::GetAnyVectorElemI(v, element, i));
                out.ints = n ? m->ints.data() + start : nullptr;
            } else if (is_float_type(element)) {
                out.kind = LOCKSTEP_TFLITE_FIELD_FLOATS;
                const size_t start = m->floats.size();
                for (size_t i = 0; i < n; i++) {
                    m->floats.push_back(static_cast<float>(flatbuffers::GetAnyVectorElemF(v, element, i)));
                }
                out.floats = n ? m->floats.data() + start : nullptr;
            } else {
                continue;  // vectors of tables or strings: no option table has them
            }
        } else {
            continue;  // nested tables, unions: no option table has them
        }
        m->fields.push_back(out);
    }
}

}  // namespace

extern "C" {

lockstep_tflite_status lockstep_tflite_open(const void *data, size_t size, lockstep_tflite_model **out) {
    if (!out) return LOCKSTEP_TFLITE_VERIFY_FAILED;
    *out = nullptr;
    const auto *bytes = static_cast<const uint8_t *>(data);
    if (!bytes || size < 8) return LOCKSTEP_TFLITE_TOO_SHORT;
    if (!flatbuffers::BufferHasIdentifier(bytes, tflite::ModelIdentifier())) return LOCKSTEP_TFLITE_BAD_IDENTIFIER;
    // A model over 2 GB keeps its flatbuffer as a prefix (all its offsets are 32-bit) and its
    // large buffers past it; the verifier only ever needs to see that prefix.
    const size_t verified = std::min<size_t>(size, FLATBUFFERS_MAX_BUFFER_SIZE - 1);
    flatbuffers::Verifier::Options options;
    options.max_depth = kMaxDepth;
    options.max_tables = kMaxTables;
    options.check_alignment = true;
    flatbuffers::Verifier verifier(bytes, verified, options);
    if (!tflite::VerifyModelBuffer(verifier)) return LOCKSTEP_TFLITE_VERIFY_FAILED;
    auto *model = new (std::nothrow) lockstep_tflite_model();
    if (!model) return LOCKSTEP_TFLITE_NO_MEMORY;
    model->data = bytes;
    model->size = size;
    model->root = tflite::GetModel(bytes);
    *out = model;
    return LOCKSTEP_TFLITE_OK;
}

void lockstep_tflite_close(lockstep_tflite_model *model) { delete model; }

void lockstep_tflite_model_info_get(const lockstep_tflite_model *model, lockstep_tflite_model_info *out) {
    if (!out) return;
    std::memset(out, 0, sizeof *out);
    if (!model || !model->root) return;
    const tflite::Model *m = model->root;
    out->version = m->version();
    out->description = string_of(m->description());
    out->operator_code_count = size_of(m->operator_codes());
    out->subgraph_count = size_of(m->subgraphs());
    out->buffer_count = size_of(m->buffers());
    out->metadata_count = size_of(m->metadata());
    out->signature_count = size_of(m->signature_defs());
    out->metadata_buffer = vector_of(m->metadata_buffer());
    out->external_buffer_count = size_of(m->external_buffers());
}

int lockstep_tflite_opcode_get(const lockstep_tflite_model *model, size_t index, lockstep_tflite_opcode *out) {
    if (!model || !model->root || !out) return 0;
    const auto *codes = model->root->operator_codes();
    if (!codes || index >= codes->size()) return 0;
    const tflite::OperatorCode *code = codes->Get(static_cast<flatbuffers::uoffset_t>(index));
    out->builtin_code = static_cast<int32_t>(code->builtin_code());
    out->deprecated_builtin_code = code->deprecated_builtin_code();
    out->version = code->version();
    out->custom_code = string_of(code->custom_code());
    return 1;
}

const char *lockstep_tflite_builtin_name(int32_t code) {
    return enum_name(schema_info().builtin_operator, code);
}

const char *lockstep_tflite_tensor_type_name(int32_t code) { return enum_name(schema_info().tensor_type, code); }

int lockstep_tflite_buffer_get(const lockstep_tflite_model *model, size_t index, lockstep_tflite_buffer *out) {
    if (!model || !model->root || !out) return 0;
    const auto *buffers = model->root->buffers();
    if (!buffers || index >= buffers->size()) return 0;
    const tflite::Buffer *b = buffers->Get(static_cast<flatbuffers::uoffset_t>(index));
    out->data = b->data() ? b->data()->Data() : nullptr;
    out->size = size_of(b->data());
    out->offset = b->offset();
    out->length = b->size();
    return 1;
}

int lockstep_tflite_metadata_get(const lockstep_tflite_model *model, size_t index, lockstep_tflite_metadata *out) {
    if (!model || !model->root || !out) return 0;
    const auto *metadata = model->root->metadata();
    if (!metadata || index >= metadata->size()) return 0;
    const tflite::Metadata *entry = metadata->Get(static_cast<flatbuffers::uoffset_t>(index));
    out->name = string_of(entry->name());
    out->buffer = entry->buffer();
    return 1;
}

int lockstep_tflite_signature_get(const lockstep_tflite_model *model, size_t index, lockstep_tflite_signature *out) {
    if (!model || !model->root || !out) return 0;
    const auto *signatures = model->root->signature_defs();
    if (!signatures || index >= signatures->size()) return 0;
    const tflite::SignatureDef *s = signatures->Get(static_cast<flatbuffers::uoffset_t>(index));
    out->key = string_of(s->signature_key());
    out->subgraph_index = s->subgraph_index();
    out->input_count = size_of(s->inputs());
    out->output_count = size_of(s->outputs());
    return 1;
}

int lockstep_tflite_signature_tensor(const lockstep_tflite_model *model, size_t index, int is_output, size_t entry,
                                     lockstep_tflite_string *name, uint32_t *tensor_index) {
    if (!model || !model->root || !name || !tensor_index) return 0;
    const auto *signatures = model->root->signature_defs();
    if (!signatures || index >= signatures->size()) return 0;
    const tflite::SignatureDef *s = signatures->Get(static_cast<flatbuffers::uoffset_t>(index));
    const auto *maps = is_output ? s->outputs() : s->inputs();
    if (!maps || entry >= maps->size()) return 0;
    const tflite::TensorMap *map = maps->Get(static_cast<flatbuffers::uoffset_t>(entry));
    *name = string_of(map->name());
    *tensor_index = map->tensor_index();
    return 1;
}

int lockstep_tflite_subgraph_get(const lockstep_tflite_model *model, size_t index, lockstep_tflite_subgraph *out) {
    const tflite::SubGraph *g = subgraph_at(model, index);
    if (!g || !out) return 0;
    out->name = string_of(g->name());
    out->has_tensors = g->tensors() != nullptr;
    out->tensor_count = size_of(g->tensors());
    out->operator_count = size_of(g->operators());
    out->inputs = vector_of(g->inputs());
    out->outputs = vector_of(g->outputs());
    return 1;
}

int lockstep_tflite_tensor_get(const lockstep_tflite_model *model, size_t subgraph, size_t index,
                               lockstep_tflite_tensor *out) {
    const tflite::Tensor *t = tensor_at(model, subgraph, index);
    if (!t || !out) return 0;
    std::memset(out, 0, sizeof *out);
    out->name = string_of(t->name());
    out->type = static_cast<int8_t>(t->type());
    out->buffer = t->buffer();
    out->shape = vector_of(t->shape());
    out->shape_signature = vector_of(t->shape_signature());
    out->has_shape_signature = t->shape_signature() != nullptr;
    out->is_variable = t->is_variable();
    out->has_rank = t->has_rank();
    out->external_buffer = t->external_buffer();
    if (const tflite::QuantizationParameters *q = t->quantization()) {
        out->has_quantization = 1;
        out->scale = vector_of(q->scale());
        out->zero_point = vector_of(q->zero_point());
        out->min = vector_of(q->min());
        out->max = vector_of(q->max());
        out->quantized_dimension = q->quantized_dimension();
        out->quantization_details_type = static_cast<uint8_t>(q->details_type());
        if (const auto *b = q->details_as_BlockwiseQuantization()) {
            out->details_scales = b->scales();
            out->details_zero_points = b->zero_points();
            out->details_block_size = b->block_size();
        } else if (const auto *a = q->details_as_MultiAxisQuantization()) {
            out->details_scales = a->scales();
            out->details_zero_points = a->zero_points();
            out->details_block_size = a->block_size();
        }
    }
    if (const tflite::SparsityParameters *s = t->sparsity()) {
        out->has_sparsity = 1;
        out->traversal_order = vector_of(s->traversal_order());
        out->block_map = vector_of(s->block_map());
        out->dim_metadata_count = size_of(s->dim_metadata());
    }
    return 1;
}

int lockstep_tflite_dim_metadata_get(const lockstep_tflite_model *model, size_t subgraph, size_t tensor, size_t index,
                                     lockstep_tflite_dim_metadata *out) {
    const tflite::Tensor *t = tensor_at(model, subgraph, tensor);
    if (!t || !out || !t->sparsity() || !t->sparsity()->dim_metadata()) return 0;
    const auto *dims = t->sparsity()->dim_metadata();
    if (index >= dims->size()) return 0;
    const tflite::DimensionMetadata *d = dims->Get(static_cast<flatbuffers::uoffset_t>(index));
    std::memset(out, 0, sizeof *out);
    out->format = static_cast<int8_t>(d->format());
    out->dense_size = d->dense_size();
    auto index_vector = [](tflite::SparseIndexVector type, const void *value, uint8_t *kind, lockstep_tflite_vector *v) {
        *kind = static_cast<uint8_t>(type);
        switch (type) {
            case tflite::SparseIndexVector_Int32Vector:
                *v = vector_of(static_cast<const tflite::Int32Vector *>(value)->values());
                break;
            case tflite::SparseIndexVector_Uint16Vector:
                *v = vector_of(static_cast<const tflite::Uint16Vector *>(value)->values());
                break;
            case tflite::SparseIndexVector_Uint8Vector:
                *v = vector_of(static_cast<const tflite::Uint8Vector *>(value)->values());
                break;
            default:
                *kind = 0;
                break;
        }
    };
    if (d->array_segments()) index_vector(d->array_segments_type(), d->array_segments(), &out->segments_type, &out->segments);
    if (d->array_indices()) index_vector(d->array_indices_type(), d->array_indices(), &out->indices_type, &out->indices);
    return 1;
}

int lockstep_tflite_operator_get(const lockstep_tflite_model *model, size_t subgraph, size_t index,
                                 lockstep_tflite_operator *out) {
    const tflite::Operator *op = operator_at(model, subgraph, index);
    if (!op || !out) return 0;
    std::memset(out, 0, sizeof *out);
    out->opcode_index = op->opcode_index();
    out->inputs = vector_of(op->inputs());
    out->outputs = vector_of(op->outputs());
    out->intermediates = vector_of(op->intermediates());
    out->mutating_variable_inputs = vector_of(op->mutating_variable_inputs());
    out->builtin_options_type = static_cast<uint8_t>(op->builtin_options_type());
    out->builtin_options_2_type = static_cast<uint8_t>(op->builtin_options_2_type());
    out->custom_options = op->custom_options() ? op->custom_options()->Data() : nullptr;
    out->custom_options_size = size_of(op->custom_options());
    out->custom_options_format = static_cast<int8_t>(op->custom_options_format());
    out->large_custom_options_offset = op->large_custom_options_offset();
    out->large_custom_options_size = op->large_custom_options_size();
    out->debug_metadata_index = op->debug_metadata_index();
    return 1;
}

int lockstep_tflite_operator_options(lockstep_tflite_model *model, size_t subgraph, size_t index, int which,
                                     const char **table_name, const lockstep_tflite_field **fields, size_t *count) {
    const tflite::Operator *op = operator_at(model, subgraph, index);
    if (!op || !table_name || !fields || !count || (which != 1 && which != 2)) return 0;
    *table_name = nullptr;
    *fields = nullptr;
    *count = 0;
    try {
        model->fields.clear();
        model->ints.clear();
        model->floats.clear();
        model->names.clear();
        model->texts.clear();
        const int64_t type = which == 1 ? static_cast<int64_t>(op->builtin_options_type())
                                        : static_cast<int64_t>(op->builtin_options_2_type());
        const void *value = which == 1 ? op->builtin_options() : op->builtin_options_2();
        const SchemaInfo &info = schema_info();
        const reflection::Enum *options = which == 1 ? info.options1 : info.options2;
        if (type == 0 || !value || !info.schema || !options || !options->values()) return 1;
        // A type code the schema does not list was not verified (the generated verifier accepts
        // unknown union members for forward compatibility): do not read it.
        const reflection::EnumVal *member = options->values()->LookupByKey(type);
        if (!member || !member->union_type()) return 1;
        const int object = member->union_type()->index();
        if (object < 0 || static_cast<flatbuffers::uoffset_t>(object) >= info.schema->objects()->size()) return 1;
        *table_name = unqualified(info.schema->objects()->Get(static_cast<flatbuffers::uoffset_t>(object))->name());
        decode_table(model, info, static_cast<flatbuffers::uoffset_t>(object),
                     static_cast<const flatbuffers::Table *>(value));
        *fields = model->fields.empty() ? nullptr : model->fields.data();
        *count = model->fields.size();
        return 1;
    } catch (...) {  // std::bad_alloc: report nothing rather than unwind into C
        *table_name = nullptr;
        *fields = nullptr;
        *count = 0;
        return 0;
    }
}

}  // extern "C"
