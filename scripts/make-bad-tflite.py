#!/usr/bin/env python3
"""Generates the hostile TFLite files in Tests/TFLiteFormatTests/Fixtures/bad/ (committed) and their
README.md. Every file must be rejected by Lockstep's TFLite loader with an error (never a crash, a
hang, a huge allocation or a read outside the file).

Each file wraps one defect in an otherwise valid tiny model (FULLY_CONNECTED [1,4] x [3,4] + bias
-> RELU), made with the builder of scripts/make-tflite-fixtures.py; structural defects are byte
patches of that model at positions found with the `tflite` package reader. The README records, for
every file, what the `tflite` package (no verifier) and LiteRT's interpreter (in a child process)
do with it. The folder is regenerated from scratch on every run. Deterministic.

Usage: python scripts/make-bad-tflite.py [OUT_DIR]   (run in the venv that scripts/bootstrap.sh makes)
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import struct
import subprocess
import sys

import flatbuffers
import numpy as np
import tflite

SCRIPTS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(SCRIPTS)
DEFAULT_OUT = os.path.join(ROOT, "Tests", "TFLiteFormatTests", "Fixtures", "bad")
sys.path.insert(0, SCRIPTS)
import tflite_reference  # noqa: E402

_spec = importlib.util.spec_from_file_location("make_tflite_fixtures", os.path.join(SCRIPTS, "make-tflite-fixtures.py"))
fx = importlib.util.module_from_spec(_spec)
sys.modules["make_tflite_fixtures"] = fx
_spec.loader.exec_module(fx)

OP = tflite.BuiltinOperator
AMPLIFY = 1024  # subgraph entries x operator entries, all aliasing one table each


# === the base model =============================================================================

def base_model(weights_buffer: int | None = None, weights_data=None, op_inputs=None, opcode=None,
               graph_inputs=None) -> fx.Model:
    m = fx.Model("Lockstep hostile-file base: FULLY_CONNECTED -> RELU")
    g = m.subgraph("main")
    rng = np.random.default_rng(11)
    x = g.add(fx.Tensor("input", "float32", [1, 4]))
    w = g.add(fx.Tensor("fc/weights", "float32", [3, 4], fx.dyadic(rng, (3, 4)) if weights_data is None else weights_data))
    if weights_buffer is not None:
        g.tensors[w].data = None
        g.tensors[w].buffer = weights_buffer
    b = g.add(fx.Tensor("fc/bias", "float32", [3], fx.dyadic(rng, (3,))))
    h = g.add(fx.Tensor("fc/out", "float32", [1, 3]))
    y = g.add(fx.Tensor("output", "float32", [1, 3]))
    fc = m.opcode(OP.FULLY_CONNECTED)
    relu = m.opcode(OP.RELU)
    g.operators = [
        fx.Operator(fc if opcode is None else opcode, op_inputs or [x, w, b], [h], fx.fc_options(fx.ACT.NONE)),
        fx.Operator(relu, [h], [y]),
    ]
    g.inputs, g.outputs = graph_inputs or [x], [y]
    return m


def base() -> bytes:
    return fx.serialise(base_model())


def u32(data: bytes, pos: int) -> int:
    return struct.unpack_from("<I", data, pos)[0]


def patch(data: bytes, pos: int, fmt: str, value) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, pos, value)
    return bytes(out)


def model_of(data: bytes) -> tflite.Model:
    return tflite.Model.GetRootAs(data, 0)


def field_pos(table, vtable_offset: int) -> int:
    """Absolute position of a table field (its offset or scalar)."""
    o = table._tab.Offset(vtable_offset)
    assert o, f"field at vtable offset {vtable_offset} absent"
    return table._tab.Pos + o


# === the defects ================================================================================

def wrong_identifier() -> bytes:
    data = base()
    return data[:4] + b"TFL2" + data[8:]


def truncated_half() -> bytes:
    data = base()
    return data[: len(data) // 2]


def root_offset_past_end() -> bytes:
    data = base()
    return patch(data, 0, "<I", len(data) + 4096)


def vtable_offset_out_of_range() -> bytes:
    data = base()
    root = u32(data, 0)
    # vtable position = table position - soffset: a negative soffset puts it far past the end.
    return patch(data, root, "<i", -(len(data) * 16))


def self_referencing_offset() -> bytes:
    data = base()
    vector = model_of(data)._tab.Vector(model_of(data)._tab.Offset(8))  # Model.subgraphs, element 0
    return patch(data, vector, "<I", 0)


def string_length_past_end() -> bytes:
    data = base()
    tensor = model_of(data).Subgraphs(0).Tensors(0)
    pos = field_pos(tensor, 10)  # Tensor.name
    string = pos + u32(data, pos)
    return patch(data, string, "<I", 0x7FFFFFF0)


def vector_length_past_end() -> bytes:
    data = base()
    subgraph = model_of(data).Subgraphs(0)
    pos = field_pos(subgraph, 4)  # SubGraph.tensors
    vector = pos + u32(data, pos)
    return patch(data, vector, "<I", 0x3FFFFFFF)


def buffer_index_out_of_range() -> bytes:
    return fx.serialise(base_model(weights_buffer=99))


def opcode_index_out_of_range() -> bytes:
    return fx.serialise(base_model(opcode=7))


def tensor_index_out_of_range() -> bytes:
    return fx.serialise(base_model(op_inputs=[0, 42, 2]))


def tensor_index_negative() -> bytes:
    return fx.serialise(base_model(op_inputs=[0, -7, 2]))


def subgraph_input_out_of_range() -> bytes:
    return fx.serialise(base_model(graph_inputs=[0, 9]))


def buffer_data_too_small() -> bytes:
    return fx.serialise(base_model(weights_data=bytes(8)))


def offset_buffer_model(offset: int, size: int) -> bytes:
    m = base_model(weights_buffer=1)
    fx.assign_buffers(m)  # bias -> buffer 1, moved below
    bias = m.subgraphs[0].tensors[2]
    m.buffers = [{"data": None}, {"offset": offset, "size": size}, {"data": fx.const_bytes(bias)}]
    bias.buffer = 2
    return fx.build_flatbuffer(m)


def buffer_offset_past_end() -> bytes:
    return offset_buffer_model(1 << 20, 48)


def buffer_offset_overflow() -> bytes:
    return offset_buffer_model(0xFFFFFFFFFFFFFFF0, 0x40)


def amplified_offsets() -> bytes:
    """Model.subgraphs holds AMPLIFY offsets to ONE SubGraph whose operators vector holds AMPLIFY
    offsets to ONE Operator: a few KB that a naive walk expands to AMPLIFY^2 operators."""
    b = flatbuffers.Builder(1 << 16)
    tflite.BufferStart(b)
    buffers = fx.offset_vector(b, [tflite.BufferEnd(b)])
    tflite.OperatorCodeStart(b)
    tflite.OperatorCodeAddDeprecatedBuiltinCode(b, OP.RELU)
    tflite.OperatorCodeAddBuiltinCode(b, OP.RELU)
    opcodes = fx.offset_vector(b, [tflite.OperatorCodeEnd(b)])
    tensors = []
    for name in ("input", "output"):
        name_off = b.CreateString(name)
        shape = fx.int_vector(b, [1, 4])
        tflite.TensorStart(b)
        tflite.TensorAddShape(b, shape)
        tflite.TensorAddName(b, name_off)
        tensors.append(tflite.TensorEnd(b))
    tensors_off = fx.offset_vector(b, tensors)
    ins, outs = fx.int_vector(b, [0]), fx.int_vector(b, [1])
    tflite.OperatorStart(b)
    tflite.OperatorAddInputs(b, ins)
    tflite.OperatorAddOutputs(b, outs)
    op = tflite.OperatorEnd(b)
    operators = fx.offset_vector(b, [op] * AMPLIFY)
    ins, outs = fx.int_vector(b, [0]), fx.int_vector(b, [1])
    tflite.SubGraphStart(b)
    tflite.SubGraphAddTensors(b, tensors_off)
    tflite.SubGraphAddInputs(b, ins)
    tflite.SubGraphAddOutputs(b, outs)
    tflite.SubGraphAddOperators(b, operators)
    subgraph = tflite.SubGraphEnd(b)
    subgraphs = fx.offset_vector(b, [subgraph] * AMPLIFY)
    tflite.ModelStart(b)
    tflite.ModelAddVersion(b, 3)
    tflite.ModelAddOperatorCodes(b, opcodes)
    tflite.ModelAddSubgraphs(b, subgraphs)
    tflite.ModelAddBuffers(b, buffers)
    b.Finish(tflite.ModelEnd(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def onnx_renamed() -> bytes:
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])], "relu",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8,
                              producer_name="lockstep-bad-tflite")
    onnx.checker.check_model(model)
    return model.SerializeToString()


# (file, bytes, defect, why it must be rejected)
def cases() -> list[tuple[str, bytes, str, str]]:
    good = base()
    return [
        ("empty.tflite", b"", "0 bytes",
         "no root offset, no file identifier"),
        ("too_short.tflite", struct.pack("<I", 16) + b"TFL", "7 bytes: a root offset and 3 of the 4 identifier bytes",
         "shorter than the 8 bytes of root offset + file identifier"),
        ("wrong_identifier.tflite", wrong_identifier(), "the valid base model with file identifier `TFL2`",
         "the identifier of a TFLite model is `TFL3`; anything else is another schema"),
        ("truncated_half.tflite", truncated_half(), f"the first {len(good) // 2} of the base model's {len(good)} bytes",
         "offsets point past the end of the file"),
        ("root_offset_past_end.tflite", root_offset_past_end(), f"root offset {len(good) + 4096} in a {len(good)}-byte file",
         "the root table lies outside the file"),
        ("vtable_offset_out_of_range.tflite", vtable_offset_out_of_range(),
         f"the Model table's vtable soffset set to {-(len(good) * 16)}",
         "the vtable (table position - soffset) lies past the end of the file"),
        ("self_referencing_offset.tflite", self_referencing_offset(),
         "Model.subgraphs[0] is uoffset 0: the SubGraph 'table' starts at the offset itself, reads those bytes as "
         "soffset 0, so its vtable is itself, with vtable size 0",
         "FlatBuffers' C++ verifier accepts a 0-byte vtable (every field absent), so this reaches the loader as a "
         "SubGraph with no tensors, inputs, outputs or operators laid over the vector's own bytes: no graph"),
        ("amplified_offsets.tflite", amplified_offsets(),
         f"Model.subgraphs = {AMPLIFY} offsets to one SubGraph whose operators = {AMPLIFY} offsets to one Operator",
         f"{AMPLIFY * AMPLIFY + AMPLIFY} table visits from a few KB: the FlatBuffers verifier's table limit "
         "(1,000,000 by default) rejects it; a loader without a bound builds a million nodes"),
        ("string_length_past_end.tflite", string_length_past_end(), "tensor 0's name has length 0x7FFFFFF0",
         "the string runs past the end of the file"),
        ("vector_length_past_end.tflite", vector_length_past_end(), "SubGraph.tensors has length 0x3FFFFFFF",
         "the vector runs past the end of the file (and would be a 4 GB allocation)"),
        ("buffer_index_out_of_range.tflite", buffer_index_out_of_range(), "tensor 1 (fc/weights) has buffer 99; the model has 2 buffers",
         "the tensor's data cannot be found"),
        ("opcode_index_out_of_range.tflite", opcode_index_out_of_range(), "operator 0 has opcode_index 7; the model has 2 op codes",
         "the operator has no op"),
        ("tensor_index_out_of_range.tflite", tensor_index_out_of_range(), "operator 0 inputs [0, 42, 2]; the subgraph has 5 tensors",
         "the operator reads a tensor that does not exist"),
        ("tensor_index_negative.tflite", tensor_index_negative(), "operator 0 inputs [0, -7, 2]",
         "-1 (optional input absent) is the only negative index the schema allows"),
        ("subgraph_input_out_of_range.tflite", subgraph_input_out_of_range(), "SubGraph.inputs [0, 9]; the subgraph has 5 tensors",
         "the graph input does not exist"),
        ("buffer_data_too_small.tflite", buffer_data_too_small(), "fc/weights is float32 [3,4] (48 bytes) but its buffer holds 8 bytes",
         "reading the weights would read past the buffer"),
        ("buffer_offset_past_end.tflite", buffer_offset_past_end(), "buffer 1 has offset 1048576, size 48 (file is a few hundred bytes)",
         "the data lies outside the file"),
        ("buffer_offset_overflow.tflite", buffer_offset_overflow(), "buffer 1 has offset 0xFFFFFFFFFFFFFFF0, size 0x40",
         "offset + size wraps around 2^64: an unchecked sum looks in range"),
        ("onnx_renamed.tflite", onnx_renamed(), "an ONNX model (Relu, made with the onnx package) renamed .tflite",
         "not a FlatBuffer: bytes 4..8 are not `TFL3`"),
    ]


# === what the Python readers do =================================================================

def describe_tflite_package(path: str) -> str:
    code = ("import json, sys; sys.path.insert(0, sys.argv[2]); import tflite_reference; "
            "print(json.dumps(tflite_reference.facts(sys.argv[1])))")
    try:
        done = subprocess.run([sys.executable, "-c", code, path, SCRIPTS], capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return "no answer within 300 s"
    if done.returncode != 0:
        return f"crashes (exit {done.returncode})"
    facts = json.loads(done.stdout)
    if "error" in facts:
        return f"raises `{shorten(facts['error'])}`"
    return (f"reads it without complaint ({facts['subgraphCount']} subgraphs, {facts['nodeCount']} operators, "
            f"{facts['tensorCount']} tensors): it has no verifier")


def describe_litert(path: str) -> str:
    result = tflite_reference.litert(path, "run", [], timeout=300)
    if "crash" in result:
        return f"the process dies: {shorten(result['crash'])}"
    if "error" in result:
        stage = {"load": "`Interpreter()` raises", "allocate": "`allocate_tensors()` raises",
                 "invoke": "`invoke()` raises"}[result["stage"]]
        return f"{stage} `{shorten(result['error'])}`"
    return "loads, allocates and runs it"


def shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.replace("|", "/").replace("`", "'").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def main() -> int:
    if len(sys.argv) > 2 or (len(sys.argv) == 2 and sys.argv[1].startswith("-")):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    out = os.path.abspath(sys.argv[1] if len(sys.argv) == 2 else DEFAULT_OUT)
    tmp = out + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    litert = tflite_reference.litert_available()
    rows = []
    for name, data, defect, why in cases():
        assert len(data) < 16 * 1024, f"{name}: {len(data)} bytes"
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        package = describe_tflite_package(path)
        runtime = describe_litert(path).replace(tmp, "<dir>") if litert else "not checked (ai_edge_litert missing)"
        rows.append(f"| `{name}` | {len(data)} | {defect} | {why} | {package} | {runtime} |")
        print(f"  {name:36s} {len(data):6d} bytes")
    readme = "\n".join([
        "# Hostile TFLite files",
        "",
        "Generated by `scripts/make-bad-tflite.py` (never edit by hand). Lockstep's TFLite loader must reject",
        "every file with an error naming the file and the reason: never a crash, a hang, a huge allocation, or",
        "a read outside the file. Most files are a valid tiny model (FULLY_CONNECTED [1,4] x [3,4] + bias, then",
        "RELU; 5 tensors, 3 buffers, 2 op codes) with one defect.",
        "",
        "The last two columns record what the `tflite` 2.18.0 package (generated FlatBuffers accessors, no",
        "verifier; read through `scripts/tflite_reference.py`) and LiteRT 2.3.0",
        "(`ai_edge_litert.interpreter.Interpreter(model_path=...)`, then `allocate_tensors()` and `invoke()`,",
        "in a child process) do with each file. Where either accepts a file, Lockstep is meant to be stricter.",
        "",
        "| file | bytes | defect | why it must be rejected | tflite package | LiteRT |",
        "| --- | ---: | --- | --- | --- | --- |",
        *rows,
        "",
        "No file nests tables deeply: schema.fbs has no recursive table type, so the deepest legal path is",
        "about six tables. The aliasing and self-referencing offsets above are the hostile shapes that remain.",
        "",
    ])
    with open(os.path.join(tmp, "README.md"), "w", encoding="utf-8") as f:
        f.write(readme)
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)
    print(f"bad: {len(rows)} files -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
