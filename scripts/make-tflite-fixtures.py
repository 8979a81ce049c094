#!/usr/bin/env python3
"""Generates the small TFLite models in Tests/TFLiteFormatTests/Fixtures/models/ (committed), their
README.md (what each file holds and what Lockstep's TFLite loader must find in it), and
Tests/TFLiteFormatTests/Fixtures/reference.json (scripts/tflite_reference.py's facts of every file).

No TensorFlow: every model is written directly with the FlatBuffers Python builder, through the
builder functions that the `tflite` package (generated from the official schema.fbs) exposes
(tflite.ModelStart, tflite.TensorAddShape, ...). Weights come from fixed seeds and are small dyadic
numbers (k / 2^n), so every value is exact in float32 / float16 and the bytes are deterministic.

After writing, every file is checked and the script fails (exit 1) when anything is off:
  - read back with the tflite package: op codes (max of deprecated_builtin_code / builtin_code),
    versions, builtin options, quantisation, sparsity, buffers, signatures, metadata;
  - LiteRT (ai_edge_litert, in a child process): every model but custom_op.tflite must load,
    allocate and run, and its outputs must agree with a numpy reference computed here (float: 1e-5
    relative; quantised: one output quantisation step); custom_op.tflite must fail to allocate
    because MyCustomOp is unresolved.
Two runs write identical bytes. The models/ folder is regenerated from scratch on every run.

Usage: python scripts/make-tflite-fixtures.py [FIXTURES_DIR] [--no-litert]
       (run in the venv from scripts/bootstrap.sh; FIXTURES_DIR defaults to
        Tests/TFLiteFormatTests/Fixtures)
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
from dataclasses import dataclass, field

import flatbuffers
import numpy as np
import tflite
from flatbuffers import flexbuffers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tflite_reference  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "Tests", "TFLiteFormatTests", "Fixtures")
MAX_FIXTURE_BYTES = 50 * 1024

OP = tflite.BuiltinOperator
ACT = tflite.ActivationFunctionType
PAD = tflite.Padding
OPT = tflite.BuiltinOptions

TYPE_CODES = {name: code for code, name in tflite_reference.DTYPE_NAMES.items() if name}
NUMPY_TYPES = {
    "float32": np.float32, "float16": np.float16, "int32": np.int32, "uint8": np.uint8,
    "int64": np.int64, "bool": np.bool_, "int16": np.int16, "int8": np.int8,
}
ACT_NAMES = {v: k for k, v in vars(ACT).items() if not k.startswith("_")}
PAD_NAMES = {v: k for k, v in vars(PAD).items() if not k.startswith("_")}
OPT_NAMES = {v: k for k, v in vars(OPT).items() if not k.startswith("_")}


# === model description ===========================================================================

@dataclass
class Tensor:
    name: str
    dtype: str
    shape: list[int]
    data: np.ndarray | bytes | None = None  # constant contents (stored in a Buffer)
    shape_signature: list[int] | None = None
    quant: dict | None = None  # scale, zero_point, quantized_dimension, min, max
    sparsity: dict | None = None  # traversal_order, block_map, dim_metadata (see sparsity())
    buffer: int = 0  # set by Model.add
    note: str = ""


@dataclass
class Operator:
    opcode: int
    inputs: list[int]
    outputs: list[int]
    options: tuple | None = None  # (BuiltinOptions type, build(builder) -> offset, description)
    custom_options: bytes | None = None
    note: str = ""


@dataclass
class Subgraph:
    name: str
    tensors: list[Tensor] = field(default_factory=list)
    operators: list[Operator] = field(default_factory=list)
    inputs: list[int] = field(default_factory=list)
    outputs: list[int] = field(default_factory=list)

    def add(self, tensor: Tensor) -> int:
        self.tensors.append(tensor)
        return len(self.tensors) - 1


@dataclass
class OpCode:
    builtin: int  # what the model means: max(deprecated_builtin_code, builtin_code)
    version: int = 1
    custom: str | None = None
    deprecated_field: int | None = None  # what is written into deprecated_builtin_code
    builtin_field: int | None = None  # what is written into builtin_code


@dataclass
class Model:
    description: str
    subgraphs: list[Subgraph] = field(default_factory=list)
    opcodes: list[OpCode] = field(default_factory=list)
    buffers: list[dict] = field(default_factory=lambda: [{"data": None}])  # buffer 0: the empty sentinel
    metadata: list[tuple[str, int]] = field(default_factory=list)
    signatures: list[dict] = field(default_factory=list)
    version: int = 3
    offset_buffers: bool = False  # store constant data after the FlatBuffer (Buffer.offset / size)

    def opcode(self, builtin: int, version: int = 1, custom: str | None = None,
               deprecated_field: int | None = None, builtin_field: int | None = None) -> int:
        """Index of the op code; how the modern converter writes it unless the fields are given:
        deprecated_builtin_code = min(code, 127), builtin_code = code."""
        if deprecated_field is None:
            deprecated_field = min(builtin, OP.PLACEHOLDER_FOR_GREATER_OP_CODES)
        if builtin_field is None:
            builtin_field = builtin
        code = OpCode(builtin, version, custom, deprecated_field, builtin_field)
        if code not in self.opcodes:
            self.opcodes.append(code)
        return self.opcodes.index(code)

    def buffer(self, data: bytes) -> int:
        self.buffers.append({"data": data})
        return len(self.buffers) - 1

    def subgraph(self, name: str) -> Subgraph:
        self.subgraphs.append(Subgraph(name))
        return self.subgraphs[-1]


def const_bytes(tensor: Tensor) -> bytes:
    if isinstance(tensor.data, bytes):
        return tensor.data
    return np.ascontiguousarray(tensor.data, dtype=NUMPY_TYPES[tensor.dtype]).astype(
        np.dtype(NUMPY_TYPES[tensor.dtype]).newbyteorder("<"), copy=False).tobytes()


def assign_buffers(model: Model) -> None:
    for subgraph in model.subgraphs:
        for tensor in subgraph.tensors:
            if tensor.data is not None and tensor.buffer == 0:
                tensor.buffer = model.buffer(const_bytes(tensor))


# === FlatBuffers serialisation (tflite package builder functions) ================================

def int_vector(b: flatbuffers.Builder, values, kind: str = "int32") -> int:
    width, prepend = {
        "int32": (4, b.PrependInt32), "int64": (8, b.PrependInt64), "float32": (4, b.PrependFloat32),
        "uint8": (1, b.PrependUint8), "uint16": (2, b.PrependUint16),
    }[kind]
    values = list(values)
    b.StartVector(width, len(values), width)
    for v in reversed(values):
        prepend(v)
    return b.EndVector()


def offset_vector(b: flatbuffers.Builder, offsets: list[int]) -> int:
    b.StartVector(4, len(offsets), 4)
    for off in reversed(offsets):
        b.PrependUOffsetTRelative(off)
    return b.EndVector()


def byte_vector(b: flatbuffers.Builder, data: bytes, alignment: int = 16) -> int:
    """A [ubyte] whose first byte is `alignment`-aligned (schema: Buffer.data force_align 16)."""
    b.StartVector(1, len(data), alignment)
    b.head = b.head - len(data)
    b.Bytes[b.head:b.head + len(data)] = data
    return b.EndVector()


def build_quant(b: flatbuffers.Builder, q: dict) -> int:
    scale = int_vector(b, q["scale"], "float32") if "scale" in q else None
    zero = int_vector(b, q["zero_point"], "int64") if "zero_point" in q else None
    qmin = int_vector(b, q["min"], "float32") if "min" in q else None
    qmax = int_vector(b, q["max"], "float32") if "max" in q else None
    tflite.QuantizationParametersStart(b)
    if qmin is not None:
        tflite.QuantizationParametersAddMin(b, qmin)
    if qmax is not None:
        tflite.QuantizationParametersAddMax(b, qmax)
    if scale is not None:
        tflite.QuantizationParametersAddScale(b, scale)
    if zero is not None:
        tflite.QuantizationParametersAddZeroPoint(b, zero)
    tflite.QuantizationParametersAddQuantizedDimension(b, q.get("quantized_dimension", 0))
    return tflite.QuantizationParametersEnd(b)


INDEX_VECTOR_TYPES = {"int32": tflite.SparseIndexVector.Int32Vector,
                      "uint16": tflite.SparseIndexVector.Uint16Vector,
                      "uint8": tflite.SparseIndexVector.Uint8Vector}


def build_index_vector(b: flatbuffers.Builder, kind: str, values) -> int:
    values_off = int_vector(b, values, kind)
    start, add, end = {
        "int32": (tflite.Int32VectorStart, tflite.Int32VectorAddValues, tflite.Int32VectorEnd),
        "uint16": (tflite.Uint16VectorStart, tflite.Uint16VectorAddValues, tflite.Uint16VectorEnd),
        "uint8": (tflite.Uint8VectorStart, tflite.Uint8VectorAddValues, tflite.Uint8VectorEnd),
    }[kind]
    start(b)
    add(b, values_off)
    return end(b)


def build_sparsity(b: flatbuffers.Builder, s: dict) -> int:
    dims = []
    for dim in s["dim_metadata"]:
        segments = indices = None
        if dim["format"] == "SPARSE_CSR":
            segments = build_index_vector(b, dim["segments_type"], dim["segments"])
            indices = build_index_vector(b, dim["indices_type"], dim["indices"])
        tflite.DimensionMetadataStart(b)
        if dim["format"] == "DENSE":
            tflite.DimensionMetadataAddFormat(b, tflite.DimensionType.DENSE)
            tflite.DimensionMetadataAddDenseSize(b, dim["dense_size"])
        else:
            tflite.DimensionMetadataAddFormat(b, tflite.DimensionType.SPARSE_CSR)
            tflite.DimensionMetadataAddArraySegmentsType(b, INDEX_VECTOR_TYPES[dim["segments_type"]])
            tflite.DimensionMetadataAddArraySegments(b, segments)
            tflite.DimensionMetadataAddArrayIndicesType(b, INDEX_VECTOR_TYPES[dim["indices_type"]])
            tflite.DimensionMetadataAddArrayIndices(b, indices)
        dims.append(tflite.DimensionMetadataEnd(b))
    traversal = int_vector(b, s["traversal_order"])
    block_map = int_vector(b, s["block_map"]) if s.get("block_map") is not None else None
    dims_off = offset_vector(b, dims)
    tflite.SparsityParametersStart(b)
    tflite.SparsityParametersAddTraversalOrder(b, traversal)
    if block_map is not None:
        tflite.SparsityParametersAddBlockMap(b, block_map)
    tflite.SparsityParametersAddDimMetadata(b, dims_off)
    return tflite.SparsityParametersEnd(b)


def build_tensor(b: flatbuffers.Builder, t: Tensor) -> int:
    name = b.CreateString(t.name)
    shape = int_vector(b, t.shape)
    signature = int_vector(b, t.shape_signature) if t.shape_signature is not None else None
    quant = build_quant(b, t.quant) if t.quant else None
    sparsity = build_sparsity(b, t.sparsity) if t.sparsity else None
    tflite.TensorStart(b)
    tflite.TensorAddShape(b, shape)
    tflite.TensorAddType(b, TYPE_CODES[t.dtype])
    tflite.TensorAddBuffer(b, t.buffer)
    tflite.TensorAddName(b, name)
    if quant is not None:
        tflite.TensorAddQuantization(b, quant)
    if sparsity is not None:
        tflite.TensorAddSparsity(b, sparsity)
    if signature is not None:
        tflite.TensorAddShapeSignature(b, signature)
    return tflite.TensorEnd(b)


def build_operator(b: flatbuffers.Builder, op: Operator) -> int:
    inputs = int_vector(b, op.inputs)
    outputs = int_vector(b, op.outputs)
    options = op.options[1](b) if op.options else None
    custom = byte_vector(b, op.custom_options, 1) if op.custom_options is not None else None
    tflite.OperatorStart(b)
    tflite.OperatorAddOpcodeIndex(b, op.opcode)
    tflite.OperatorAddInputs(b, inputs)
    tflite.OperatorAddOutputs(b, outputs)
    if options is not None:
        tflite.OperatorAddBuiltinOptionsType(b, op.options[0])
        tflite.OperatorAddBuiltinOptions(b, options)
    if custom is not None:
        tflite.OperatorAddCustomOptions(b, custom)
        tflite.OperatorAddCustomOptionsFormat(b, tflite.CustomOptionsFormat.FLEXBUFFERS)
    return tflite.OperatorEnd(b)


def build_subgraph(b: flatbuffers.Builder, s: Subgraph) -> int:
    tensors = offset_vector(b, [build_tensor(b, t) for t in s.tensors])
    operators = offset_vector(b, [build_operator(b, o) for o in s.operators])
    inputs = int_vector(b, s.inputs)
    outputs = int_vector(b, s.outputs)
    name = b.CreateString(s.name)
    tflite.SubGraphStart(b)
    tflite.SubGraphAddTensors(b, tensors)
    tflite.SubGraphAddInputs(b, inputs)
    tflite.SubGraphAddOutputs(b, outputs)
    tflite.SubGraphAddOperators(b, operators)
    tflite.SubGraphAddName(b, name)
    return tflite.SubGraphEnd(b)


def build_opcode(b: flatbuffers.Builder, c: OpCode) -> int:
    custom = b.CreateString(c.custom) if c.custom is not None else None
    tflite.OperatorCodeStart(b)
    tflite.OperatorCodeAddDeprecatedBuiltinCode(b, c.deprecated_field)
    if custom is not None:
        tflite.OperatorCodeAddCustomCode(b, custom)
    tflite.OperatorCodeAddVersion(b, c.version)
    tflite.OperatorCodeAddBuiltinCode(b, c.builtin_field)
    return tflite.OperatorCodeEnd(b)


def build_buffer(b: flatbuffers.Builder, buf: dict) -> int:
    data = byte_vector(b, buf["data"]) if buf.get("data") is not None else None
    tflite.BufferStart(b)
    if data is not None:
        tflite.BufferAddData(b, data)
    if "offset" in buf:
        tflite.BufferAddOffset(b, buf["offset"])
        tflite.BufferAddSize(b, buf["size"])
    return tflite.BufferEnd(b)


def build_signature(b: flatbuffers.Builder, sig: dict) -> int:
    def tensor_maps(pairs):
        maps = []
        for name, index in pairs:
            name_off = b.CreateString(name)
            tflite.TensorMapStart(b)
            tflite.TensorMapAddName(b, name_off)
            tflite.TensorMapAddTensorIndex(b, index)
            maps.append(tflite.TensorMapEnd(b))
        return offset_vector(b, maps)

    inputs = tensor_maps(sig["inputs"])
    outputs = tensor_maps(sig["outputs"])
    key = b.CreateString(sig["key"])
    tflite.SignatureDefStart(b)
    tflite.SignatureDefAddInputs(b, inputs)
    tflite.SignatureDefAddOutputs(b, outputs)
    tflite.SignatureDefAddSignatureKey(b, key)
    tflite.SignatureDefAddSubgraphIndex(b, sig["subgraph"])
    return tflite.SignatureDefEnd(b)


def build_flatbuffer(model: Model) -> bytes:
    b = flatbuffers.Builder(4096)
    buffers = offset_vector(b, [build_buffer(b, buf) for buf in model.buffers])
    opcodes = offset_vector(b, [build_opcode(b, c) for c in model.opcodes])
    subgraphs = offset_vector(b, [build_subgraph(b, s) for s in model.subgraphs])
    description = b.CreateString(model.description)
    metadata = None
    if model.metadata:
        entries = []
        for name, index in model.metadata:
            name_off = b.CreateString(name)
            tflite.MetadataStart(b)
            tflite.MetadataAddName(b, name_off)
            tflite.MetadataAddBuffer(b, index)
            entries.append(tflite.MetadataEnd(b))
        metadata = offset_vector(b, entries)
    signatures = offset_vector(b, [build_signature(b, s) for s in model.signatures]) if model.signatures else None
    tflite.ModelStart(b)
    tflite.ModelAddVersion(b, model.version)
    tflite.ModelAddOperatorCodes(b, opcodes)
    tflite.ModelAddSubgraphs(b, subgraphs)
    tflite.ModelAddDescription(b, description)
    tflite.ModelAddBuffers(b, buffers)
    if metadata is not None:
        tflite.ModelAddMetadata(b, metadata)
    if signatures is not None:
        tflite.ModelAddSignatureDefs(b, signatures)
    b.Finish(tflite.ModelEnd(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def align(n: int, to: int = 16) -> int:
    return (n + to - 1) // to * to


def serialise(model: Model) -> bytes:
    assign_buffers(model)
    if not model.offset_buffers:
        return build_flatbuffer(model)
    # The converter's layout for models over 2 GB: every non-empty buffer keeps no `data`; its bytes
    # follow the FlatBuffer (which is zero-padded to 16 bytes), each one starting 16-byte aligned, and
    # Buffer.offset / Buffer.size (from the start of the file) point at them. Offsets are uint64s,
    # always written, so a first pass with placeholders gives the FlatBuffer's final size.
    payloads = {i: buf.pop("data") for i, buf in enumerate(model.buffers) if buf.get("data")}
    for i in payloads:
        model.buffers[i].update(offset=1, size=1)  # what the converter writes before patching
    size = len(build_flatbuffer(model))
    position = align(size)
    for i, data in payloads.items():
        model.buffers[i].update(offset=position, size=len(data))
        position = align(position + len(data))
    flat = build_flatbuffer(model)
    assert len(flat) == size, "offset placeholders changed the FlatBuffer's size"
    out = bytearray(flat)
    for i, data in payloads.items():
        out.extend(b"\0" * (model.buffers[i]["offset"] - len(out)))
        out.extend(data)
        model.buffers[i]["data_appended"] = data
    return bytes(out)


# === options ===================================================================================

def conv2d_options(padding, stride, act, dilation=(1, 1)):
    def build(b):
        tflite.Conv2DOptionsStart(b)
        tflite.Conv2DOptionsAddPadding(b, padding)
        tflite.Conv2DOptionsAddStrideW(b, stride[1])
        tflite.Conv2DOptionsAddStrideH(b, stride[0])
        tflite.Conv2DOptionsAddFusedActivationFunction(b, act)
        tflite.Conv2DOptionsAddDilationWFactor(b, dilation[1])
        tflite.Conv2DOptionsAddDilationHFactor(b, dilation[0])
        return tflite.Conv2DOptionsEnd(b)
    return (OPT.Conv2DOptions, build,
            f"padding {PAD_NAMES[padding]}, stride_h {stride[0]}, stride_w {stride[1]}, "
            f"fused_activation_function {ACT_NAMES[act]}, dilation_h_factor {dilation[0]}, dilation_w_factor {dilation[1]}")


def depthwise_options(padding, stride, multiplier, act):
    def build(b):
        tflite.DepthwiseConv2DOptionsStart(b)
        tflite.DepthwiseConv2DOptionsAddPadding(b, padding)
        tflite.DepthwiseConv2DOptionsAddStrideW(b, stride[1])
        tflite.DepthwiseConv2DOptionsAddStrideH(b, stride[0])
        tflite.DepthwiseConv2DOptionsAddDepthMultiplier(b, multiplier)
        tflite.DepthwiseConv2DOptionsAddFusedActivationFunction(b, act)
        return tflite.DepthwiseConv2DOptionsEnd(b)
    return (OPT.DepthwiseConv2DOptions, build,
            f"padding {PAD_NAMES[padding]}, stride_h {stride[0]}, stride_w {stride[1]}, depth_multiplier {multiplier}, "
            f"fused_activation_function {ACT_NAMES[act]}, dilation factors absent (default 1)")


def fc_options(act, keep_num_dims=False):
    def build(b):
        tflite.FullyConnectedOptionsStart(b)
        tflite.FullyConnectedOptionsAddFusedActivationFunction(b, act)
        tflite.FullyConnectedOptionsAddWeightsFormat(b, tflite.FullyConnectedOptionsWeightsFormat.DEFAULT)
        tflite.FullyConnectedOptionsAddKeepNumDims(b, keep_num_dims)
        return tflite.FullyConnectedOptionsEnd(b)
    return (OPT.FullyConnectedOptions, build,
            f"fused_activation_function {ACT_NAMES[act]}, weights_format DEFAULT, keep_num_dims {str(keep_num_dims).lower()}")


def softmax_options(beta):
    def build(b):
        tflite.SoftmaxOptionsStart(b)
        tflite.SoftmaxOptionsAddBeta(b, beta)
        return tflite.SoftmaxOptionsEnd(b)
    return (OPT.SoftmaxOptions, build, f"beta {beta}")


def empty_options(kind: str):
    start, end = getattr(tflite, f"{kind}Start"), getattr(tflite, f"{kind}End")

    def build(b):
        start(b)
        return end(b)
    return (getattr(OPT, kind), build, f"{kind} (empty table)")


def add_options(act=ACT.NONE, kind="AddOptions"):
    start, add, end = (getattr(tflite, f"{kind}Start"), getattr(tflite, f"{kind}AddFusedActivationFunction"),
                       getattr(tflite, f"{kind}End"))

    def build(b):
        start(b)
        add(b, act)
        return end(b)
    return (getattr(OPT, kind), build, f"fused_activation_function {ACT_NAMES[act]}")


def while_options(cond, body):
    def build(b):
        tflite.WhileOptionsStart(b)
        tflite.WhileOptionsAddCondSubgraphIndex(b, cond)
        tflite.WhileOptionsAddBodySubgraphIndex(b, body)
        return tflite.WhileOptionsEnd(b)
    return (OPT.WhileOptions, build, f"cond_subgraph_index {cond}, body_subgraph_index {body}")


def if_options(then, else_):
    def build(b):
        tflite.IfOptionsStart(b)
        tflite.IfOptionsAddThenSubgraphIndex(b, then)
        tflite.IfOptionsAddElseSubgraphIndex(b, else_)
        return tflite.IfOptionsEnd(b)
    return (OPT.IfOptions, build, f"then_subgraph_index {then}, else_subgraph_index {else_}")


def gelu_options(approximate):
    def build(b):
        tflite.GeluOptionsStart(b)
        tflite.GeluOptionsAddApproximate(b, approximate)
        return tflite.GeluOptionsEnd(b)
    return (OPT.GeluOptions, build, f"approximate {str(approximate).lower()}")


# === numpy references ==========================================================================

def same_padding(size: int, k: int, stride: int) -> tuple[int, int]:
    out = -(-size // stride)
    total = max((out - 1) * stride + k - size, 0)
    return out, total // 2


def conv2d(x, w, bias, stride, padding, act=None, depthwise_multiplier=None):
    """NHWC input; w is OHWI (conv) or 1HWC (depthwise)."""
    n, h, wd, c = x.shape
    kh, kw = w.shape[1], w.shape[2]
    if padding == PAD.SAME:
        oh, ph = same_padding(h, kh, stride[0])
        ow, pw = same_padding(wd, kw, stride[1])
    else:
        oh, ph = (h - kh) // stride[0] + 1, 0
        ow, pw = (wd - kw) // stride[1] + 1, 0
    xp = np.zeros((n, h + kh + stride[0] * oh, wd + kw + stride[1] * ow, c), dtype=np.float64)
    xp[:, ph:ph + h, pw:pw + wd, :] = x
    oc = w.shape[3] if depthwise_multiplier else w.shape[0]
    out = np.zeros((n, oh, ow, oc), dtype=np.float64)
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, i * stride[0]:i * stride[0] + kh, j * stride[1]:j * stride[1] + kw, :]
            if depthwise_multiplier:
                rep = np.repeat(patch, depthwise_multiplier, axis=3)
                out[:, i, j, :] = np.einsum("nhwc,hwc->nc", rep, w[0])
            else:
                out[:, i, j, :] = np.einsum("nhwc,ohwc->no", patch, w)
    if bias is not None:
        out += bias
    return activation(out, act)


def activation(x, act):
    if act in (None, ACT.NONE):
        return x
    if act == ACT.RELU:
        return np.maximum(x, 0)
    if act == ACT.RELU6:
        return np.clip(x, 0, 6)
    raise ValueError(act)


def quantize(x, scale, zero, dtype):
    info = np.iinfo(dtype)
    return np.clip(np.round(x / scale) + zero, info.min, info.max).astype(dtype)


def dequantize(q, scale, zero):
    return (q.astype(np.float64) - zero) * scale


def dyadic(rng, shape, bits=4, span=8):
    """Values k / 2^bits with |k| < span: exact in float16 and float32."""
    return (rng.integers(-span + 1, span, size=shape) / float(1 << bits)).astype(np.float32)


# === fixtures ===================================================================================

@dataclass
class Fixture:
    file: str
    title: str
    model: Model
    notes: list[str]
    feeds: list | None = None  # LiteRT inputs (nested lists)
    expected: list | None = None  # numpy reference outputs
    tolerance: list | None = None  # per output: ("rel", 1e-5) or ("abs", x)
    litert: str = "run"  # "run" | "unresolved:<name>"
    checks: list = field(default_factory=list)  # callables(model_bytes) raising on mismatch


def fixture_float_conv() -> Fixture:
    rng = np.random.default_rng(1)
    m = Model("Lockstep fixture float_conv: CONV_2D -> DEPTHWISE_CONV_2D -> FULLY_CONNECTED -> SOFTMAX")
    g = m.subgraph("main")
    x = g.add(Tensor("input", "float32", [1, 8, 8, 3]))
    w1v, b1v = dyadic(rng, (4, 3, 3, 3)), dyadic(rng, (4,))
    w1 = g.add(Tensor("conv/filter", "float32", [4, 3, 3, 3], w1v))
    b1 = g.add(Tensor("conv/bias", "float32", [4], b1v))
    y1 = g.add(Tensor("conv/out", "float32", [1, 4, 4, 4]))
    w2v, b2v = dyadic(rng, (1, 3, 3, 8)), dyadic(rng, (8,))
    w2 = g.add(Tensor("dw/filter", "float32", [1, 3, 3, 8], w2v))
    b2 = g.add(Tensor("dw/bias", "float32", [8], b2v))
    y2 = g.add(Tensor("dw/out", "float32", [1, 2, 2, 8]))
    w3v, b3v = dyadic(rng, (10, 32)), dyadic(rng, (10,))
    w3 = g.add(Tensor("fc/weights", "float32", [10, 32], w3v))
    b3 = g.add(Tensor("fc/bias", "float32", [10], b3v))
    y3 = g.add(Tensor("fc/out", "float32", [1, 10]))
    out = g.add(Tensor("output", "float32", [1, 10]))
    g.operators = [
        Operator(m.opcode(OP.CONV_2D), [x, w1, b1], [y1], conv2d_options(PAD.SAME, (2, 2), ACT.RELU6)),
        Operator(m.opcode(OP.DEPTHWISE_CONV_2D, version=2), [y1, w2, b2], [y2],
                 depthwise_options(PAD.VALID, (1, 1), 2, ACT.NONE)),
        Operator(m.opcode(OP.FULLY_CONNECTED), [y2, w3, b3], [y3], fc_options(ACT.NONE)),
        Operator(m.opcode(OP.SOFTMAX), [y3], [out], softmax_options(1.0)),
    ]
    g.inputs, g.outputs = [x], [out]
    xin = dyadic(np.random.default_rng(101), (1, 8, 8, 3), bits=3)
    h = conv2d(xin, w1v, b1v, (2, 2), PAD.SAME, ACT.RELU6)
    h = conv2d(h, w2v, b2v, (1, 1), PAD.VALID, None, depthwise_multiplier=2)
    logits = h.reshape(1, 32) @ w3v.T.astype(np.float64) + b3v
    e = np.exp(logits - logits.max())
    return Fixture("float_conv.tflite", "float32 convolution chain", m, [
        "CONV_2D (op code 0, version 1): input [1,8,8,3], filter OHWI [4,3,3,3], bias [4] -> [1,4,4,4]; "
        "options padding SAME (0: not stored, read as the default), stride_h 2, stride_w 2, fused RELU6, "
        "dilation 1/1 (the default: not stored).",
        "DEPTHWISE_CONV_2D (version 2): filter [1,3,3,8] (depth_multiplier 2: output channel c*2+m reads input "
        "channel c), bias [8]; padding VALID, stride 1/1, fused NONE -> [1,2,2,8].",
        "FULLY_CONNECTED: input [1,2,2,8] is flattened to [1,32] (keep_num_dims false), weights [10,32], bias [10].",
        "SOFTMAX beta 1.0 -> output [1,10].",
        "Weights are k/16 (|k| <= 7) from numpy default_rng(1); LiteRT's output is compared with a float64 numpy "
        "reference on the input k/8 from default_rng(101).",
    ], [xin.tolist()], [(e / e.sum()).tolist()], [("abs", 1e-6)])


def fixture_int8_per_tensor() -> Fixture:
    rng = np.random.default_rng(2)
    m = Model("Lockstep fixture int8_per_tensor: QUANTIZE -> int8 CONV_2D (per-tensor) -> DEQUANTIZE")
    g = m.subgraph("main")
    s_in, z_in, s_w, s_out, z_out = 0.0625, -3, 0.0078125, 0.125, 2
    x = g.add(Tensor("input", "float32", [1, 4, 4, 2]))
    xq = g.add(Tensor("input_int8", "int8", [1, 4, 4, 2], quant={"scale": [s_in], "zero_point": [z_in]}))
    wq = rng.integers(-127, 128, size=(3, 2, 2, 2)).astype(np.int8)
    bq = rng.integers(-2000, 2000, size=(3,)).astype(np.int32)
    w = g.add(Tensor("conv/filter", "int8", [3, 2, 2, 2], wq, quant={"scale": [s_w], "zero_point": [0]}))
    bias = g.add(Tensor("conv/bias", "int32", [3], bq, quant={"scale": [s_in * s_w], "zero_point": [0]}))
    yq = g.add(Tensor("conv/out", "int8", [1, 3, 3, 3], quant={"scale": [s_out], "zero_point": [z_out]}))
    out = g.add(Tensor("output", "float32", [1, 3, 3, 3]))
    g.operators = [
        Operator(m.opcode(OP.QUANTIZE, version=2), [x], [xq], empty_options("QuantizeOptions")),
        Operator(m.opcode(OP.CONV_2D, version=3), [xq, w, bias], [yq], conv2d_options(PAD.VALID, (1, 1), ACT.NONE)),
        Operator(m.opcode(OP.DEQUANTIZE, version=2), [yq], [out], empty_options("DequantizeOptions")),
    ]
    g.inputs, g.outputs = [x], [out]
    xin = dyadic(np.random.default_rng(102), (1, 4, 4, 2), bits=4)
    xdq = dequantize(quantize(xin, s_in, z_in, np.int8), s_in, z_in)
    acc = conv2d(xdq, dequantize(wq, s_w, 0), dequantize(bq, s_in * s_w, 0), (1, 1), PAD.VALID)
    ref = dequantize(quantize(acc, s_out, z_out, np.int8), s_out, z_out)
    return Fixture("int8_per_tensor.tflite", "int8 convolution with per-tensor scales", m, [
        f"QUANTIZE (version 2, QuantizeOptions empty table): float32 input [1,4,4,2] -> int8, scale {s_in}, zero_point {z_in}.",
        f"CONV_2D (version 3): int8 filter [3,2,2,2] scale [{s_w}] zero_point [0] (one scale: per-tensor, "
        f"quantized_dimension 0); int32 bias [3] scale [{s_in * s_w}] (= input scale x filter scale) zero_point [0]; "
        f"padding VALID, stride 1/1, fused NONE; int8 output [1,3,3,3] scale {s_out}, zero_point {z_out}.",
        "DEQUANTIZE (version 2, DequantizeOptions empty table) -> float32 output [1,3,3,3].",
        "Filter values: numpy default_rng(2).integers(-127, 128); bias: integers(-2000, 2000) from the same generator.",
        "LiteRT's output must equal the emulated quantised result within one output step (0.125).",
    ], [xin.tolist()], [ref.tolist()], [("abs", s_out * 1.01)])


def fixture_int8_per_channel() -> Fixture:
    rng = np.random.default_rng(3)
    m = Model("Lockstep fixture int8_per_channel: int8 CONV_2D with per-channel filter scales")
    g = m.subgraph("main")
    s_in, z_in, s_out, z_out = 0.0625, 1, 0.125, -128
    s_w = [0.00390625, 0.0078125, 0.015625]
    x = g.add(Tensor("input", "int8", [1, 5, 5, 2], quant={"scale": [s_in], "zero_point": [z_in]}))
    wq = rng.integers(-127, 128, size=(3, 3, 3, 2)).astype(np.int8)
    bq = rng.integers(-500, 500, size=(3,)).astype(np.int32)
    w = g.add(Tensor("conv/filter", "int8", [3, 3, 3, 2], wq,
                     quant={"scale": s_w, "zero_point": [0, 0, 0], "quantized_dimension": 0}))
    s_b = [s_in * s for s in s_w]
    bias = g.add(Tensor("conv/bias", "int32", [3], bq, quant={"scale": s_b, "zero_point": [0, 0, 0], "quantized_dimension": 0}))
    out = g.add(Tensor("output", "int8", [1, 5, 5, 3], quant={"scale": [s_out], "zero_point": [z_out]}))
    g.operators = [Operator(m.opcode(OP.CONV_2D, version=3), [x, w, bias], [out], conv2d_options(PAD.SAME, (1, 1), ACT.RELU))]
    g.inputs, g.outputs = [x], [out]
    xq = np.random.default_rng(103).integers(-40, 40, size=(1, 5, 5, 2)).astype(np.int8)
    wdq = (wq.astype(np.float64).transpose(1, 2, 3, 0) * np.array(s_w)).transpose(3, 0, 1, 2)
    acc = conv2d(dequantize(xq, s_in, z_in), wdq, bq * np.array(s_b), (1, 1), PAD.SAME, ACT.RELU)
    ref = quantize(acc, s_out, z_out, np.int8)
    return Fixture("int8_per_channel.tflite", "int8 convolution with per-channel filter scales", m, [
        f"int8 input [1,5,5,2] scale {s_in}, zero_point {z_in}.",
        f"CONV_2D (version 3): int8 filter [3,3,3,2] (OHWI) with per-channel scales {s_w}, zero_points [0, 0, 0], "
        f"quantized_dimension 0; int32 bias [3] with per-channel scales {s_b} (input scale x filter scale), "
        f"zero_points [0, 0, 0], quantized_dimension 0; padding SAME, stride 1/1, fused RELU.",
        f"int8 output [1,5,5,3] scale {s_out}, zero_point {z_out}.",
        "Filter values: numpy default_rng(3).integers(-127, 128); bias: integers(-500, 500).",
        "LiteRT's int8 output must be within one step of the emulated result.",
    ], [xq.tolist()], [ref.tolist()], [("abs", 1)])


def fixture_int16_activations() -> Fixture:
    rng = np.random.default_rng(4)
    m = Model("Lockstep fixture int16_activations: int16x8 FULLY_CONNECTED")
    g = m.subgraph("main")
    s_in, s_w, s_out = 2.0 ** -10, 2.0 ** -7, 2.0 ** -8
    x = g.add(Tensor("input", "int16", [1, 8], quant={"scale": [s_in], "zero_point": [0]}))
    wq = rng.integers(-127, 128, size=(4, 8)).astype(np.int8)
    bq = rng.integers(-100000, 100000, size=(4,)).astype(np.int64)
    w = g.add(Tensor("fc/weights", "int8", [4, 8], wq, quant={"scale": [s_w], "zero_point": [0]}))
    bias = g.add(Tensor("fc/bias", "int64", [4], bq, quant={"scale": [s_in * s_w], "zero_point": [0]}))
    out = g.add(Tensor("output", "int16", [1, 4], quant={"scale": [s_out], "zero_point": [0]}))
    g.operators = [Operator(m.opcode(OP.FULLY_CONNECTED, version=7), [x, w, bias], [out], fc_options(ACT.NONE))]
    g.inputs, g.outputs = [x], [out]
    xq = np.random.default_rng(104).integers(-3000, 3000, size=(1, 8)).astype(np.int16)
    acc = dequantize(xq, s_in, 0) @ dequantize(wq, s_w, 0).T + dequantize(bq, s_in * s_w, 0)
    ref = quantize(acc, s_out, 0, np.int16)
    return Fixture("int16_activations.tflite", "int16 activations, int8 weights (16x8) FULLY_CONNECTED", m, [
        f"int16 input [1,8] scale {s_in} (2^-10), zero_point 0.",
        f"FULLY_CONNECTED (version 7): int8 weights [4,8] scale [{s_w}] (2^-7) zero_point [0]; int64 bias [4] "
        f"scale [{s_in * s_w}] (2^-17) zero_point [0]; fused NONE, keep_num_dims false.",
        f"int16 output [1,4] scale {s_out} (2^-8), zero_point 0.",
        "Weights: numpy default_rng(4).integers(-127, 128); bias: integers(-100000, 100000).",
        "LiteRT's int16 output must be within one step of the emulated result.",
    ], [xq.tolist()], [ref.tolist()], [("abs", 1)])


CUSTOM_OPTIONS = {"alpha": 0.5, "axis": -1, "mode": "fast"}


def fixture_custom_op() -> Fixture:
    m = Model("Lockstep fixture custom_op: RELU -> MyCustomOp -> TANH")
    g = m.subgraph("main")
    x = g.add(Tensor("input", "float32", [1, 4]))
    r = g.add(Tensor("relu/out", "float32", [1, 4]))
    c = g.add(Tensor("custom/out", "float32", [1, 4]))
    out = g.add(Tensor("output", "float32", [1, 4]))
    custom_bytes = bytes(flexbuffers.Dumps(CUSTOM_OPTIONS))
    g.operators = [
        Operator(m.opcode(OP.RELU), [x], [r]),
        Operator(m.opcode(OP.CUSTOM, custom="MyCustomOp"), [r], [c], custom_options=custom_bytes),
        Operator(m.opcode(OP.TANH), [c], [out]),
    ]
    g.inputs, g.outputs = [x], [out]

    def check(data: bytes) -> None:
        op = tflite.Model.GetRootAs(data, 0).Subgraphs(0).Operators(1)
        stored = op.CustomOptionsAsNumpy().tobytes()
        expect(stored == custom_bytes, "custom_options bytes differ")
        expect(flexbuffers.Loads(stored) == CUSTOM_OPTIONS, "custom_options do not decode to the same map")
        expect(op.CustomOptionsFormat() == tflite.CustomOptionsFormat.FLEXBUFFERS, "custom_options_format")
        expect(op.BuiltinOptionsType() == 0, "custom op has builtin options")

    return Fixture("custom_op.tflite", "a custom op between builtin ops", m, [
        "Op codes: 0 RELU, 1 CUSTOM (deprecated_builtin_code 32, builtin_code 32) with custom_code \"MyCustomOp\", "
        "version 1, 2 TANH.",
        f"Operator 1 (MyCustomOp): input relu/out [1,4] -> custom/out [1,4]; no builtin options (type NONE); "
        f"custom_options_format FLEXBUFFERS (0, the default: not stored); custom_options = the FlexBuffer map "
        f"{{\"alpha\": 0.5, \"axis\": -1, \"mode\": \"fast\"}}, {len(custom_bytes)} bytes: `{custom_bytes.hex()}`.",
        "Lockstep reports it as `custom::MyCustomOp` (unsupported by the reference interpreter). LiteRT loads the file "
        "but cannot allocate it: the custom op is unresolved.",
    ], litert="unresolved:MyCustomOp", checks=[check])


def fixture_control_flow() -> Fixture:
    m = Model("Lockstep fixture control_flow: WHILE (cond 1, body 2) and IF (then 3, else 4)")
    main = m.subgraph("main")
    x = main.add(Tensor("x", "float32", [2]))
    flag = main.add(Tensor("flag", "bool", []))
    i0 = main.add(Tensor("i0", "int32", [], np.array(0, dtype=np.int32)))
    i_final = main.add(Tensor("while/i", "int32", []))
    acc = main.add(Tensor("while/acc", "float32", [2]))
    y = main.add(Tensor("y", "float32", [2]))
    main.operators = [
        Operator(m.opcode(OP.WHILE), [i0, x], [i_final, acc], while_options(1, 2)),
        Operator(m.opcode(OP.IF), [flag, acc], [y], if_options(3, 4)),
    ]
    main.inputs, main.outputs = [x, flag], [y, i_final]

    cond = m.subgraph("while_cond")
    ci = cond.add(Tensor("i", "int32", []))
    ca = cond.add(Tensor("acc", "float32", [2]))
    five = cond.add(Tensor("limit", "int32", [], np.array(5, dtype=np.int32)))
    cc = cond.add(Tensor("i_lt_limit", "bool", []))
    cond.operators = [Operator(m.opcode(OP.LESS), [ci, five], [cc], empty_options("LessOptions"))]
    cond.inputs, cond.outputs = [ci, ca], [cc]

    body = m.subgraph("while_body")
    bi = body.add(Tensor("i", "int32", []))
    ba = body.add(Tensor("acc", "float32", [2]))
    one = body.add(Tensor("one", "int32", [], np.array(1, dtype=np.int32)))
    bi2 = body.add(Tensor("i_next", "int32", []))
    ba2 = body.add(Tensor("acc_next", "float32", [2]))
    add = m.opcode(OP.ADD)
    body.operators = [Operator(add, [bi, one], [bi2], add_options()), Operator(add, [ba, ba], [ba2], add_options())]
    body.inputs, body.outputs = [bi, ba], [bi2, ba2]

    then = m.subgraph("if_then")
    ta = then.add(Tensor("a", "float32", [2]))
    tb = then.add(Tensor("b", "float32", [2]))
    then.operators = [Operator(add, [ta, ta], [tb], add_options())]
    then.inputs, then.outputs = [ta], [tb]

    other = m.subgraph("if_else")
    ea = other.add(Tensor("a", "float32", [2]))
    eb = other.add(Tensor("b", "float32", [2]))
    other.operators = [Operator(m.opcode(OP.MUL), [ea, ea], [eb], add_options(kind="MulOptions"))]
    other.inputs, other.outputs = [ea], [eb]
    xin = [1.0, -0.5]
    return Fixture("control_flow.tflite", "WHILE and IF with five subgraphs", m, [
        "Subgraph 0 `main`: inputs x float32 [2], flag bool [] (scalar); outputs y float32 [2], while/i int32 [].",
        "  operator 0 WHILE (WhileOptions cond_subgraph_index 1, body_subgraph_index 2): inputs [i0 (constant int32 "
        "scalar 0), x] -> [while/i, while/acc].",
        "  operator 1 IF (IfOptions then_subgraph_index 3, else_subgraph_index 4): inputs [flag, while/acc] -> [y].",
        "Subgraph 1 `while_cond`: inputs [i, acc] -> output i_lt_limit bool []: LESS(i, limit (constant int32 5)).",
        "Subgraph 2 `while_body`: inputs [i, acc] -> [i_next, acc_next]: ADD(i, one (constant 1)), ADD(acc, acc).",
        "Subgraph 3 `if_then`: a -> ADD(a, a). Subgraph 4 `if_else`: a -> MUL(a, a).",
        "The loop runs 5 times: with x = [1, -0.5], flag true gives y = [64, -32] and while/i = 5; flag false "
        "gives y = [1024, 256]. LiteRT is run with flag true and false.",
        "nodeCount 7 over all subgraphs (2 + 1 + 2 + 1 + 1); ADD is one op code (index 2) used in three subgraphs.",
    ], [xin, True], [[64.0, -32.0], 5], [("abs", 0), ("abs", 0)],
        checks=[lambda data: check_litert_run(data, [xin, False], [[1024.0, 256.0], 5], [("abs", 0), ("abs", 0)])])


def block_sparse_1x4(dense: np.ndarray):
    """TFLite block sparsity, blocks of 1x4 along dim 1: traversal [0, 1, 2], block_map [1],
    dim_metadata [DENSE rows, SPARSE_CSR over column blocks, DENSE 4]."""
    rows, cols = dense.shape
    blocks = dense.reshape(rows, cols // 4, 4)
    segments, indices, values = [0], [], []
    for r in range(rows):
        for cb in range(cols // 4):
            if np.any(blocks[r, cb] != 0):
                indices.append(cb)
                values.extend(blocks[r, cb].tolist())
        segments.append(len(indices))
    sparsity = {"traversal_order": [0, 1, 2], "block_map": [1], "dim_metadata": [
        {"format": "DENSE", "dense_size": rows},
        {"format": "SPARSE_CSR", "segments_type": "int32", "segments": segments, "indices_type": "uint8", "indices": indices},
        {"format": "DENSE", "dense_size": 4},
    ]}
    return sparsity, np.array(values, dtype=np.float32)


def csr(dense: np.ndarray):
    """TFLite random sparsity: traversal [0, 1], dim_metadata [DENSE rows, SPARSE_CSR columns]."""
    rows, _ = dense.shape
    segments, indices, values = [0], [], []
    for r in range(rows):
        for c in np.nonzero(dense[r])[0]:
            indices.append(int(c))
            values.append(float(dense[r, c]))
        segments.append(len(indices))
    sparsity = {"traversal_order": [0, 1], "dim_metadata": [
        {"format": "DENSE", "dense_size": rows},
        {"format": "SPARSE_CSR", "segments_type": "uint16", "segments": segments, "indices_type": "int32", "indices": indices},
    ]}
    return sparsity, np.array(values, dtype=np.float32)


def fixture_sparse() -> Fixture:
    rng = np.random.default_rng(7)
    m = Model("Lockstep fixture sparse: FULLY_CONNECTED with 1x4 block-sparse weights; DENSIFY of CSR weights")
    g = m.subgraph("main")
    w1 = dyadic(rng, (8, 16))
    w1.reshape(8, 4, 4)[rng.random((8, 4)) < 0.5] = 0  # drop half of the 1x4 blocks
    b1 = dyadic(rng, (8,))
    w2 = dyadic(rng, (4, 8))
    w2[rng.random((4, 8)) < 0.6] = 0
    s1, v1 = block_sparse_1x4(w1)
    s2, v2 = csr(w2)
    x = g.add(Tensor("input", "float32", [1, 16]))
    tw2 = g.add(Tensor("fc2/weights_sparse", "float32", [4, 8], v2, sparsity=s2))
    tw2d = g.add(Tensor("fc2/weights", "float32", [4, 8]))
    tw1 = g.add(Tensor("fc1/weights", "float32", [8, 16], v1, sparsity=s1))
    tb1 = g.add(Tensor("fc1/bias", "float32", [8], b1))
    h = g.add(Tensor("fc1/out", "float32", [1, 8]))
    out = g.add(Tensor("output", "float32", [1, 4]))
    g.operators = [
        Operator(m.opcode(OP.DENSIFY), [tw2], [tw2d], empty_options("DensifyOptions")),
        Operator(m.opcode(OP.FULLY_CONNECTED, version=8), [x, tw1, tb1], [h], fc_options(ACT.RELU)),
        Operator(m.opcode(OP.FULLY_CONNECTED), [h, tw2d, -1], [out], fc_options(ACT.NONE)),
    ]
    g.inputs, g.outputs = [x], [out]
    xin = dyadic(np.random.default_rng(107), (1, 16), bits=2)
    hh = np.maximum(xin.astype(np.float64) @ w1.T + b1, 0)
    ref = hh @ w2.T
    d1, d2 = s1["dim_metadata"][1], s2["dim_metadata"][1]

    def check(data: bytes) -> None:
        sub = tflite.Model.GetRootAs(data, 0).Subgraphs(0)
        for index, sp, values in ((tw1, s1, v1), (tw2, s2, v2)):
            t = sub.Tensors(index)
            p = t.Sparsity()
            expect(p is not None, f"tensor {index} has no sparsity")
            expect(p.TraversalOrderAsNumpy().tolist() == sp["traversal_order"], "traversal_order")
            expect((p.BlockMapAsNumpy().tolist() if not p.BlockMapIsNone() else None) == sp.get("block_map"), "block_map")
            expect(p.DimMetadataLength() == len(sp["dim_metadata"]), "dim_metadata length")
            for k, dim in enumerate(sp["dim_metadata"]):
                got = p.DimMetadata(k)
                if dim["format"] == "DENSE":
                    expect(got.Format() == tflite.DimensionType.DENSE and got.DenseSize() == dim["dense_size"], f"dim {k}")
                else:
                    expect(got.Format() == tflite.DimensionType.SPARSE_CSR, f"dim {k} format")
                    expect(got.ArraySegmentsType() == INDEX_VECTOR_TYPES[dim["segments_type"]], f"dim {k} segments type")
                    expect(got.ArrayIndicesType() == INDEX_VECTOR_TYPES[dim["indices_type"]], f"dim {k} indices type")
                    seg_cls = {"int32": tflite.Int32Vector, "uint16": tflite.Uint16Vector, "uint8": tflite.Uint8Vector}
                    seg = seg_cls[dim["segments_type"]]()
                    seg.Init(got.ArraySegments().Bytes, got.ArraySegments().Pos)
                    ind = seg_cls[dim["indices_type"]]()
                    ind.Init(got.ArrayIndices().Bytes, got.ArrayIndices().Pos)
                    expect(seg.ValuesAsNumpy().tolist() == dim["segments"], f"dim {k} segments")
                    expect(ind.ValuesAsNumpy().tolist() == dim["indices"], f"dim {k} indices")
            stored = tflite.Model.GetRootAs(data, 0).Buffers(t.Buffer()).DataAsNumpy().tobytes()
            expect(stored == values.tobytes(), f"tensor {index} compressed values")

    return Fixture("sparse.tflite", "sparse weights: block-sparse FULLY_CONNECTED and DENSIFY", m, [
        "Tensor 3 `fc1/weights` float32, dense shape [8,16], sparsity: traversal_order [0, 1, 2], block_map [1] "
        "(1x4 blocks along dim 1), dim_metadata [DENSE dense_size 8, SPARSE_CSR (array_segments Int32Vector "
        f"{d1['segments']}, array_indices Uint8Vector {d1['indices']}), DENSE dense_size 4]; its buffer holds the "
        f"{len(v1)} values of the {len(d1['indices'])} non-zero blocks, row-major ({len(v1) * 4} bytes).",
        "Tensor 1 `fc2/weights_sparse` float32, dense shape [4,8], sparsity: traversal_order [0, 1], no block_map, "
        f"dim_metadata [DENSE dense_size 4, SPARSE_CSR (array_segments Uint16Vector {d2['segments']}, array_indices "
        f"Int32Vector {d2['indices']})]; buffer holds {len(v2)} values.",
        "Operator 0 DENSIFY (DensifyOptions empty table): fc2/weights_sparse -> fc2/weights [4,8] (not constant).",
        "Operator 1 FULLY_CONNECTED version 8 (op code 1): input [1,16], sparse fc1/weights used directly, bias [8], "
        "fused RELU -> fc1/out [1,8].",
        "Operator 2 FULLY_CONNECTED version 1 (op code 2: same builtin, other version): fc1/out, fc2/weights, "
        "bias input index -1 (optional input absent) -> output [1,4].",
        "Weights k/16 from numpy default_rng(7), blocks/elements zeroed from the same generator. LiteRT's output "
        "must match the dense numpy reference.",
    ], [xin.tolist()], [ref.tolist()], [("abs", 1e-5)], checks=[check])


def fixture_buffer_offset() -> Fixture:
    rng = np.random.default_rng(8)
    m = Model("Lockstep fixture buffer_offset: weights stored after the FlatBuffer via Buffer.offset/size")
    m.offset_buffers = True
    g = m.subgraph("main")
    wv, bv = dyadic(rng, (3, 4)), dyadic(rng, (3,))
    x = g.add(Tensor("input", "float32", [1, 4]))
    w = g.add(Tensor("fc/weights", "float32", [3, 4], wv))
    b = g.add(Tensor("fc/bias", "float32", [3], bv))
    out = g.add(Tensor("output", "float32", [1, 3]))
    g.operators = [Operator(m.opcode(OP.FULLY_CONNECTED), [x, w, b], [out], fc_options(ACT.NONE))]
    g.inputs, g.outputs = [x], [out]
    xin = dyadic(np.random.default_rng(108), (1, 4), bits=2)
    ref = xin.astype(np.float64) @ wv.T + bv
    fixture = Fixture("buffer_offset.tflite", "constant data stored after the FlatBuffer (Buffer.offset / size)", m, [
        "Buffers: 0 empty; 1 (fc/weights, float32 [3,4]) and 2 (fc/bias, float32 [3]) have NO `data` vector but "
        "`offset` and `size` (uint64, counted from the first byte of the file).",
        "Layout as the TFLite converter writes models over 2 GB: the FlatBuffer, zero bytes up to a multiple of 16, "
        "then each buffer's bytes starting 16-byte aligned (zero padding between them); the file ends right after "
        "the last buffer.",
        "Weights k/16 from numpy default_rng(8); LiteRT's output must match numpy.",
    ], [xin.tolist()], [ref.tolist()], [("abs", 1e-6)])

    def check(data: bytes) -> None:
        model = tflite.Model.GetRootAs(data, 0)
        for i in (1, 2):
            buf = model.Buffers(i)
            expect(buf.DataIsNone(), f"buffer {i} has inline data")
            expect(buf.Offset() % 16 == 0 and buf.Offset() + buf.Size() <= len(data), f"buffer {i} offset/size")
            expect(data[buf.Offset():buf.Offset() + buf.Size()] == m.buffers[i]["data_appended"], f"buffer {i} bytes")

    fixture.checks.append(check)
    return fixture


def fixture_float16_weights() -> Fixture:
    rng = np.random.default_rng(9)
    m = Model("Lockstep fixture float16_weights: float16 filter/bias -> DEQUANTIZE -> CONV_2D")
    g = m.subgraph("main")
    wv, bv = dyadic(rng, (3, 3, 3, 2), bits=5, span=32), dyadic(rng, (3,), bits=5, span=32)
    x = g.add(Tensor("input", "float32", [1, 5, 5, 2]))
    w16 = g.add(Tensor("conv/filter_fp16", "float16", [3, 3, 3, 2], wv.astype(np.float16)))
    b16 = g.add(Tensor("conv/bias_fp16", "float16", [3], bv.astype(np.float16)))
    w32 = g.add(Tensor("conv/filter", "float32", [3, 3, 3, 2]))
    b32 = g.add(Tensor("conv/bias", "float32", [3]))
    out = g.add(Tensor("output", "float32", [1, 3, 3, 3]))
    deq = m.opcode(OP.DEQUANTIZE, version=3)
    g.operators = [
        Operator(deq, [w16], [w32]),
        Operator(deq, [b16], [b32]),
        Operator(m.opcode(OP.CONV_2D), [x, w32, b32], [out], conv2d_options(PAD.VALID, (1, 1), ACT.NONE)),
    ]
    g.inputs, g.outputs = [x], [out]
    xin = dyadic(np.random.default_rng(109), (1, 5, 5, 2), bits=3)
    ref = conv2d(xin, wv, bv, (1, 1), PAD.VALID)
    return Fixture("float16_weights.tflite", "float16 weights dequantised to float32", m, [
        "conv/filter_fp16 float16 [3,3,3,2] and conv/bias_fp16 float16 [3] are constants (values k/32, exact in "
        "float16, little-endian IEEE binary16 in the buffers).",
        "Operators 0 and 1: DEQUANTIZE version 3 (one op code, no builtin options) float16 -> float32 "
        "(conv/filter, conv/bias: not constant, no buffer).",
        "Operator 2: CONV_2D version 1, padding VALID, stride 1/1, fused NONE: input [1,5,5,2] -> output [1,3,3,3].",
        "LiteRT's output must match the float64 numpy reference.",
    ], [xin.tolist()], [ref.tolist()], [("abs", 1e-5)])


MIN_RUNTIME = b"1.14.0".ljust(16, b"\0")


def fixture_signatures_metadata() -> Fixture:
    m = Model("Lockstep fixture signatures_metadata: SignatureDef serving_default and metadata entries")
    g = m.subgraph("main")
    x = g.add(Tensor("serving_default_x:0", "float32", [1, 4], shape_signature=[-1, 4]))
    c = g.add(Tensor("add/y", "float32", [4], np.array([0.5, -1.0, 2.0, 0.25], dtype=np.float32)))
    y = g.add(Tensor("StatefulPartitionedCall:0", "float32", [1, 4], shape_signature=[-1, 4]))
    g.operators = [Operator(m.opcode(OP.ADD), [x, c], [y], add_options())]
    g.inputs, g.outputs = [x], [y]
    assign_buffers(m)  # constants first: buffer 1 is add/y
    m.metadata = [("min_runtime_version", m.buffer(MIN_RUNTIME)),
                  ("lockstep_fixture", m.buffer(b"signatures_metadata v1"))]
    m.signatures = [{"key": "serving_default", "inputs": [("x", x)], "outputs": [("y", y)], "subgraph": 0}]
    xin = [[1.0, 2.0, 3.0, 4.0]]
    return Fixture("signatures_metadata.tflite", "signature def, metadata, dynamic batch", m, [
        "Model.description: \"Lockstep fixture signatures_metadata: SignatureDef serving_default and metadata entries\".",
        "SignatureDef 0: signature_key \"serving_default\", subgraph_index 0, inputs [TensorMap name \"x\" -> tensor 0 "
        "(`serving_default_x:0`)], outputs [TensorMap name \"y\" -> tensor 2 (`StatefulPartitionedCall:0`)].",
        "Metadata (in this order): \"min_runtime_version\" -> buffer 2, 16 bytes: \"1.14.0\" then ten NUL bytes "
        "(the runtime version is the text before the first NUL); \"lockstep_fixture\" -> buffer 3, the 22 bytes "
        "\"signatures_metadata v1\".",
        "Tensors 0 and 2: shape [1,4], shape_signature [-1,4] (dynamic batch; reference.json reports [-1, 4]).",
        "Operator: ADD(x, add/y = [0.5, -1.0, 2.0, 0.25]) with AddOptions fused NONE; op code with both code fields "
        "0 (= ADD, nothing written).",
    ], [xin], [[[1.5, 1.0, 5.0, 4.25]]], [("abs", 0)],
        checks=[check_signature])


def check_signature(data: bytes) -> None:
    if not USE_LITERT:
        return
    result = tflite_reference.litert_signatures(data)
    if result is not None:
        expect(result == {"serving_default": {"inputs": ["x"], "outputs": ["y"]}}, f"LiteRT signature list {result}")


def fixture_deprecated_code() -> Fixture:
    m = Model("Lockstep fixture deprecated_code: op codes that need max(deprecated_builtin_code, builtin_code)")
    g = m.subgraph("main")
    x = g.add(Tensor("input", "float32", [1, 4]))
    r = g.add(Tensor("relu/out", "float32", [1, 4]))
    ge = g.add(Tensor("gelu/out", "float32", [1, 4]))
    out = g.add(Tensor("output", "float32", [1, 4]))
    relu = m.opcode(OP.RELU, deprecated_field=OP.RELU, builtin_field=0)  # a file from before builtin_code existed
    gelu = m.opcode(OP.GELU, deprecated_field=OP.PLACEHOLDER_FOR_GREATER_OP_CODES, builtin_field=OP.GELU)
    add = m.opcode(OP.ADD, version=2)
    g.operators = [
        Operator(relu, [x], [r]),
        Operator(gelu, [x], [ge], gelu_options(False)),
        Operator(add, [r, ge], [out], add_options()),
    ]
    g.inputs, g.outputs = [x], [out]
    xin = np.array([[-2.0, -0.5, 0.5, 3.0]])
    from math import erf
    gel = np.array([[v * 0.5 * (1 + erf(v / np.sqrt(2))) for v in xin[0]]])
    ref = np.maximum(xin, 0) + gel

    def check(data: bytes) -> None:
        model = tflite.Model.GetRootAs(data, 0)
        raw = [(model.OperatorCodes(i).DeprecatedBuiltinCode(), tflite_reference.raw_builtin_code(model.OperatorCodes(i)))
               for i in range(model.OperatorCodesLength())]
        expect(raw == [(19, 0), (127, 150), (0, 0)], f"raw op code fields {raw}")

    return Fixture("deprecated_code.tflite", "op codes: deprecated-only, extended (> 127), all-default", m, [
        "Op code 0: deprecated_builtin_code 19 (RELU), builtin_code absent (reads 0): the layout of files written "
        "before builtin_code existed -> RELU. Reading builtin_code alone would give ADD.",
        "Op code 1: deprecated_builtin_code 127 (PLACEHOLDER_FOR_GREATER_OP_CODES), builtin_code 150 -> GELU. "
        "Reading deprecated_builtin_code alone would give the placeholder. Operator 1 has GeluOptions approximate false.",
        "Op code 2: both fields absent (0) -> ADD, version 2 (AddOptions fused NONE).",
        "Operators: RELU(input) -> relu/out; GELU(input) -> gelu/out; ADD(relu/out, gelu/out) -> output; all [1,4].",
        "LiteRT runs it; output = relu(x) + gelu(x) for x = [-2, -0.5, 0.5, 3].",
    ], [xin.tolist()], [ref.tolist()], [("abs", 1e-5)], checks=[check])


FIXTURES = [
    fixture_float_conv, fixture_int8_per_tensor, fixture_int8_per_channel, fixture_int16_activations,
    fixture_custom_op, fixture_control_flow, fixture_sparse, fixture_buffer_offset, fixture_float16_weights,
    fixture_signatures_metadata, fixture_deprecated_code,
]


# === checks =====================================================================================

class FixtureError(Exception):
    pass


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise FixtureError(message)


USE_LITERT = True


def check_litert_run(data: bytes, feeds, expected, tolerance) -> None:
    if not USE_LITERT:
        return
    result = tflite_reference.litert_bytes(data, "run", feeds)
    expect("outputs" in result, f"LiteRT did not run it: {result}")
    expect(len(result["outputs"]) == len(expected), f"LiteRT gave {len(result['outputs'])} outputs")
    for k, (got, want, (kind, tol)) in enumerate(zip(result["outputs"], expected, tolerance)):
        got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
        expect(got.shape == want.shape, f"output {k}: shape {got.shape}, expected {want.shape}")
        diff = float(np.max(np.abs(got - want))) if got.size else 0.0
        expect(diff <= tol, f"output {k}: max |LiteRT - numpy| = {diff} > {tol}")


def check_readback(fx: Fixture, data: bytes) -> None:
    """The tflite package reads back what the generator meant to write."""
    model = fx.model
    m = tflite.Model.GetRootAs(data, 0)
    expect(tflite.Model.ModelBufferHasIdentifier(data, 0), "file identifier is not TFL3")
    expect(m.Version() == model.version, "model version")
    expect(m.OperatorCodesLength() == len(model.opcodes), "op code count")
    for i, code in enumerate(model.opcodes):
        got = m.OperatorCodes(i)
        expect(tflite_reference.effective_builtin_code(got) == code.builtin, f"op code {i}: builtin")
        expect(got.DeprecatedBuiltinCode() == code.deprecated_field, f"op code {i}: deprecated_builtin_code")
        expect(tflite_reference.raw_builtin_code(got) == code.builtin_field, f"op code {i}: builtin_code")
        expect(got.Version() == code.version, f"op code {i}: version")
        expect(tflite_reference.text(got.CustomCode()) == code.custom, f"op code {i}: custom_code")
    expect(m.BuffersLength() == len(model.buffers), "buffer count")
    expect(m.Buffers(0).DataLength() == 0 and m.Buffers(0).Offset() == 0, "buffer 0 is not empty")
    for s, sub in enumerate(model.subgraphs):
        got = m.Subgraphs(s)
        expect(tflite_reference.text(got.Name()) == sub.name, f"subgraph {s} name")
        expect(got.InputsAsNumpy().tolist() == sub.inputs and got.OutputsAsNumpy().tolist() == sub.outputs,
               f"subgraph {s} inputs/outputs")
        for t, tensor in enumerate(sub.tensors):
            gt = got.Tensors(t)
            expect(tflite_reference.text(gt.Name()) == tensor.name, f"subgraph {s} tensor {t} name")
            expect(tflite_reference.DTYPE_NAMES[gt.Type()] == tensor.dtype, f"tensor {tensor.name} dtype")
            shape = gt.ShapeAsNumpy().tolist() if gt.ShapeLength() else []
            expect(shape == tensor.shape, f"tensor {tensor.name} shape {shape}")
            expect(gt.Buffer() == tensor.buffer, f"tensor {tensor.name} buffer")
            if tensor.data is not None and not model.offset_buffers:
                stored = m.Buffers(gt.Buffer()).DataAsNumpy().tobytes()
                expect(stored == const_bytes(tensor), f"tensor {tensor.name} data")
                expect((m.Buffers(gt.Buffer())._tab.Vector(4) % 16) == 0, f"tensor {tensor.name} data not 16-aligned")
            if tensor.quant:
                q = gt.Quantization()
                expect(q is not None, f"tensor {tensor.name} quantization missing")
                expect(np.allclose(q.ScaleAsNumpy(), tensor.quant["scale"], rtol=0, atol=0), f"tensor {tensor.name} scale")
                expect(q.ZeroPointAsNumpy().tolist() == list(tensor.quant["zero_point"]), f"tensor {tensor.name} zero_point")
                expect(q.QuantizedDimension() == tensor.quant.get("quantized_dimension", 0), f"tensor {tensor.name} axis")
            else:
                expect(gt.Quantization() is None, f"tensor {tensor.name} has unexpected quantization")
        for o, op in enumerate(sub.operators):
            go = got.Operators(o)
            expect(go.OpcodeIndex() == op.opcode, f"subgraph {s} operator {o} opcode_index")
            expect(go.InputsAsNumpy().tolist() == op.inputs and go.OutputsAsNumpy().tolist() == op.outputs,
                   f"subgraph {s} operator {o} inputs/outputs")
            expect(go.BuiltinOptionsType() == (op.options[0] if op.options else 0), f"subgraph {s} operator {o} options type")
    check_options(m)
    facts = tflite_reference.facts_of_bytes(data)
    expect(facts["subgraphCount"] == len(model.subgraphs), "reference subgraphCount")
    expect(facts["nodeCount"] == sum(len(s.operators) for s in model.subgraphs), "reference nodeCount")
    expect(facts["tensorCount"] == sum(len(s.tensors) for s in model.subgraphs), "reference tensorCount")
    expect(facts["signatureKeys"] == [s["key"] for s in model.signatures], "reference signatureKeys")
    expect(facts["metadataNames"] == [n for n, _ in model.metadata], "reference metadataNames")
    for name, index in model.metadata:
        expect(m.Buffers(index).DataAsNumpy().tobytes() == model.buffers[index]["data"], f"metadata {name} bytes")


def check_options(m: tflite.Model) -> None:
    """Builtin options decode, per type, through the tflite package's option tables."""
    for s in range(m.SubgraphsLength()):
        sub = m.Subgraphs(s)
        for o in range(sub.OperatorsLength()):
            op = sub.Operators(o)
            kind = op.BuiltinOptionsType()
            if kind == 0:
                continue
            cls = getattr(tflite, OPT_NAMES[kind])
            table = op.BuiltinOptions()
            expect(table is not None, f"subgraph {s} operator {o}: options table missing")
            options = cls()
            options.Init(table.Bytes, table.Pos)


