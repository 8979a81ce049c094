#!/usr/bin/env python3
"""Generates the hostile ONNX files in Tests/ONNXFormatTests/Fixtures/bad/ (committed) and their
README.md. Every file must be rejected by Lockstep's ONNX loader with an error (never a crash, a
hang, a huge allocation or a read outside the model's folder).

Most files wrap one defect in an otherwise valid model made with onnx.helper; deep_nesting.onnx is
written as raw protobuf bytes (no onnx/protobuf library, so no recursion limit interferes).
The folder is regenerated from scratch on every run. Deterministic.
Usage: python scripts/make-bad-models.py [OUT_DIR]   (run in the venv that scripts/bootstrap.sh makes)
"""

from __future__ import annotations

import os
import shutil
import struct
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "Tests", "ONNXFormatTests", "Fixtures", "bad")
DEEP_NESTING_LEVELS = 5000

# --- raw protobuf wire format --------------------------------------------------------------------

VARINT, I64, LEN, I32 = 0, 1, 2, 5


def varint(n: int) -> bytes:
    out = bytearray()
    n &= (1 << 64) - 1  # negative int64 values are ten-byte two's complement varints
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def key(field: int, wire_type: int) -> bytes:
    return varint(field << 3 | wire_type)


def field_varint(field: int, value: int) -> bytes:
    return key(field, VARINT) + varint(value)


def field_bytes(field: int, payload: bytes) -> bytes:
    return key(field, LEN) + varint(len(payload)) + payload


# ModelProto / GraphProto / NodeProto / AttributeProto field numbers (schemas/onnx.proto).
MODEL_IR_VERSION, MODEL_PRODUCER_NAME, MODEL_GRAPH, MODEL_OPSET_IMPORT = 1, 2, 7, 8
OPSET_DOMAIN, OPSET_VERSION = 1, 2
GRAPH_NODE, GRAPH_NAME = 1, 2
NODE_INPUT, NODE_OUTPUT, NODE_OP_TYPE, NODE_ATTRIBUTE = 1, 2, 4, 5
ATTR_NAME, ATTR_G, ATTR_TYPE, ATTR_TYPE_GRAPH = 1, 6, 20, 5


def raw_model_header(ir_version: int = 8, opset: int = 17) -> bytes:
    return (field_varint(MODEL_IR_VERSION, ir_version)
            + field_bytes(MODEL_PRODUCER_NAME, b"lockstep-bad-models")
            + field_bytes(MODEL_OPSET_IMPORT, field_bytes(OPSET_DOMAIN, b"") + field_varint(OPSET_VERSION, opset)))


def deep_nesting(levels: int) -> bytes:
    """ModelProto.graph -> node(If) -> attribute g (type GRAPH) -> graph -> node -> ... `levels`
    graphs deep (3 messages per level), built from the inside out."""
    graph = field_bytes(GRAPH_NAME, b"leaf")
    for _ in range(levels - 1):
        attribute = field_bytes(ATTR_NAME, b"g") + field_bytes(ATTR_G, graph) + field_varint(ATTR_TYPE, ATTR_TYPE_GRAPH)
        node = field_bytes(NODE_INPUT, b"c") + field_bytes(NODE_OP_TYPE, b"If") + field_bytes(NODE_ATTRIBUTE, attribute)
        graph = field_bytes(GRAPH_NODE, node)
    return raw_model_header() + field_bytes(MODEL_GRAPH, graph)


# --- models made with onnx.helper ----------------------------------------------------------------


def model_with(initializer: onnx.TensorProto | None = None, ir_version: int = 8,
               dtype: int = TensorProto.FLOAT, size: int = 4) -> onnx.ModelProto:
    """y = x + w, x, y and w of `dtype` [size]; `initializer` replaces w (which then may be hostile)."""
    w = initializer if initializer is not None else numpy_helper.from_array(np.arange(4, dtype=np.float32), "w")
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "w"], ["y"], name="add")], "bad",
        [helper.make_tensor_value_info("x", dtype, [size])],
        [helper.make_tensor_value_info("y", dtype, [size])],
        initializer=[w])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="lockstep-bad-models")
    model.ir_version = ir_version
    return model


