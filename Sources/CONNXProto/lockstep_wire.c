/* Lockstep: bounded wire-format walk. See include/lockstep_wire.h. Hand-written, not generated. */
#include "include/lockstep_wire.h"
#include <stdio.h>
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

static int walk(const uint8_t *base, size_t begin, size_t end,
                const ProtobufCMessageDescriptor *desc, int depth, int max_depth,
                char *reason, size_t cap) {
    if (depth > max_depth) {
        snprintf(reason, cap, "messages nested more than %d deep at byte %zu", max_depth, begin);
        return 3;
    }
    size_t pos = begin;
    while (pos < end) {
        uint64_t tag; size_t used;
        int rc = read_varint(base + pos, end - pos, &tag, &used);
        if (rc == 1) { snprintf(reason, cap, "truncated field tag at byte %zu", pos); return 1; }
        if (rc == 2) { snprintf(reason, cap, "overlong varint at byte %zu", pos); return 2; }
        size_t tag_at = pos;
        pos += used;
        uint64_t number = tag >> 3;
        unsigned wire = (unsigned)(tag & 7);
        if (number == 0 || number > 536870911u) {
            snprintf(reason, cap, "invalid field number %llu at byte %zu", (unsigned long long)number, tag_at);
            return 2;
        }
        switch (wire) {
        case 0: {
            uint64_t ignored;
            rc = read_varint(base + pos, end - pos, &ignored, &used);
            if (rc == 1) { snprintf(reason, cap, "truncated varint at byte %zu", pos); return 1; }
            if (rc == 2) { snprintf(reason, cap, "overlong varint at byte %zu", pos); return 2; }
            pos += used;
            break;
        }
        case 1:
            if (end - pos < 8) { snprintf(reason, cap, "truncated 64-bit field at byte %zu", pos); return 1; }
            pos += 8;
            break;
        case 5:
            if (end - pos < 4) { snprintf(reason, cap, "truncated 32-bit field at byte %zu", pos); return 1; }
            pos += 4;
            break;
        case 2: {
            uint64_t len;
            rc = read_varint(base + pos, end - pos, &len, &used);
            if (rc == 1) { snprintf(reason, cap, "truncated length at byte %zu", pos); return 1; }
            if (rc == 2) { snprintf(reason, cap, "overlong length varint at byte %zu", pos); return 2; }
            pos += used;
            if (len > (uint64_t)(end - pos)) {
                snprintf(reason, cap,
                         "field %llu at byte %zu declares %llu bytes but only %zu remain (truncated file?)",
                         (unsigned long long)number, tag_at, (unsigned long long)len, end - pos);
                return 1;
            }
            if (desc != NULL) {
                const ProtobufCFieldDescriptor *field =
                    protobuf_c_message_descriptor_get_field(desc, (unsigned)number);
                if (field != NULL && field->type == PROTOBUF_C_TYPE_MESSAGE) {
                    rc = walk(base, pos, pos + (size_t)len,
                              (const ProtobufCMessageDescriptor *)field->descriptor,
                              depth + 1, max_depth, reason, cap);
                    if (rc != 0) return rc;
                }
            }
            pos += (size_t)len;
            break;
        }
        default:
            snprintf(reason, cap, "unsupported wire type %u at byte %zu", wire, tag_at);
            return 2;
        }
    }
    return 0;
}

int lockstep_wire_check(const uint8_t *data, size_t length,
                        const ProtobufCMessageDescriptor *descriptor,
                        int max_depth, char *reason, size_t reason_capacity) {
    if (reason_capacity > 0) reason[0] = '\0';
    if (length == 0) return 0;
    if (data == NULL) { snprintf(reason, reason_capacity, "no data"); return 2; }
    return walk(data, 0, length, descriptor, 0, max_depth, reason, reason_capacity);
}

const ProtobufCMessageDescriptor *lockstep_onnx_model_descriptor(void) { return &onnx__model_proto__descriptor; }
const ProtobufCMessageDescriptor *lockstep_onnx_tensor_descriptor(void) { return &onnx__tensor_proto__descriptor; }