def options_of(data: bytes, subgraph: int, operator: int):
    op = tflite.Model.GetRootAs(data, 0).Subgraphs(subgraph).Operators(operator)
    options = getattr(tflite, OPT_NAMES[op.BuiltinOptionsType()])()
    table = op.BuiltinOptions()
    options.Init(table.Bytes, table.Pos)
    return options


def check_option_values(file: str, data: bytes) -> None:
    """The documented option values, read back field by field."""
    if file == "float_conv.tflite":
        c = options_of(data, 0, 0)
        expect((c.Padding(), c.StrideH(), c.StrideW(), c.FusedActivationFunction(), c.DilationHFactor(), c.DilationWFactor())
               == (PAD.SAME, 2, 2, ACT.RELU6, 1, 1), "float_conv CONV_2D options")
        d = options_of(data, 0, 1)
        expect((d.Padding(), d.StrideH(), d.StrideW(), d.DepthMultiplier(), d.FusedActivationFunction())
               == (PAD.VALID, 1, 1, 2, ACT.NONE), "float_conv DEPTHWISE_CONV_2D options")
        f = options_of(data, 0, 2)
        expect((f.FusedActivationFunction(), f.WeightsFormat(), f.KeepNumDims()) == (ACT.NONE, 0, False), "FC options")
        expect(options_of(data, 0, 3).Beta() == 1.0, "SOFTMAX beta")
    elif file == "control_flow.tflite":
        w = options_of(data, 0, 0)
        expect((w.CondSubgraphIndex(), w.BodySubgraphIndex()) == (1, 2), "WHILE options")
        i = options_of(data, 0, 1)
        expect((i.ThenSubgraphIndex(), i.ElseSubgraphIndex()) == (3, 4), "IF options")
    elif file == "int8_per_channel.tflite":
        c = options_of(data, 0, 0)
        expect((c.Padding(), c.StrideH(), c.StrideW(), c.FusedActivationFunction()) == (PAD.SAME, 1, 1, ACT.RELU), "options")
    elif file == "sparse.tflite":
        expect(options_of(data, 0, 1).FusedActivationFunction() == ACT.RELU, "sparse FC1 options")
    elif file == "deprecated_code.tflite":
        expect(options_of(data, 0, 1).Approximate() is False, "GELU approximate")