def external(location: str, offset: int | None = None, length: int | None = None,
             dims=(4,), data_type=TensorProto.FLOAT) -> onnx.TensorProto:
    tensor = TensorProto(name="w", data_type=data_type, dims=list(dims), data_location=TensorProto.EXTERNAL)
    entries = [("location", location)]
    if offset is not None:
        entries.append(("offset", str(offset)))
    if length is not None:
        entries.append(("length", str(length)))
    for k, v in entries:
        tensor.external_data.add(key=k, value=v)
    return tensor


def raw_tensor(dims, data_type: int, raw: bytes) -> onnx.TensorProto:
    return TensorProto(name="w", dims=list(dims), data_type=data_type, raw_data=raw)


def bytes_of(model: onnx.ModelProto) -> bytes:
    return model.SerializeToString()


# --- the catalogue -------------------------------------------------------------------------------


def catalogue() -> list[tuple[str, bytes | None, str]]:
    """(relative path, content (None for a symlink made separately), why it must be rejected)."""
    valid = bytes_of(model_with())
    # A cut inside the graph field: the declared length runs past the end of the file.
    truncated = valid[: len(valid) // 2]
    malformed = (raw_model_header()
                 + key(9, 7)  # wire type 7 does not exist
                 + b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01garbage\x00\x00")
    bad_length = (raw_model_header()
                  + key(MODEL_GRAPH, LEN) + varint(1 << 31)  # graph declares 2 GiB, 8 bytes follow
                  + field_bytes(GRAPH_NAME, b"tiny"))
    not_onnx = (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
                + b"\x90wS\xde" + b"\nThis is a PNG header followed by text, not an ONNX model.\n")
    no_graph = raw_model_header()

    return [
        ("empty.onnx", b"",
         "0 bytes. Protobuf decodes it as an empty ModelProto; there is no ir_version, opset or graph, so it is not a model."),
        ("not_onnx.onnx", not_onnx,
         "A PNG signature and IHDR chunk followed by text: not a protobuf ModelProto (bad wire types / lengths)."),
        ("truncated.onnx", truncated,
         f"A valid {len(valid)}-byte model cut to its first {len(truncated)} bytes: the graph field's length runs past the end of the file."),
        ("malformed.onnx", malformed,
         "A valid ModelProto prefix (ir_version, producer_name, opset_import) then a key with wire type 7, which does not exist, and garbage."),
        ("bad_length.onnx", bad_length,
         "ModelProto.graph declares a length of 2^31 bytes (past the end of the file and past INT32_MAX); must fail without allocating it."),
        ("deep_nesting.onnx", deep_nesting(DEEP_NESTING_LEVELS),
         f"Hand-encoded bytes: ModelProto.graph -> node(If) -> attribute g (GRAPH) -> graph -> ... {DEEP_NESTING_LEVELS} graphs deep "
         f"({3 * DEEP_NESTING_LEVELS} nested messages). Must be rejected by a nesting-depth limit, not a stack overflow."),
        ("no_graph.onnx", no_graph,
         "ModelProto with ir_version 8 and opset_import ai.onnx 17 but no graph."),
        ("future_ir.onnx", bytes_of(model_with(ir_version=99)),
         "An otherwise valid model with ir_version 99, newer than any IR version Lockstep knows."),
        ("external_abs.onnx", bytes_of(model_with(external("/etc/passwd", 0, 16))),
         "Initializer w is EXTERNAL with location \"/etc/passwd\": an absolute path, outside the model's folder."),
        ("external_escape.onnx", bytes_of(model_with(external("../../secret.bin"))),
         "Initializer w is EXTERNAL with location \"../../secret.bin\": escapes the model's folder with '..'."),
        ("external_missing.onnx", bytes_of(model_with(external("missing.bin"))),
         "Initializer w is EXTERNAL with location \"missing.bin\", which does not exist."),
        ("external_range.onnx", bytes_of(model_with(external("external_range.bin", offset=8, length=16))),
         "Initializer w (float32 [4]) is EXTERNAL in external_range.bin at offset 8, length 16: bytes 8..<24 of a 16-byte file."),
        ("external_range.bin", bytes(range(16)),
         "The 16-byte data file of external_range.onnx (bytes 0x00..0x0f); not a model itself."),
        ("external_symlink/model.onnx", bytes_of(model_with(
            external("link.bin", 0, 1, dims=(1,), data_type=TensorProto.UINT8), dtype=TensorProto.UINT8, size=1)),
         "Initializer w (uint8 [1], offset 0, length 1) is EXTERNAL in link.bin, a name inside the folder, but link.bin is a "
         "symlink to /etc/hostname, outside it: the resolved path must stay inside the model's folder."),
        ("external_symlink/link.bin", None,
         "Symlink to /etc/hostname (committed as a symlink)."),
        ("huge_dims.onnx", bytes_of(model_with(raw_tensor([1 << 40, 1 << 40], TensorProto.FLOAT, b"\x00" * 4))),
         "Initializer w has dims [2^40, 2^40] (2^80 elements: the element count overflows Int64) and 4 bytes of raw_data; "
         "must fail without overflowing or allocating."),
        ("raw_size_mismatch.onnx", bytes_of(model_with(raw_tensor([4], TensorProto.FLOAT, b"\x01\x02\x03"))),
         "Initializer w is float32 [4] (16 bytes) but has 3 bytes of raw_data."),
        ("bad_dtype.onnx", bytes_of(model_with(raw_tensor([1], 999, b"\x00" * 4))),
         "Initializer w has data_type 999, which is no TensorProto.DataType."),
    ]


def onnx_verdict(path: str) -> str:
    """What the onnx Python package says about the file (documentation only)."""
    try:
        onnx.load(path, load_external_data=False)
    except Exception as error:  # noqa: BLE001
        return f"onnx.load fails ({type(error).__name__})"
    try:
        onnx.load(path)
    except Exception as error:  # noqa: BLE001
        return f"onnx.load with external data fails ({type(error).__name__})"
    try:
        onnx.checker.check_model(path, full_check=True)
    except Exception as error:  # noqa: BLE001
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"loads; onnx.checker rejects it: {first}"
    return "onnx loads and checks it (!)"


def main() -> int:
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    entries = catalogue()
    for rel, content, _ in entries:
        path = os.path.join(out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if content is None:
            os.symlink("/etc/hostname", path)
        else:
            with open(path, "wb") as f:
                f.write(content)

    lines = [
        "# Hostile ONNX files",
        "",
        "Generated by `scripts/make-bad-models.py` (run it in the venv of `scripts/bootstrap.sh`; never edit",
        "these files by hand). Each `.onnx` must be **rejected** by Lockstep's ONNX loader with an error",
        "(`lockstep inspect` exits 2): never a crash, a hang, a huge allocation, or a read outside the",
        "model's folder. \"onnx says\" is what the onnx Python package "
        f"{onnx.__version__} does with the file, for comparison only.",
        "",
        "| file | bytes | why it must be rejected | onnx says |",
        "| --- | ---: | --- | --- |",
    ]
    for rel, content, reason in entries:
        path = os.path.join(out, rel)
        size = "symlink" if content is None else str(len(content))
        verdict = onnx_verdict(path) if rel.endswith(".onnx") else "—"
        lines.append(f"| `{rel}` | {size} | {reason} | {verdict.replace('|', '/')} |")
    lines.append("")
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write("\n".join(lines))

    total = sum(len(c) for _, c, _ in entries if c is not None)
    for rel, content, _ in entries:
        verdict = onnx_verdict(os.path.join(out, rel)) if rel.endswith(".onnx") else ""
        print(f"  {rel:30} {'symlink' if content is None else len(content):>7}  {verdict}")
    print(f"bad models: {len(entries)} files, {total} bytes -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
