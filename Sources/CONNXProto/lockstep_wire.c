/* Lockstep: bounded wire-format walk. See include/lockstep_wire.h. Hand-written, not generated. */
#include "include/lockstep_wire.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "include/onnx.pb-c.h"

static int read_varint(const uint8_t *p, size_t avail, uint64_t *out, size_t *used) {
    uint64_t value = 0;
    for (size_t i = 0; i < 10; i++) {
        if (i >= avail) return 1;
        value |= (uint64_t)(p[i] & 0x7f) << (7 * i);
        if ((p[i] & 0x80) == 0) { *out = value; *used = i + 1; return 0; }
    }
    return 2;
}

/* ---- skeleton ---------------------------------------------------------------------------- */

static int reserve(lockstep_skeleton *s, size_t more) {
    if (s->capacity - s->length >= more) return 0;
    size_t want = s->capacity ? s->capacity : 4096;
    while (want - s->length < more) {
        if (want > SIZE_MAX / 2) return 4;
        want *= 2;
    }
    uint8_t *grown = realloc(s->data, want);
    if (!grown) return 4;
    s->data = grown;
    s->capacity = want;
    return 0;
}

static int append(lockstep_skeleton *s, const uint8_t *bytes, size_t n) {
    if (n == 0) return 0;
    if (reserve(s, n)) return 4;
    memcpy(s->data + s->length, bytes, n);
    s->length += n;
    return 0;
}

static int append_varint(lockstep_skeleton *s, uint64_t v) {
    uint8_t buf[10];
    size_t n = 0;
    do {
        uint8_t b = v & 0x7f;
        v >>= 7;
        buf[n++] = b | (v ? 0x80 : 0);
    } while (v);
    return append(s, buf, n);
}

static int add_range(lockstep_skeleton *s, uint64_t offset, uint64_t length) {
    if (s->n_ranges == s->ranges_capacity) {
        size_t want = s->ranges_capacity ? s->ranges_capacity * 2 : 64;
        lockstep_range *grown = realloc(s->ranges, want * sizeof(lockstep_range));
        if (!grown) return 4;
        s->ranges = grown;
        s->ranges_capacity = want;
    }
    s->ranges[s->n_ranges].offset = offset;
    s->ranges[s->n_ranges].length = length;
    s->n_ranges++;
    return 0;
}

static int skeleton_walk(const uint8_t *base, size_t begin, size_t end,
                         const ProtobufCMessageDescriptor *desc, int depth, int max_depth,
                         size_t min_lift, const ProtobufCMessageDescriptor *tensor_desc,
                         lockstep_skeleton *out, char *reason, size_t cap) {
    if (depth > max_depth) {
        snprintf(reason, cap, "messages nested more than %d deep at byte %zu", max_depth, begin);
        return 3;
    }
    const int is_tensor = desc == tensor_desc;
    size_t pos = begin;
    while (pos < end) {
        uint64_t tag; size_t used;
        int rc = read_varint(base + pos, end - pos, &tag, &used);
        if (rc == 1) { snprintf(reason, cap, "truncated field tag at byte %zu", pos); return 1; }
        if (rc == 2) { snprintf(reason, cap, "overlong varint at byte %zu", pos); return 2; }
        const size_t tag_at = pos;
        pos += used;
        const uint64_t number = tag >> 3;
        const unsigned wire = (unsigned)(tag & 7);
        if (number == 0 || number > 536870911u) {
            snprintf(reason, cap, "invalid field number %llu at byte %zu", (unsigned long long)number, tag_at);
            return 2;
        }
        const int strip = is_tensor && number == LOCKSTEP_RAW_DATA_REF_FIELD;
        size_t value_end;
        switch (wire) {
        case 0: {
            uint64_t ignored;
            rc = read_varint(base + pos, end - pos, &ignored, &used);
            if (rc == 1) { snprintf(reason, cap, "truncated varint at byte %zu", pos); return 1; }
            if (rc == 2) { snprintf(reason, cap, "overlong varint at byte %zu", pos); return 2; }
            value_end = pos + used;
            break;
        }
        case 1:
            if (end - pos < 8) { snprintf(reason, cap, "truncated 64-bit field at byte %zu", pos); return 1; }
            value_end = pos + 8;
            break;
        case 5:
            if (end - pos < 4) { snprintf(reason, cap, "truncated 32-bit field at byte %zu", pos); return 1; }
            value_end = pos + 4;
            break;
        case 2: {
            uint64_t len;
            rc = read_varint(base + pos, end - pos, &len, &used);
            if (rc == 1) { snprintf(reason, cap, "truncated length at byte %zu", pos); return 1; }
            if (rc == 2) { snprintf(reason, cap, "overlong length varint at byte %zu", pos); return 2; }
            const size_t data_at = pos + used;
            if (len > (uint64_t)(end - data_at)) {
                snprintf(reason, cap,
                         "field %llu at byte %zu declares %llu bytes but only %zu remain (truncated file?)",
                         (unsigned long long)number, tag_at, (unsigned long long)len, end - data_at);
                return 1;
            }
            if (strip) { pos = data_at + (size_t)len; continue; }
            if (is_tensor && number == 9 && len >= min_lift) {
                /* raw_data -> lockstep_raw_data_ref (fixed64, wire type 1) */
                if (append_varint(out, ((uint64_t)LOCKSTEP_RAW_DATA_REF_FIELD << 3) | 1)) return 4;
                uint64_t index = out->n_ranges;
                uint8_t le[8];
                for (int k = 0; k < 8; k++) le[k] = (uint8_t)(index >> (8 * k));
                if (append(out, le, 8) || add_range(out, data_at, len)) return 4;
                pos = data_at + (size_t)len;
                continue;
            }
            const ProtobufCFieldDescriptor *field =
                desc ? protobuf_c_message_descriptor_get_field(desc, (unsigned)number) : NULL;
            if (field != NULL && field->type == PROTOBUF_C_TYPE_MESSAGE) {
                if (append(out, base + tag_at, pos - tag_at)) return 4;
                if (reserve(out, 5)) return 4;
                const size_t prefix_at = out->length;
                out->length += 5;
                rc = skeleton_walk(base, data_at, data_at + (size_t)len,
                                   (const ProtobufCMessageDescriptor *)field->descriptor, depth + 1,
                                   max_depth, min_lift, tensor_desc, out, reason, cap);
                if (rc != 0) return rc;
                const uint64_t written = out->length - prefix_at - 5;
                if (written >= (1ull << 35)) { snprintf(reason, cap, "message too large"); return 2; }
                /* A five-byte (non-minimal) varint length, which protobuf decoders accept. */
                for (int k = 0; k < 5; k++) {
                    uint8_t b = (uint8_t)((written >> (7 * k)) & 0x7f);
                    out->data[prefix_at + k] = k < 4 ? (b | 0x80) : b;
                }
                pos = data_at + (size_t)len;
                continue;
            }
            value_end = data_at + (size_t)len;
            break;
        }
        default:
            snprintf(reason, cap, "unsupported wire type %u at byte %zu", wire, tag_at);
            return 2;
        }
        if (!strip && append(out, base + tag_at, value_end - tag_at)) return 4;
        pos = value_end;
    }
    return 0;
}