def litert_claim(fx: Fixture) -> str:
    """What the README says LiteRT does (the same whether or not this run checked it)."""
    if fx.litert.startswith("unresolved:"):
        return f"loads, allocate fails ({fx.litert.split(':', 1)[1]} unresolved)"
    return "runs, outputs match numpy"


def check_litert(fx: Fixture, data: bytes) -> str:
    if not USE_LITERT:
        return "not checked (--no-litert)"
    if fx.litert.startswith("unresolved:"):
        name = fx.litert.split(":", 1)[1]
        result = tflite_reference.litert_bytes(data, "allocate")
        expect("ops" in result, f"LiteRT could not even open it: {result}")
        expect(result.get("stage") == "allocate" and name in result.get("error", ""),
               f"LiteRT should fail to allocate with {name} unresolved: {result}")
        return litert_claim(fx)
    check_litert_run(data, fx.feeds, fx.expected, fx.tolerance)
    return litert_claim(fx)


# === README =====================================================================================

def fmt_values(data: bytes, dtype: str, count: int) -> str:
    values = np.frombuffer(data, dtype=np.dtype(NUMPY_TYPES[dtype]).newbyteorder("<")).tolist()
    shown = values if len(values) <= 12 else values[:8]
    text = ", ".join(repr(float(v)) if dtype.startswith("float") else str(v) for v in shown)
    return f"[{text}]" if len(values) <= 12 else f"[{text}, ...] ({len(values)} values)"


