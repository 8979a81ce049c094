/* Lockstep: wire-format pre-check for protobuf input, run before protobuf-c unpacks it.
 * protobuf-c recurses once per nested message with no depth limit, so a hostile file with
 * deeply nested graphs could exhaust the stack. This walk is bounded, checks every length
 * against the buffer and reports where a file is truncated or malformed. */
#ifndef LOCKSTEP_WIRE_H
#define LOCKSTEP_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Returns 0 when `data` is a well-formed encoding of `descriptor` nested at most `max_depth`
 * messages deep. Otherwise returns a non-zero code and writes a short reason (with the byte
 * offset) into `reason`:
 *   1 truncated (a length or varint runs past the end), 2 malformed (bad wire type, overlong
 *   varint, zero field number), 3 nesting too deep. */
int lockstep_wire_check(const uint8_t *data, size_t length,
                        const ProtobufCMessageDescriptor *descriptor,
                        int max_depth, char *reason, size_t reason_capacity);

/* Descriptors of the top-level messages Lockstep unpacks (stable pointers for Swift). */
const ProtobufCMessageDescriptor *lockstep_onnx_model_descriptor(void);
const ProtobufCMessageDescriptor *lockstep_onnx_tensor_descriptor(void);

#ifdef __cplusplus
}
#endif

#endif