int lockstep_wire_skeleton(const uint8_t *data, size_t length,
                           const ProtobufCMessageDescriptor *descriptor,
                           int max_depth, size_t min_lift_bytes, lockstep_skeleton *out,
                           char *reason, size_t reason_capacity) {
    if (reason_capacity > 0) reason[0] = '\0';
    if (length == 0) return 0;
    if (data == NULL) { snprintf(reason, reason_capacity, "no data"); return 2; }
    if (reserve(out, length < 4096 ? length : 4096)) return 4;
    int rc = skeleton_walk(data, 0, length, descriptor, 0, max_depth,
                           min_lift_bytes ? min_lift_bytes : SIZE_MAX,
                           &onnx__tensor_proto__descriptor, out, reason, reason_capacity);
    if (rc == 4) snprintf(reason, reason_capacity, "out of memory while reading the file");
    return rc;
}

void lockstep_skeleton_free(lockstep_skeleton *s) {
    if (!s) return;
    free(s->data);
    free(s->ranges);
    memset(s, 0, sizeof *s);
}

/* ---- arena allocation for protobuf-c ---------------------------------------------------- */

typedef struct arena_chunk {
    struct arena_chunk *next;
    size_t used, size;
    _Alignas(16) unsigned char bytes[];
} arena_chunk;

typedef struct {
    arena_chunk *head;
    ProtobufCAllocator allocator;
} arena;

static void *arena_alloc(void *data, size_t size) {
    arena *a = data;
    size = (size + 15) & ~(size_t)15;
    if (size == 0) size = 16;
    arena_chunk *c = a->head;
    if (c == NULL || c->size - c->used < size) {
        size_t chunk = size > 65536 ? size : 65536;
        if (c != NULL && c->size * 2 > chunk && c->size < (1u << 24)) chunk = c->size * 2;
        arena_chunk *fresh = malloc(sizeof(arena_chunk) + chunk);
        if (fresh == NULL) return NULL;
        fresh->next = c;
        fresh->used = 0;
        fresh->size = chunk;
        a->head = fresh;
        c = fresh;
    }
    void *p = c->bytes + c->used;
    c->used += size;
    return p;
}

static void arena_free(void *data, void *pointer) { (void)data; (void)pointer; }

static void arena_release(arena *a) {
    arena_chunk *c = a->head;
    while (c) { arena_chunk *next = c->next; free(c); c = next; }
    free(a);
}

ProtobufCMessage *lockstep_arena_unpack(const ProtobufCMessageDescriptor *descriptor,
                                        size_t length, const uint8_t *data, void **arena_out) {
    *arena_out = NULL;
    arena *a = calloc(1, sizeof(arena));
    if (a == NULL) return NULL;
    a->allocator.alloc = arena_alloc;
    a->allocator.free = arena_free;
    a->allocator.allocator_data = a;
    ProtobufCMessage *m = protobuf_c_message_unpack(descriptor, &a->allocator, length, data);
    if (m == NULL) { arena_release(a); return NULL; }
    *arena_out = a;
    return m;
}

void lockstep_arena_free(void *a) {
    if (a != NULL) arena_release(a);
}

/* ---- descriptors --------------------------------------------------------------------------- */

const ProtobufCMessageDescriptor *lockstep_onnx_model_descriptor(void) { return &onnx__model_proto__descriptor; }
const ProtobufCMessageDescriptor *lockstep_onnx_tensor_descriptor(void) { return &onnx__tensor_proto__descriptor; }