def tensor_rows(model: Model, sub: Subgraph) -> list[str]:
    rows = ["| # | name | dtype | shape | buffer | quantization / notes |", "| ---: | --- | --- | --- | ---: | --- |"]
    for i, t in enumerate(sub.tensors):
        notes = []
        if t.shape_signature is not None:
            notes.append(f"shape_signature {t.shape_signature}")
        if t.quant:
            q = t.quant
            notes.append(f"scale {q['scale']}, zero_point {q['zero_point']}, quantized_dimension {q.get('quantized_dimension', 0)}")
        if t.sparsity:
            notes.append("sparse (see above)")
        if t.data is not None:
            data = const_bytes(t) if model.offset_buffers else model.buffers[t.buffer]["data"]
            digest = hashlib.sha256(data).hexdigest()[:16]
            buf = model.buffers[t.buffer]
            where = f"offset {buf['offset']}, size {buf['size']}" if "offset" in buf else f"{len(data)} bytes"
            values = fmt_values(data, t.dtype, 0)
            notes.append(f"constant ({where}, sha256 {digest}…): {values}")
        shape = "[" + ",".join(map(str, t.shape)) + "]"
        rows.append(f"| {i} | `{t.name}` | {t.dtype} | {shape} | {t.buffer} | {'; '.join(notes)} |")
    return rows


def op_label(model: Model, index: int) -> str:
    code = model.opcodes[index]
    if code.custom is not None:
        return f"custom::{code.custom}"
    return tflite_reference.BUILTIN_NAMES[code.builtin]


def readme(fixtures: list[tuple[Fixture, bytes, str]]) -> str:
    lines = [
        "# TFLite fixtures",
        "",
        "Generated by `scripts/make-tflite-fixtures.py` (never edit by hand; re-run it with the venv Python).",
        "Every file is written with the FlatBuffers builder functions of the `tflite` package (2.18.0, generated",
        "from the official schema.fbs), without TensorFlow, from fixed seeds; two runs give identical bytes.",
        "`../reference.json` holds what `scripts/tflite_reference.py` reads in each file (node/tensor/buffer",
        "counts, op histogram, signature keys, metadata names, subgraph inputs/outputs).",
        "",
        "The generator fails unless the `tflite` package reads back every value below and LiteRT",
        "(`ai-edge-litert==2.3.0`) runs every model except `custom_op.tflite` with outputs equal to a numpy",
        "reference (float: |diff| <= 1e-5; quantised: one output step).",
        "",
        "Conventions: tensors NHWC, conv filters OHWI, depthwise filters [1, H, W, C x multiplier], fully connected",
        "weights [out, in]; Model.version 3; buffer 0 is the empty sentinel; constant data 16-byte aligned.",
        "A field equal to its schema default is not stored (as with flatc's builders): OperatorCode.version 1,",
        "builtin_code / deprecated_builtin_code 0, padding SAME, fused_activation_function NONE, dilation 1,",
        "Tensor.type FLOAT32, Tensor.buffer 0, quantized_dimension 0. The tables below give the values a",
        "reader sees; the loader must apply the schema defaults.",
        "",
        "| file | bytes | what | LiteRT 2.3.0 |",
        "| --- | ---: | --- | --- |",
    ]
    for fx, data, _ in fixtures:
        lines.append(f"| `{fx.file}` | {len(data)} | {fx.title} | {litert_claim(fx)} |")
    for fx, data, _ in fixtures:
        model = fx.model
        lines += ["", f"## `{fx.file}` — {fx.title}", ""]
        lines += [f"- {n}" if not n.startswith("  ") else f"  - {n.strip()}" for n in fx.notes]
        codes = []
        for i, c in enumerate(model.opcodes):
            name = op_label(model, i)
            codes.append(f"{i}: {name} v{c.version} (deprecated_builtin_code {c.deprecated_field}, builtin_code {c.builtin_field})")
        lines += ["", "Op codes: " + "; ".join(codes) + ".", ""]
        for s, sub in enumerate(model.subgraphs):
            lines += [f"Subgraph {s} `{sub.name}`: inputs {sub.inputs}, outputs {sub.outputs}.", ""]
            lines += tensor_rows(model, sub)
            lines += ["", "| # | op | inputs | outputs | builtin options |", "| ---: | --- | --- | --- | --- |"]
            for o, op in enumerate(sub.operators):
                opts = f"{OPT_NAMES[op.options[0]]}: {op.options[2]}" if op.options else "none"
                if op.custom_options is not None:
                    opts = f"none; custom_options {len(op.custom_options)} bytes (FLEXBUFFERS)"
                lines.append(f"| {o} | {op_label(model, op.opcode)} v{model.opcodes[op.opcode].version} | {op.inputs} | {op.outputs} | {opts} |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# === main =======================================================================================

def main() -> int:
    global USE_LITERT
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("out", nargs="?", default=DEFAULT_OUT)
    parser.add_argument("--no-litert", action="store_true", help="skip the LiteRT checks")
    args = parser.parse_args()
    USE_LITERT = not args.no_litert
    if USE_LITERT and not tflite_reference.litert_available():
        print("make-tflite-fixtures: error: ai_edge_litert does not import (run scripts/bootstrap.sh, "
              "or pass --no-litert)", file=sys.stderr)
        return 2
    out = os.path.abspath(args.out)
    models_dir = os.path.join(out, "models")
    tmp = models_dir + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    made, failures = [], []
    for make in FIXTURES:
        fx = make()
        data = serialise(fx.model)
        try:
            expect(len(data) < MAX_FIXTURE_BYTES, f"{len(data)} bytes (limit {MAX_FIXTURE_BYTES})")
            check_readback(fx, data)
            check_option_values(fx.file, data)
            for check in fx.checks:
                check(data)
            litert_result = check_litert(fx, data)
        except FixtureError as error:
            failures.append(f"{fx.file}: {error}")
            continue
        with open(os.path.join(tmp, fx.file), "wb") as f:
            f.write(data)
        made.append((fx, data, litert_result))
        print(f"  {fx.file:28s} {len(data):6d} bytes  LiteRT: {litert_result}")
    if failures:
        shutil.rmtree(tmp, ignore_errors=True)
        for line in failures:
            print(f"make-tflite-fixtures: FAILED {line}", file=sys.stderr)
        return 1
    with open(os.path.join(tmp, "README.md"), "w", encoding="utf-8") as f:
        f.write(readme(made))
    shutil.rmtree(models_dir, ignore_errors=True)
    os.replace(tmp, models_dir)
    facts = tflite_reference.write_reference(models_dir, os.path.join(out, "reference.json"))
    errors = [k for k, v in facts.items() if "error" in v]
    if errors:
        print(f"make-tflite-fixtures: FAILED the tflite package cannot read {errors}", file=sys.stderr)
        return 1
    print(f"fixtures: {len(made)} models -> {models_dir}, reference -> {os.path.join(out, 'reference.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
