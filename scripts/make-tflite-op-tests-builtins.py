#!/usr/bin/env python3
"""Generates the TFLite op-test cases of the builtins added in round 2 of issue 5, with LiteRT goldens, into Tests/Fixtures/tflite-op-tests/ beside the cases of
scripts/make-tflite-op-tests.py (same layout, same case.json). Every case name starts with
`builtin_`; only those folders are replaced.

  <case>/model.tflite
  <case>/test_data_set_0/input_<i>.npy    inputs as fed (already quantised for integer models)
  <case>/test_data_set_0/output_<i>.npy   LiteRT's outputs
  <case>/case.json                        {"op", "scheme", "ops", "tolerance", "provenance", "note"?}

Models come from two sources, recorded in each case.json (`provenance.model`):
  * `converter`: a tf.function over one op converted by TensorFlow 2.21's TFLite converter
    (float32, or a full-integer scheme: int8 with int8 I/O, int16x8 with int16 I/O);
  * `flatbuffer`: built directly with the FlatBuffers object API of ai-edge-litert's own schema
    module, for builtins the converter does not emit from TensorFlow ops (L2_POOL_2D, DILATE,
    REDUCE_WINDOW, EMBEDDING_LOOKUP and its hybrid int8 / int4 forms, the StableHLO builtins the
    LiteRT 2.3.0 resolver registers) and for uint8 models (an int8 per-tensor model of the
    converter with every int8 tensor rewritten to uint8: codes and zero points + 128 — the
    converter no longer emits uint8).

Goldens: LiteRT 2.3.0 with OpResolverType.BUILTIN_REF (reference kernels, no XNNPACK); builtins
that resolver does not register (CEIL, ROUND, SEGMENT_SUM, STABLEHLO_AND/SHIFT_LEFT/CASE) run with
BUILTIN_WITHOUT_DEFAULT_DELEGATES (the builtin kernels, still no XNNPACK). The resolver is recorded.
Integer and bool outputs must match bit for bit; float outputs within rtol 1e-5, atol 1e-6.
A case's scheme (its name's suffix) is its quantisation scheme (float32; int8 / int16x8 full
integer; uint8) or, for an unquantised case whose data is not float, that element type (int32,
bool, int8 …).

Deterministic (fixed seeds). Usage (generator venv):
  PY="$(bash scripts/generator-venv.sh)"; "$PY" scripts/make-tflite-op-tests-builtins.py [OUT] [--only SUBSTRING]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import flatbuffers  # noqa: E402
from flatbuffers import flexbuffers  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from ai_edge_litert import interpreter as litert  # noqa: E402
from ai_edge_litert import schema_py_generated as S  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "Tests", "Fixtures", "tflite-op-tests")
LITERT_VERSION = "2.3.0"
PREFIX = "builtin_"
GENERATOR = "scripts/make-tflite-op-tests-builtins.py"  # recorded in each case.json; scripts importing this one set their own
F32, I32, I64, BOOL = tf.float32, tf.int32, tf.int64, tf.bool


def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------------------------
# Converter-made models


def convert(fn, specs, scheme: str, calibration) -> bytes:
    """Converts `fn` over input `specs` [(shape, dtype)] in `scheme` (float32, int8, int16x8);
    `calibration(r)` yields one list of float inputs for the representative data set."""
    signature = [tf.TensorSpec(shape, dtype) for shape, dtype in specs]
    concrete = tf.function(fn, input_signature=signature).get_concrete_function()
    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete])
    if scheme in ("int8", "int8pt", "int16x8"):
        def representative():
            r = rng(99)
            for _ in range(16):
                yield calibration(r)
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = representative
        if scheme == "int16x8":
            converter.target_spec.supported_ops = [tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
            converter.inference_input_type = tf.int16
            converter.inference_output_type = tf.int16
        else:
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
            converter.inference_input_type = tf.int8
            converter.inference_output_type = tf.int8
        if scheme == "int8pt":
            converter._experimental_disable_per_channel = True
    elif scheme != "float32":
        raise ValueError(scheme)
    return converter.convert()


# ---------------------------------------------------------------------------------------------
# Flatbuffer-built models

TT = {np.dtype(np.float32): S.TensorType.FLOAT32, np.dtype(np.float16): S.TensorType.FLOAT16,
      np.dtype(np.int32): S.TensorType.INT32, np.dtype(np.uint8): S.TensorType.UINT8,
      np.dtype(np.int64): S.TensorType.INT64, np.dtype(np.bool_): S.TensorType.BOOL,
      np.dtype(np.int16): S.TensorType.INT16, np.dtype(np.int8): S.TensorType.INT8,
      np.dtype(np.float64): S.TensorType.FLOAT64, np.dtype(np.uint16): S.TensorType.UINT16,
      np.dtype(np.uint32): S.TensorType.UINT32}


class Graph:
    """One subgraph under construction: tensors (runtime or constant) and operators."""

    def __init__(self, model: "FlatModel"):
        self.model = model
        self.sg = S.SubGraphT()
        self.sg.tensors, self.sg.operators, self.sg.inputs, self.sg.outputs = [], [], [], []

    def tensor(self, shape, dtype, data=None, q=None, name=None, tensor_type=None, packed=None):
        """A tensor; `data` (numpy) makes it a constant; `q` = (scales, zero_points, axis);
        `tensor_type`/`packed` for types numpy lacks (INT4: packed bytes)."""
        t = S.TensorT()
        t.shape = list(shape)
        t.type = tensor_type if tensor_type is not None else TT[np.dtype(dtype)]
        t.name = name or f"t{len(self.sg.tensors)}"
        t.buffer = 0
        if q is not None:
            qp = S.QuantizationParametersT()
            qp.scale = [float(s) for s in q[0]]
            qp.zeroPoint = [int(z) for z in q[1]]
            qp.quantizedDimension = q[2] if len(q) > 2 else 0
            t.quantization = qp
        raw = packed if packed is not None else (None if data is None else np.ascontiguousarray(np.asarray(data, dtype=dtype)).tobytes())
        if raw is not None:
            b = S.BufferT()
            b.data = list(raw)
            self.model.m.buffers.append(b)
            t.buffer = len(self.model.m.buffers) - 1
        self.sg.tensors.append(t)
        return len(self.sg.tensors) - 1

    def input(self, shape, dtype, q=None):
        i = self.tensor(shape, dtype, q=q)
        self.sg.inputs.append(i)
        return i

    def op(self, name, inputs, outputs, version=1, options=None, options2=None):
        o = S.OperatorT()
        o.opcodeIndex = self.model.opcode(name, version)
        o.inputs, o.outputs = list(inputs), list(outputs)
        for field, union, spec in (("builtinOptions", S.BuiltinOptions, options), ("builtinOptions2", S.BuiltinOptions2, options2)):
            if spec is None:
                continue
            kind, values = spec
            obj = getattr(S, kind + "T")()
            for k, v in values.items():
                setattr(obj, k, v)
            setattr(o, field + "Type", getattr(union, kind))
            setattr(o, field, obj)
        self.sg.operators.append(o)

    def outputs(self, *ids):
        self.sg.outputs.extend(ids)


class FlatModel:
    def __init__(self):
        self.m = S.ModelT()
        self.m.version = 3
        self.m.description = "Lockstep scripts/make-tflite-op-tests-builtins.py"
        self.m.buffers = [S.BufferT()]
        self.m.operatorCodes = []
        self.m.subgraphs = []
        self.codes = {}

    def graph(self) -> Graph:
        g = Graph(self)
        self.m.subgraphs.append(g.sg)
        return g

    def opcode(self, name, version):
        key = (name, version)
        if key not in self.codes:
            oc = S.OperatorCode()
            oc = S.OperatorCodeT()
            code = getattr(S.BuiltinOperator, name)
            oc.builtinCode = code
            oc.deprecatedBuiltinCode = min(code, 127)
            oc.version = version
            self.m.operatorCodes.append(oc)
            self.codes[key] = len(self.m.operatorCodes) - 1
        return self.codes[key]

    def bytes(self) -> bytes:
        b = flatbuffers.Builder(1024)
        b.Finish(self.m.Pack(b), file_identifier=b"TFL3")
        return bytes(b.Output())


def single(name, inputs, outputs, options=None, options2=None, version=1):
    """A one-op flatbuffer model. `inputs`: list of (shape, dtype, data-or-None, q); outputs:
    list of (shape, dtype, q)."""
    fm = FlatModel()
    g = fm.graph()
    ids = []
    for spec in inputs:
        if spec is None:
            ids.append(-1)
            continue
        shape, dtype, data, q = (list(spec) + [None, None])[:4]
        ids.append(g.input(shape, dtype, q) if data is None else g.tensor(shape, dtype, data=data, q=q))
    outs = [g.tensor(shape, dtype, q=q) for shape, dtype, q in [(list(o) + [None])[:3] for o in outputs]]
    g.op(name, ids, outs, version=version, options=options, options2=options2)
    g.outputs(*outs)
    return fm.bytes()


# ---------------------------------------------------------------------------------------------
# uint8 models: an int8 per-tensor model with every int8 tensor rewritten to uint8.


def to_uint8(model: bytes) -> bytes:
    m = S.ModelT.InitFromPackedBuf(bytearray(model), 0)
    for sg in m.subgraphs:
        for t in sg.tensors:
            if t.type != S.TensorType.INT8:
                continue
            t.type = S.TensorType.UINT8
            if t.quantization is not None and t.quantization.zeroPoint is not None:
                assert len(t.quantization.scale) == 1, "uint8 kernels take per-tensor quantisation only"
                t.quantization.zeroPoint = [int(z) + 128 for z in t.quantization.zeroPoint]
            if t.buffer > 0 and m.buffers[t.buffer].data is not None:
                data = np.asarray(m.buffers[t.buffer].data, dtype=np.uint8) ^ 0x80  # int8 v -> uint8 v + 128
                m.buffers[t.buffer].data = data.tolist()
    m.description = (m.description or b"").decode() if isinstance(m.description, bytes) else (m.description or "")
    m.description += " (uint8: int8 tensors rewritten by scripts/make-tflite-op-tests-builtins.py)"
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


# ---------------------------------------------------------------------------------------------
# Running LiteRT and writing a case


# LiteRT 2.3.0's reference SUM reads int8 / int16 tensors as uint8 (wrong sums; see
# docs/conformance-tflite.md): their goldens come from the builtin (optimised) SUM kernel.
BUILTIN_RESOLVER_CASES = ("builtin_dtype_sum_int8", "builtin_dtype_sum_int16")


def interpreter(path: str, builtin: bool = False):
    if builtin:
        return (litert.Interpreter(model_path=path, experimental_op_resolver_type=litert.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES),
                "BUILTIN_WITHOUT_DEFAULT_DELEGATES")
    try:
        return litert.Interpreter(model_path=path, experimental_op_resolver_type=litert.OpResolverType.BUILTIN_REF), "BUILTIN_REF"
    except ValueError as error:
        if "Didn't find op" not in str(error):
            raise
        return (litert.Interpreter(model_path=path, experimental_op_resolver_type=litert.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES),
                "BUILTIN_WITHOUT_DEFAULT_DELEGATES")


def write_case(out_dir, name, model: bytes, inputs, op, scheme, source, note=""):
    """`inputs`: one numpy array per model input; float arrays fed to an integer input are
    quantised with the input's scale and zero point first."""
    case_dir = os.path.join(out_dir, name)
    if os.path.isdir(case_dir):
        shutil.rmtree(case_dir)
    os.makedirs(os.path.join(case_dir, "test_data_set_0"))
    path = os.path.join(case_dir, "model.tflite")
    with open(path, "wb") as f:
        f.write(model)
    interp, resolver = interpreter(path, builtin=name in BUILTIN_RESOLVER_CASES)
    details = interp.get_input_details()
    assert len(details) == len(inputs), f"{name}: {len(details)} inputs, {len(inputs)} given"
    for d, x in zip(details, inputs):
        if list(d["shape"]) != list(x.shape):
            interp.resize_tensor_input(d["index"], list(x.shape))
    interp.allocate_tensors()
    fed = []
    for d, x in zip(interp.get_input_details(), inputs):
        dtype = np.dtype(d["dtype"])
        if dtype.kind in "iu" and np.asarray(x).dtype.kind == "f":
            scale, zero = d["quantization"]
            info = np.iinfo(dtype)
            x = np.clip(np.round(x / scale) + zero, info.min, info.max)
        x = np.asarray(x).astype(dtype)
        interp.set_tensor(d["index"], x)
        fed.append(x)
    interp.invoke()
    outputs = [np.array(interp.get_tensor(d["index"])) for d in interp.get_output_details()]
    ops = [o["op_name"] for o in interp._get_ops_details()]
    for i, x in enumerate(fed):
        np.save(os.path.join(case_dir, "test_data_set_0", f"input_{i}.npy"), x)
    for i, y in enumerate(outputs):
        np.save(os.path.join(case_dir, "test_data_set_0", f"output_{i}.npy"), y)
    exact = all(y.dtype.kind in "iub" for y in outputs)
    meta = {
        "op": op,
        "scheme": scheme,
        "ops": ops,
        "tolerance": {"rtol": 0.0, "atol": 0.0} if exact else {"rtol": 1e-5, "atol": 1e-6},
        "provenance": {
            "generator": GENERATOR,
            "model": source,
            "tensorflow": tf.__version__,
            "ai_edge_litert": LITERT_VERSION,
            "resolver": resolver,
            "xnnpack": False,
        },
    }
    if note:
        meta["note"] = note
    with open(os.path.join(case_dir, "case.json"), "w") as f:
        json.dump(meta, f, indent=2, sort_keys=True)
        f.write("\n")
    return ops


# ---------------------------------------------------------------------------------------------
# Case tables. A case: (name, op, schemes, make(scheme) -> (model bytes, source), inputs(r) -> [arrays]).

CASES = []




def normal(shape, scale=2.0):
    return lambda r: r.normal(0, scale, size=shape).astype(np.float32)


def converted(fn, specs, inputs, schemes=("float32",)):
    """A case maker for a converter-made model: `inputs(r)` gives the test inputs, also used
    (float ones) as calibration data for the integer schemes."""
    def make(scheme):
        # A quantisation scheme for float models; for models over other data the scheme names its type.
        float_model = all(dtype == F32 for _, dtype in specs)
        conversion = scheme if float_model and scheme in ("int8", "int8pt", "int16x8") else "float32"
        return convert(fn, specs, conversion, lambda r: [x.astype(np.float32) for x in inputs(r)]), "converter"
    return make, inputs


def add_converted(name, op, fn, specs, inputs, schemes=("float32",)):
    make, gen = converted(fn, specs, inputs, schemes)
    CASES.append((name, op, tuple(schemes), (make, gen)))


def add_flat(name, op, build, inputs, scheme="float32"):
    CASES.append((name, op, (scheme,), ((lambda _scheme: (build(), "flatbuffer")), inputs)))


def halves(shape):
    return lambda r: (r.integers(-9, 10, size=shape) / 2.0 + r.choice([0.0, 0.25, -0.3], size=shape)).astype(np.float32)


def define_cases():
    # Elementwise / normalisation.
    add_converted("ceil", "CEIL", tf.math.ceil, [([3, 5], F32)], lambda r: [halves([3, 5])(r)])
    add_converted("round", "ROUND", tf.round, [([3, 6], F32)], lambda r: [(r.integers(-9, 10, size=[3, 6]) / 2.0).astype(np.float32)])
    add_converted("round_mixed", "ROUND", tf.round, [([4, 5], F32)], lambda r: [halves([4, 5])(r)])

    def atan2_inputs(r):
        y = r.normal(0, 2, size=[3, 6]).astype(np.float32)
        x = r.normal(0, 2, size=[3, 6]).astype(np.float32)
        y[0, :3] = [0.0, -0.0, 1.0]
        x[0, :3] = [-1.0, -1.0, 0.0]
        return [y, x]
    add_converted("atan2", "ATAN2", tf.math.atan2, [([3, 6], F32), ([3, 6], F32)], atan2_inputs)
    for radius, bias, alpha, beta in ((2, 1.0, 0.5, 0.75), (1, 2.0, 1e-3, 0.5)):
        add_converted(f"local_response_normalization_r{radius}", "LOCAL_RESPONSE_NORMALIZATION",
                      (lambda x, radius=radius, bias=bias, alpha=alpha, beta=beta:
                       tf.nn.local_response_normalization(x, radius, bias, alpha, beta)),
                      [([1, 2, 3, 7], F32)], lambda r: [normal([1, 2, 3, 7])(r)])
    for padding, stride, size, act in (("VALID", 2, 2, "NONE"), ("SAME", 1, 3, "RELU6"), ("SAME", 2, 3, "NONE")):
        def l2(padding=padding, stride=stride, size=size, act=act):
            out = [1, 3, 3, 2] if (padding, stride) == ("VALID", 2) else ([1, 6, 6, 2] if stride == 1 else [1, 3, 3, 2])
            opts = ("Pool2DOptions", {"padding": getattr(S.Padding, padding), "strideW": stride, "strideH": stride,
                                      "filterWidth": size, "filterHeight": size,
                                      "fusedActivationFunction": getattr(S.ActivationFunctionType, act)})
            return single("L2_POOL_2D", [([1, 6, 6, 2], np.float32)], [(out, np.float32)], options=opts)
        add_flat(f"l2_pool_2d_{padding.lower()}_{size}x{size}_s{stride}_{act.lower()}", "L2_POOL_2D", l2, lambda r: [normal([1, 6, 6, 2])(r)])

    for lo, hi, bits, narrow in ((-1.0, 2.0, 8, False), (-0.7, 0.3, 4, False)):
        add_flat(f"fake_quant_{bits}bit{'_narrow' if narrow else ''}", "FAKE_QUANT",
                 lambda lo=lo, hi=hi, bits=bits, narrow=narrow: single(
                     "FAKE_QUANT", [([3, 5], np.float32)], [([3, 5], np.float32)],
                     options=("FakeQuantOptions", {"min": lo, "max": hi, "numBits": bits, "narrowRange": narrow}), version=2 if narrow else 1),
                 lambda r: [normal([3, 5], 1.2)(r)])

    # Bool / bitwise.
    def bools(shape):
        return lambda r: [r.random(size=shape) < 0.6]
    for kind, fn in (("reduce_any", tf.reduce_any), ("reduce_all", tf.reduce_all)):
        add_converted(f"{kind}_axis1", kind.upper(), lambda x, fn=fn: fn(x, axis=1), [([3, 4, 2], BOOL)], bools([3, 4, 2]), schemes=("bool",))
        add_converted(f"{kind}_axes02_keepdims", kind.upper(), lambda x, fn=fn: fn(x, axis=[0, 2], keepdims=True), [([3, 4, 2], BOOL)],
                      bools([3, 4, 2]), schemes=("bool",))
    add_converted("bitcast_to_int32", "BITCAST", lambda x: tf.bitcast(x, tf.int32), [([2, 3], F32)], lambda r: [normal([2, 3])(r)])
    add_converted("bitcast_to_uint8", "BITCAST", lambda x: tf.bitcast(x, tf.uint8), [([2, 3], I32)],
                  lambda r: [r.integers(-2**31, 2**31 - 1, size=[2, 3]).astype(np.int32)], schemes=("int32",))
    add_converted("bitcast_to_int32", "BITCAST", lambda x: tf.bitcast(x, tf.int32), [([3, 2], tf.int16)],
                  lambda r: [r.integers(-2**15, 2**15 - 1, size=[3, 2]).astype(np.int16)], schemes=("int16",))
    for dtype, np_dtype in ((I32, np.int32), (tf.int8, np.int8), (tf.uint8, np.uint8), (tf.int16, np.int16)):
        info = np.iinfo(np_dtype)
        add_converted("bitwise_xor", "BITWISE_XOR", tf.bitwise.bitwise_xor, [([2, 5], dtype), ([5], dtype)],
                      lambda r, np_dtype=np_dtype, info=info: [r.integers(info.min, info.max, size=[2, 5], endpoint=True).astype(np_dtype),
                                                              r.integers(info.min, info.max, size=[5], endpoint=True).astype(np_dtype)],
                      schemes=(np.dtype(np_dtype).name,))
        bits = info.bits

        def shifts(r, np_dtype=np_dtype, info=info, bits=bits):
            x = r.integers(info.min, info.max, size=[2, 6], endpoint=True).astype(np_dtype)
            s = np.array([0, 1, 3, bits - 1, bits + 5, 0 if info.min == 0 else -2], dtype=np_dtype)
            return [x, s]
        add_converted("right_shift", "RIGHT_SHIFT", tf.bitwise.right_shift, [([2, 6], dtype), ([6], dtype)], shifts,
                      schemes=(np.dtype(np_dtype).name,))

    # Shape / indexing.
    add_converted("where", "WHERE", lambda x: tf.where(x), [([3, 4], BOOL)], bools([3, 4]), schemes=("bool",))
    add_converted("where", "WHERE", lambda x: tf.where(tf.cast(x, tf.bool)), [([2, 3, 2], F32)],
                  lambda r: [np.where(r.random([2, 3, 2]) < 0.5, 0.0, r.normal(size=[2, 3, 2])).astype(np.float32)])
    # A reshape to a runtime shape of runtime length keeps the rank unknown, so RANK is not folded.
    add_converted("rank", "RANK", lambda x, s: tf.rank(tf.reshape(x, s)), [([None], F32), ([None], I32)],
                  lambda r: [normal([6])(r), np.array([2, 3, 1], np.int32)])
    add_converted("reverse_sequence_seq1_batch0", "REVERSE_SEQUENCE",
                  lambda x, l: tf.reverse_sequence(x, l, seq_axis=1, batch_axis=0), [([3, 5, 2], F32), ([3], I32)],
                  lambda r: [normal([3, 5, 2])(r), np.array([5, 0, 3], np.int32)])
    add_converted("reverse_sequence_seq0_batch2", "REVERSE_SEQUENCE",
                  lambda x, l: tf.reverse_sequence(x, l, seq_axis=0, batch_axis=2), [([4, 2, 3], I32), ([3], I64)],
                  lambda r: [r.integers(-50, 50, size=[4, 2, 3]).astype(np.int32), np.array([2, 4, 1], np.int64)], schemes=("int32",))
    add_converted("matrix_diag", "MATRIX_DIAG", tf.linalg.diag, [([2, 3], F32)], lambda r: [normal([2, 3])(r)])
    add_converted("matrix_diag", "MATRIX_DIAG", tf.linalg.diag, [([4], I32)], lambda r: [r.integers(-9, 9, size=[4]).astype(np.int32)],
                  schemes=("int32",))
    add_converted("matrix_set_diag", "MATRIX_SET_DIAG", tf.linalg.set_diag, [([2, 3, 4], F32), ([2, 3], F32)],
                  lambda r: [normal([2, 3, 4])(r), normal([2, 3])(r)])
    add_converted("matrix_set_diag_tall", "MATRIX_SET_DIAG", tf.linalg.set_diag, [([4, 2], F32), ([2], F32)],
                  lambda r: [normal([4, 2])(r), normal([2])(r)])
    add_converted("scatter_nd", "SCATTER_ND", lambda i, u: tf.scatter_nd(i, u, [5, 3]), [([4, 1], I32), ([4, 3], F32)],
                  lambda r: [np.array([[1], [3], [1], [0]], np.int32), normal([4, 3])(r)])
    add_converted("scatter_nd_2d", "SCATTER_ND", lambda i, u: tf.scatter_nd(i, u, [3, 4]), [([5, 2], I32), ([5], I32)],
                  lambda r: [np.array([[0, 1], [2, 3], [0, 1], [1, 0], [2, 2]], np.int32), r.integers(-9, 9, size=[5]).astype(np.int32)], schemes=("int32",))
    add_converted("sparse_to_dense", "SPARSE_TO_DENSE", lambda i, v: tf.compat.v1.sparse_to_dense(i, [3, 4], v, -1.5),
                  [([3, 2], I32), ([3], F32)], lambda r: [np.array([[0, 1], [1, 3], [2, 0]], np.int32), normal([3])(r)])
    add_converted("sparse_to_dense_1d_scalar", "SPARSE_TO_DENSE", lambda i: tf.compat.v1.sparse_to_dense(i, [6], 7, 0),
                  [([3], I32)], lambda r: [np.array([0, 2, 5], np.int32)], schemes=("int32",))
    add_converted("unique", "UNIQUE", lambda x: tf.unique(x), [([8], F32)],
                  lambda r: [np.array([1.5, -2, 1.5, 0, -0.0, 7, -2, 3], np.float32)])
    add_converted("unique_int64_idx", "UNIQUE", lambda x: tf.unique(x, out_idx=tf.int64), [([7], I32)],
                  lambda r: [np.array([4, 4, -1, 9, -1, 4, 2], np.int32)], schemes=("int32",))
    add_converted("broadcast_args", "BROADCAST_ARGS", tf.broadcast_dynamic_shape, [([3], I32), ([2], I32)],
                  lambda r: [np.array([2, 1, 4], np.int32), np.array([3, 1], np.int32)], schemes=("int32",))
    add_converted("broadcast_args", "BROADCAST_ARGS", tf.broadcast_dynamic_shape, [([2], I64), ([3], I64)],
                  lambda r: [np.array([1, 5], np.int64), np.array([4, 1, 5], np.int64)], schemes=("int64",))

    from tensorflow.compiler.tf2xla.python import xla
    add_converted("dynamic_update_slice", "DYNAMIC_UPDATE_SLICE", xla.dynamic_update_slice, [([4, 5], F32), ([2, 3], F32), ([2], I32)],
                  lambda r: [normal([4, 5])(r), normal([2, 3])(r), np.array([1, 1], np.int32)])
    add_converted("dynamic_update_slice_clamped", "DYNAMIC_UPDATE_SLICE", xla.dynamic_update_slice,
                  [([3, 4, 2], F32), ([2, 3, 1], F32), ([3], I32)],
                  lambda r: [normal([3, 4, 2])(r), normal([2, 3, 1])(r), np.array([-2, 3, 5], np.int32)])
    add_converted("dynamic_update_slice", "DYNAMIC_UPDATE_SLICE", xla.dynamic_update_slice, [([5], I32), ([2], I32), ([1], I32)],
                  lambda r: [np.arange(5, dtype=np.int32), np.array([-7, -8], np.int32), np.array([2], np.int32)],
                  schemes=("int32",))
    for dtype, shape, dil, pad in ((np.float32, [3, 4], [2, 3], -1.5), (np.int32, [2, 2, 3], [1, 3, 2], 7), (np.int8, [4], [3], 0)):
        def dilate(dtype=dtype, shape=shape, dil=dil, pad=pad):
            out = [(s - 1) * d + 1 for s, d in zip(shape, dil)]
            return single("DILATE", [(shape, dtype), ([len(dil)], np.int32, np.array(dil, np.int32)), ([], dtype, np.array(pad, dtype))],
                          [(out, dtype)], options2=("DilateOptions", {}))
        gen = (lambda r, dtype=dtype, shape=shape: [normal(shape)(r)] if dtype == np.float32 else [r.integers(-20, 20, size=shape).astype(dtype)])
        add_flat("dilate", "DILATE", dilate, gen, scheme=np.dtype(dtype).name)

    # Segment / lookup.
    add_converted("segment_sum", "SEGMENT_SUM", tf.math.segment_sum, [([5, 3], F32), ([5], I32)],
                  lambda r: [normal([5, 3])(r), np.array([0, 0, 1, 2, 2], np.int32)])
    add_converted("segment_sum", "SEGMENT_SUM", tf.math.segment_sum, [([4], I32), ([4], I32)],
                  lambda r: [np.array([3, -1, 8, 5], np.int32), np.array([0, 0, 0, 1], np.int32)], schemes=("int32",))
    for kind, fn in (("sum", tf.math.unsorted_segment_sum), ("prod", tf.math.unsorted_segment_prod),
                     ("max", tf.math.unsorted_segment_max), ("min", tf.math.unsorted_segment_min)):
        add_converted(f"unsorted_segment_{kind}", f"UNSORTED_SEGMENT_{kind.upper()}", lambda x, s, fn=fn: fn(x, s, 4),
                      [([6, 2], F32), ([6], I32)], lambda r: [normal([6, 2])(r), np.array([3, 0, -1, 3, 0, 1], np.int32)])
        add_converted(f"unsorted_segment_{kind}_2d_ids", f"UNSORTED_SEGMENT_{kind.upper()}", lambda x, s, fn=fn: fn(x, s, 3),
                      [([2, 3, 2], I32), ([2, 3], I32)],
                      lambda r: [r.integers(-5, 6, size=[2, 3, 2]).astype(np.int32), np.array([[0, 2, 0], [2, -1, 0]], np.int32)],
                      schemes=("int32",))
    add_converted("bucketize", "BUCKETIZE", lambda x: tf.raw_ops.Bucketize(input=x, boundaries=[-1.0, 0.0, 0.5, 2.0]), [([3, 4], F32)],
                  lambda r: [np.concatenate([np.array([-1.0, 0.0, 0.5, 2.0], np.float32), normal([8])(r)]).reshape(3, 4)])
    add_converted("bucketize", "BUCKETIZE", lambda x: tf.raw_ops.Bucketize(input=x, boundaries=[0.0, 3.0, 10.0]), [([6], I32)],
                  lambda r: [np.array([-4, 0, 2, 3, 10, 11], np.int32)], schemes=("int32",))

    table = rng(7).normal(0, 1, size=[6, 4]).astype(np.float32)
    ids = lambda r: [np.array([5, 0, 3, 3], np.int32)]  # noqa: E731
    add_flat("embedding_lookup", "EMBEDDING_LOOKUP",
             lambda: single("EMBEDDING_LOOKUP", [([4], np.int32), ([6, 4], np.float32, table)], [([4, 4], np.float32)]), ids)
    table3 = rng(8).integers(-40, 40, size=[5, 2, 3]).astype(np.int32)
    add_flat("embedding_lookup_3d", "EMBEDDING_LOOKUP",
             lambda: single("EMBEDDING_LOOKUP", [([3], np.int32), ([5, 2, 3], np.int32, table3)], [([3, 2, 3], np.int32)]),
             lambda r: [np.array([4, 1, 4], np.int32)], scheme="int32")
    q8 = rng(9).integers(-127, 128, size=[6, 4]).astype(np.int8)
    add_flat("embedding_lookup_hybrid_int8", "EMBEDDING_LOOKUP",
             lambda: single("EMBEDDING_LOOKUP", [([4], np.int32), ([6, 4], np.int8, q8, ([0.037], [0]))], [([4, 4], np.float32)], version=2), ids)
    scales = [0.01 * (k + 1) for k in range(6)]
    add_flat("embedding_lookup_hybrid_int8_per_row", "EMBEDDING_LOOKUP",
             lambda: single("EMBEDDING_LOOKUP", [([4], np.int32), ([6, 4], np.int8, q8, (scales, [0] * 6, 0))], [([4, 4], np.float32)],
                            version=3), ids)
    add_flat("embedding_lookup", "EMBEDDING_LOOKUP",
             lambda: single("EMBEDDING_LOOKUP", [([4], np.int32), ([6, 4], np.int8, q8, ([0.037], [3]))], [([4, 4], np.int8, ([0.037], [3]))],
                            version=2), ids, scheme="int8")

    def int4_model():
        codes = rng(10).integers(-8, 8, size=[6, 5])
        nibbles = (codes & 0xF).astype(np.uint8).reshape(-1)
        nibbles = np.concatenate([nibbles, np.zeros(len(nibbles) % 2, np.uint8)])
        packed = (nibbles[0::2] | (nibbles[1::2] << 4)).astype(np.uint8).tobytes()
        fm = FlatModel()
        g = fm.graph()
        i = g.input([4], np.int32)
        w = g.tensor([6, 5], None, q=([0.11], [0]), tensor_type=S.TensorType.INT4, packed=packed)
        o = g.tensor([4, 5], np.float32)
        g.op("EMBEDDING_LOOKUP", [i, w], [o], version=4)
        g.outputs(o)
        return fm.bytes()
    add_flat("embedding_lookup_hybrid_int4", "EMBEDDING_LOOKUP", int4_model, ids)

    for fn_name, dtype, data_gen in (("ADD", np.float32, None), ("MUL", np.float32, None), ("MAXIMUM", np.float32, None),
                                     ("MINIMUM", np.int32, None), ("ALL", np.bool_, None), ("ANY", np.bool_, None)):
        def reduce_window(fn_name=fn_name, dtype=dtype):
            init = {"ADD": 0.0, "MUL": 1.0, "MAXIMUM": -np.inf, "MINIMUM": np.iinfo(np.int32).max, "ALL": True, "ANY": False}[fn_name]
            shape, window, strides, dilations = [1, 5, 6, 2], [1, 2, 3, 1], [1, 1, 2, 1], [1, 2, 1, 1]
            out = [(s - ((w - 1) * d + 1)) // st + 1 for s, w, st, d in zip(shape, window, strides, dilations)]
            return single("REDUCE_WINDOW",
                          [(shape, dtype), ([], dtype, np.array(init, dtype)), ([4], np.int64, np.array(window, np.int64)),
                           ([4], np.int64, np.array(strides, np.int64)), ([4], np.int64, np.array(dilations, np.int64))],
                          [(out, dtype)], options2=("ReduceWindowOptions", {"reduceFunction": getattr(S.ReduceWindowFunction, fn_name)}))

        def gen(r, dtype=dtype):
            if dtype == np.bool_:
                return [r.random([1, 5, 6, 2]) < 0.7]
            if dtype == np.int32:
                return [r.integers(-50, 50, size=[1, 5, 6, 2]).astype(np.int32)]
            return [r.uniform(0.5, 1.5, size=[1, 5, 6, 2]).astype(np.float32)]
        add_flat(f"reduce_window_{fn_name.lower()}", "REDUCE_WINDOW", reduce_window, gen, scheme=np.dtype(dtype).name)

    # Detection.
    def boxes(r, n=10):
        centers = r.uniform(0, 1, size=[n, 2])
        sizes = r.uniform(0.1, 0.4, size=[n, 2])
        b = np.concatenate([centers - sizes / 2, centers + sizes / 2], axis=1)
        b[1] = b[0] + 0.01  # a near duplicate of box 0
        b[3] = b[3][[2, 3, 0, 1]]  # flipped corners
        scores = r.permutation(n).astype(np.float32) / n + 0.05
        return [b.astype(np.float32), scores]
    add_converted("non_max_suppression_v4", "NON_MAX_SUPPRESSION_V4",
                  lambda b, s: tf.image.non_max_suppression(b, s, 6, iou_threshold=0.3, score_threshold=0.2),
                  [([10, 4], F32), ([10], F32)], boxes)
    add_converted("non_max_suppression_v4_padded", "NON_MAX_SUPPRESSION_V4",
                  lambda b, s: tf.raw_ops.NonMaxSuppressionV4(boxes=b, scores=s, max_output_size=8, iou_threshold=0.4,
                                                             score_threshold=0.0, pad_to_max_output_size=True),
                  [([10, 4], F32), ([10], F32)], boxes)
    add_converted("non_max_suppression_v5", "NON_MAX_SUPPRESSION_V5",
                  lambda b, s: tf.image.non_max_suppression_with_scores(b, s, 6, iou_threshold=0.5, score_threshold=0.1, soft_nms_sigma=0.4),
                  [([10, 4], F32), ([10], F32)], boxes)
    add_converted("non_max_suppression_v5_hard", "NON_MAX_SUPPRESSION_V5",
                  lambda b, s: tf.raw_ops.NonMaxSuppressionV5(boxes=b, scores=s, max_output_size=8, iou_threshold=0.3, score_threshold=0.0,
                                                             soft_nms_sigma=0.0, pad_to_max_output_size=True),
                  [([10, 4], F32), ([10], F32)], boxes)

    # Integer paths of implemented builtins.
    for align, half in ((False, False), (True, False), (False, True)):
        tag = "align_corners" if align else ("half_pixel" if half else "default")
        add_converted(f"resize_bilinear_{tag}", "RESIZE_BILINEAR",
                      lambda x, align=align, half=half: tf.compat.v1.image.resize_bilinear(x, [7, 5], align_corners=align, half_pixel_centers=half),
                      [([1, 4, 3, 2], F32)], lambda r: [normal([1, 4, 3, 2])(r)], schemes=("int8", "int16x8"))
        add_converted(f"resize_nearest_neighbor_{tag}", "RESIZE_NEAREST_NEIGHBOR",
                      lambda x, align=align, half=half: tf.compat.v1.image.resize_nearest_neighbor(x, [7, 5], align_corners=align,
                                                                                               half_pixel_centers=half),
                      [([1, 4, 3, 2], F32)], lambda r: [normal([1, 4, 3, 2])(r)], schemes=("int8", "int16x8"))
    add_converted("resize_bilinear_downscale", "RESIZE_BILINEAR", lambda x: tf.compat.v1.image.resize_bilinear(x, [3, 2], half_pixel_centers=True),
                  [([1, 6, 5, 3], F32)], lambda r: [normal([1, 6, 5, 3])(r)], schemes=("int8", "int16x8"))

    w_bmm = rng(26).normal(0, 0.3, size=[2, 6, 5]).astype(np.float32)
    add_converted("batch_matmul_const_weights", "BATCH_MATMUL", lambda x: tf.matmul(x, w_bmm), [([2, 3, 6], F32)],
                  lambda r: [normal([2, 3, 6])(r)], schemes=("int8", "int16x8"))
    add_converted("batch_matmul_adj_x", "BATCH_MATMUL", lambda x, y: tf.matmul(x, y, adjoint_a=True), [([2, 5, 3], F32), ([2, 5, 4], F32)],
                  lambda r: [normal([2, 5, 3])(r), normal([2, 5, 4])(r)], schemes=("int8", "int16x8"))
    a8 = rng(27).integers(-128, 128, size=[4, 3]).astype(np.int8)
    add_flat("batch_matmul_int32_out", "BATCH_MATMUL",
             lambda: single("BATCH_MATMUL", [([2, 2, 4], np.int8, None, ([0.05], [0])), ([4, 3], np.int8, a8, ([0.02], [0]))],
                            [([2, 2, 3], np.int32)], options=("BatchMatMulOptions", {"adjX": False, "adjY": False}), version=3),
             lambda r: [r.integers(-128, 128, size=[2, 2, 4]).astype(np.int8)], scheme="int8")

    add_flat("batch_matmul_int16_int8_weights", "BATCH_MATMUL",
             lambda: single("BATCH_MATMUL", [([2, 2, 4], np.int16, None, ([0.001], [0])), ([4, 3], np.int8, a8, ([0.02], [0]))],
                            [([2, 2, 3], np.int16, ([0.0015], [0]))], options=("BatchMatMulOptions", {"adjX": False, "adjY": False}),
                            version=4),
             lambda r: [r.integers(-3000, 3000, size=[2, 2, 4]).astype(np.int16)], scheme="int16x8")

    # uint8 models (int8 per-tensor models rewritten to uint8).
    w_conv = rng(21).normal(0, 0.5, size=[3, 3, 3, 4]).astype(np.float32)
    b_conv = rng(22).normal(0, 0.1, size=[4]).astype(np.float32)
    w_dw = rng(23).normal(0, 0.5, size=[3, 3, 3, 2]).astype(np.float32)
    w_fc = rng(24).normal(0, 0.3, size=[16, 8]).astype(np.float32)
    b_fc = rng(25).normal(0, 0.1, size=[8]).astype(np.float32)
    uint8_cases = [
        ("conv_2d_relu", "CONV_2D", lambda x: tf.nn.relu(tf.nn.conv2d(x, w_conv, 1, "SAME") + b_conv), [1, 7, 7, 3]),
        ("conv_2d_s2_valid", "CONV_2D", lambda x: tf.nn.conv2d(x, w_conv, 2, "VALID") + b_conv, [1, 9, 9, 3]),
        ("depthwise_conv_2d", "DEPTHWISE_CONV_2D", lambda x: tf.nn.relu6(tf.nn.depthwise_conv2d(x, w_dw, [1, 1, 1, 1], "SAME")), [1, 6, 6, 3]),
        ("fully_connected", "FULLY_CONNECTED", lambda x: tf.matmul(x, w_fc) + b_fc, [3, 16]),
        ("add", "ADD", None, [2, 4, 4, 3]),
        ("mul", "MUL", None, [2, 4, 4, 3]),
        ("average_pool_2d", "AVERAGE_POOL_2D", lambda x: tf.nn.avg_pool2d(x, 3, 2, "SAME"), [1, 7, 7, 3]),
        ("max_pool_2d", "MAX_POOL_2D", lambda x: tf.nn.max_pool2d(x, 2, 2, "VALID"), [1, 6, 6, 3]),
        ("softmax", "SOFTMAX", tf.nn.softmax, [3, 10]),
        ("logistic", "LOGISTIC", tf.math.sigmoid, [2, 12]),
        ("tanh", "TANH", tf.math.tanh, [2, 12]),
        ("concatenation", "CONCATENATION", None, [1, 4, 4, 3]),
        ("mean", "MEAN", lambda x: tf.reduce_mean(x, axis=[1, 2], keepdims=True), [2, 4, 5, 3]),
        ("reshape", "RESHAPE", lambda x: tf.reshape(x * 1.5 + 0.25, [4, 6]), [2, 12]),
        ("resize_bilinear", "RESIZE_BILINEAR", lambda x: tf.compat.v1.image.resize_bilinear(x, [7, 5], half_pixel_centers=True), [1, 4, 3, 2]),
        ("resize_bilinear_align_corners", "RESIZE_BILINEAR",
         lambda x: tf.compat.v1.image.resize_bilinear(x, [5, 7], align_corners=True), [1, 3, 4, 2]),
        ("resize_nearest_neighbor", "RESIZE_NEAREST_NEIGHBOR",
         lambda x: tf.compat.v1.image.resize_nearest_neighbor(x, [7, 5], half_pixel_centers=True), [1, 4, 3, 2]),
    ]
    for name, op, fn, shape in uint8_cases:
        if name in ("add", "mul"):
            f = (lambda a, b: tf.nn.relu(a + b)) if name == "add" else (lambda a, b: a * b)
            specs = [(shape, F32), (shape, F32)]
            gen = lambda r, shape=shape: [normal(shape)(r), normal(shape)(r)]  # noqa: E731
        elif name == "concatenation":
            f = lambda a, b: tf.concat([a, b * 2.0], axis=3)  # noqa: E731
            specs = [(shape, F32), (shape, F32)]
            gen = lambda r, shape=shape: [normal(shape)(r), normal(shape)(r)]  # noqa: E731
        else:
            f, specs = fn, [(shape, F32)]
            gen = lambda r, shape=shape: [normal(shape)(r)]  # noqa: E731

        def make(scheme, f=f, specs=specs, gen=gen):
            return to_uint8(convert(f, specs, "int8pt", lambda r: gen(r))), "flatbuffer"
        CASES.append((f"uint8_{name}", op, ("uint8",), (make, gen)))


# ---------------------------------------------------------------------------------------------
# StableHLO builtins (JAX / PyTorch ODML exports): the ones LiteRT 2.3.0 resolves, as flatbuffers.


def body_graph(fm: FlatModel, op, dtype):
    """A scalar region subgraph `(a, b) -> op(a, b)`, or `(a, b) -> b` when `op` is None."""
    g = fm.graph()
    a, b = g.input([], dtype), g.input([], dtype)
    if op is None:
        g.outputs(b)
    else:
        o = g.tensor([], dtype)
        g.op(op, [a, b], [o])
        g.outputs(o)
    return len(fm.m.subgraphs) - 1


def stablehlo_binary(op, dtype, shape=(2, 5)):
    return lambda: single(op, [(list(shape), dtype), (list(shape), dtype)], [(list(shape), dtype)])


def stablehlo_gather(operand, indices, out, options):
    return lambda: single("STABLEHLO_GATHER", [(operand, np.float32), (indices, np.int32)], [(out, np.float32)],
                          options2=("StablehloGatherOptions", options))


def stablehlo_scatter(body_op, dtype=np.float32):
    def build():
        fm = FlatModel()
        g = fm.graph()
        x, i, u = g.input([5, 3], dtype), g.input([4, 1], np.int32), g.input([4, 3], dtype)
        o = g.tensor([5, 3], dtype)
        body = body_graph(fm, body_op, dtype)
        g.op("STABLEHLO_SCATTER", [x, i, u], [o], options2=("StablehloScatterOptions", {
            "updateWindowDims": [1], "insertedWindowDims": [0], "scatterDimsToOperandDims": [0], "indexVectorDim": 1,
            "updateComputationSubgraphIndex": body}))
        g.outputs(o)
        return fm.bytes()
    return build


def stablehlo_reduce_window(body_op, dtype, init):
    def build():
        fm = FlatModel()
        g = fm.graph()
        x = g.input([1, 4, 5, 1], dtype)
        v = g.tensor([], dtype, data=np.array(init, dtype))
        # dilated [1, 4, 9, 1], padded [1, 5, 10, 1], windows 2x2 with strides (2, 1) and window dilation (1, 2)
        o = g.tensor([1, 2, 8, 1], dtype)
        body = body_graph(fm, body_op, dtype)
        g.op("STABLEHLO_REDUCE_WINDOW", [x, v], [o], options2=("StablehloReduceWindowOptions", {
            "windowDimensions": [1, 2, 2, 1], "windowStrides": [1, 2, 1, 1], "baseDilations": [1, 1, 2, 1],
            "windowDilations": [1, 1, 2, 1], "padding": [0, 0, 1, 0, 0, 1, 0, 0], "bodySubgraphIndex": body}))
        g.outputs(o)
        return fm.bytes()
    return build


def stablehlo_composite():
    fm = FlatModel()
    g = fm.graph()
    x, y = g.input([2, 3], np.float32), g.input([2, 3], np.float32)
    o = g.tensor([2, 3], np.float32)
    d = fm.graph()
    a, b = d.input([2, 3], np.float32), d.input([2, 3], np.float32)
    t, r = d.tensor([2, 3], np.float32), d.tensor([2, 3], np.float32)
    d.op("STABLEHLO_MULTIPLY", [a, b], [t])
    d.op("STABLEHLO_ADD", [t, a], [r])
    d.outputs(r)
    g.op("STABLEHLO_COMPOSITE", [x, y], [o], options2=("StableHLOCompositeOptions", {
        "name": "lockstep.mul_add", "decompositionSubgraphIndex": 1,
        "compositeAttributes": list(flexbuffers.Dumps({"alpha": 1.0})), "compositeAttributesFormat": 0}))
    g.outputs(o)
    return fm.bytes()


def stablehlo_case():
    fm = FlatModel()
    g = fm.graph()
    k, x, y = g.input([], np.int32), g.input([3], np.float32), g.input([3], np.float32)
    o = g.tensor([3], np.float32)
    branches = []
    for op in ("STABLEHLO_ADD", "STABLEHLO_MULTIPLY", "STABLEHLO_MAXIMUM"):
        b = fm.graph()
        a, c = b.input([3], np.float32), b.input([3], np.float32)
        r = b.tensor([3], np.float32)
        b.op(op, [a, c], [r])
        b.outputs(r)
        branches.append(len(fm.m.subgraphs) - 1)
    g.op("STABLEHLO_CASE", [k, x, y], [o], options2=("StablehloCaseOptions", {"branchSubgraphIndices": branches}))
    g.outputs(o)
    return fm.bytes()


def define_stablehlo_cases():
    def pair(dtype, shape=(2, 5), lo=-100, hi=100):
        def gen(r):
            if dtype == np.bool_:
                return [r.random(shape) < 0.5, r.random(shape) < 0.5]
            if np.dtype(dtype).kind == "f":
                a, b = r.normal(0, 2, size=shape).astype(dtype), r.normal(0, 2, size=shape).astype(dtype)
                a.flat[0], b.flat[1] = np.nan, np.nan
                return [a, b]
            return [r.integers(lo, hi, size=shape).astype(dtype), r.integers(lo, hi, size=shape).astype(dtype)]
        return gen
    for op, dtype in (("STABLEHLO_ADD", np.float32), ("STABLEHLO_ADD", np.int8), ("STABLEHLO_ADD", np.float16),
                      ("STABLEHLO_MULTIPLY", np.float32), ("STABLEHLO_MULTIPLY", np.int16), ("STABLEHLO_MULTIPLY", np.bool_),
                      ("STABLEHLO_MAXIMUM", np.float32), ("STABLEHLO_MAXIMUM", np.int32), ("STABLEHLO_MINIMUM", np.float32),
                      ("STABLEHLO_MINIMUM", np.int64), ("STABLEHLO_AND", np.int32), ("STABLEHLO_AND", np.bool_)):
        add_flat(op.lower(), op, stablehlo_binary(op, dtype), pair(dtype), scheme=np.dtype(dtype).name)
    for dtype, bits in ((np.int8, 8), (np.int32, 32)):
        def shifts(r, dtype=dtype, bits=bits):
            x = r.integers(-100, 100, size=[2, 6]).astype(dtype)
            s = np.array([[0, 1, 3, bits - 1, 9, 2], [4, 5, 6, 7, 1, 0]], dtype)
            return [x, s]
        add_flat("stablehlo_shift_left", "STABLEHLO_SHIFT_LEFT", stablehlo_binary("STABLEHLO_SHIFT_LEFT", dtype, (2, 6)),
                 shifts, scheme=np.dtype(dtype).name)
    for dtype in (np.float32, np.int8):
        def pad(dtype=dtype):
            return single("STABLEHLO_PAD", [([3, 4], dtype), ([], dtype, np.array(7, dtype))], [([5, 5], dtype)],
                          options2=("StablehloPadOptions", {"edgePaddingLow": [1, -1], "edgePaddingHigh": [-1, 0],
                                                            "interiorPadding": [1, 0]}))
        add_flat("stablehlo_pad", "STABLEHLO_PAD", pad,
                 lambda r, dtype=dtype: [r.normal(size=[3, 4]).astype(dtype) if dtype == np.float32 else r.integers(-9, 9, [3, 4]).astype(dtype)],
                 scheme=np.dtype(dtype).name)
    add_flat("stablehlo_gather_take_rows", "STABLEHLO_GATHER",
             stablehlo_gather([5, 3], [4, 1], [4, 3], {"offsetDims": [1], "collapsedSliceDims": [0], "startIndexMap": [0],
                                                       "indexVectorDim": 1, "sliceSizes": [1, 3]}),
             lambda r: [normal([5, 3])(r), np.array([[4], [0], [7], [-2]], np.int32)])
    add_flat("stablehlo_gather_windows", "STABLEHLO_GATHER",
             stablehlo_gather([4, 5, 2], [3, 2], [3, 2, 2, 2], {"offsetDims": [1, 2, 3], "collapsedSliceDims": [], "startIndexMap": [0, 1],
                                                                 "indexVectorDim": 1, "sliceSizes": [2, 2, 2]}),
             lambda r: [normal([4, 5, 2])(r), np.array([[0, 0], [3, 4], [1, 2]], np.int32)])
    scatter_inputs = lambda r: [normal([5, 3])(r), np.array([[1], [3], [1], [6]], np.int32), normal([4, 3])(r)]  # noqa: E731
    add_flat("stablehlo_scatter_add", "STABLEHLO_SCATTER", stablehlo_scatter("STABLEHLO_ADD"), scatter_inputs)
    add_flat("stablehlo_scatter_update", "STABLEHLO_SCATTER", stablehlo_scatter(None), scatter_inputs)
    add_flat("stablehlo_scatter_max", "STABLEHLO_SCATTER", stablehlo_scatter("STABLEHLO_MAXIMUM", np.int32),
             lambda r: [r.integers(-9, 9, [5, 3]).astype(np.int32), np.array([[1], [3], [1], [0]], np.int32),
                        r.integers(-9, 9, [4, 3]).astype(np.int32)], scheme="int32")
    add_flat("stablehlo_reduce_window_max", "STABLEHLO_REDUCE_WINDOW", stablehlo_reduce_window("STABLEHLO_MAXIMUM", np.float32, -np.inf),
             lambda r: [normal([1, 4, 5, 1])(r)])
    add_flat("stablehlo_reduce_window_add", "STABLEHLO_REDUCE_WINDOW", stablehlo_reduce_window("STABLEHLO_ADD", np.int32, 0),
             lambda r: [r.integers(-20, 20, [1, 4, 5, 1]).astype(np.int32)], scheme="int32")
    add_flat("stablehlo_composite", "STABLEHLO_COMPOSITE", stablehlo_composite, lambda r: [normal([2, 3])(r), normal([2, 3])(r)])
    add_flat("stablehlo_case_branch1", "STABLEHLO_CASE", stablehlo_case,
             lambda r: [np.array(1, np.int32), normal([3])(r), normal([3])(r)])
    add_flat("stablehlo_case_out_of_range", "STABLEHLO_CASE", stablehlo_case,
             lambda r: [np.array(7, np.int32), normal([3])(r), normal([3])(r)])


# ---------------------------------------------------------------------------------------------
# Element-type probes: every implemented elementwise builtin, and the reducers and data-movement
# builtins of PROBE_STRUCTURAL, in every non-float32 element type
# LiteRT's kernel runs (per-tensor quantisation for int8 / uint8 / int16, as
# scripts/gen-tflite-builtin-opset.py probes them), so a type the kernel registers and Lockstep
# lacks shows up as a failing case.

PROBE_UNARY = ["ABS", "CEIL", "COS", "ELU", "EXP", "FLOOR", "GELU", "HARD_SWISH", "LOG", "LOGISTIC", "NEG", "RELU", "RELU6",
               "RELU_N1_TO_1", "RELU_0_TO_1", "ROUND", "RSQRT", "SIGN", "SIN", "SQRT", "SQUARE", "TANH", "ZEROS_LIKE", "LOGICAL_NOT"]
PROBE_BINARY = ["ADD", "SUB", "MUL", "DIV", "MAXIMUM", "MINIMUM", "POW", "FLOOR_DIV", "FLOOR_MOD", "SQUARED_DIFFERENCE",
                "LOGICAL_AND", "LOGICAL_OR"]
PROBE_COMPARISON = ["EQUAL", "NOT_EQUAL", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL"]
PROBE_TYPES = {"float16": np.float16, "float64": np.float64, "int8": np.int8, "uint8": np.uint8, "int16": np.int16,
               "int32": np.int32, "int64": np.int64, "bool": np.bool_}
PROBE_Q = {"int8": ([0.1], [0]), "uint8": ([0.1], [128]), "int16": ([0.1], [0])}
PROBE_FIXED_Q = {("LOGISTIC", "int8"): ([1 / 256], [-128]), ("LOGISTIC", "uint8"): ([1 / 256], [0]),
                 ("LOGISTIC", "int16"): ([1 / 32768], [0]), ("TANH", "int8"): ([1 / 128], [0]),
                 ("TANH", "uint8"): ([1 / 128], [128]), ("TANH", "int16"): ([1 / 32768], [0])}


def probe_runs(model: bytes) -> bool:
    import tempfile
    with tempfile.NamedTemporaryFile(suffix=".tflite") as f:
        f.write(model)
        f.flush()
        try:
            interp, _ = interpreter(f.name)
            interp.allocate_tensors()
            for d in interp.get_input_details():
                interp.set_tensor(d["index"], np.ones(d["shape"], dtype=d["dtype"]))
            interp.invoke()
            return True
        except Exception:  # noqa: BLE001 - LiteRT refuses the type: not a case
            return False


def probe_values(dtype, r, shape, positive=False):
    if dtype == np.bool_:
        return r.random(shape) < 0.5
    if np.dtype(dtype).kind == "f":
        v = r.normal(0, 2, size=shape)
        return (np.abs(v) + 0.5 if positive else v).astype(dtype)
    info = np.iinfo(dtype)
    lo, hi = (1, min(info.max, 9)) if positive else (max(info.min, -60), min(info.max, 60))
    if dtype == np.uint8 and not positive:
        lo, hi = 68, 188  # around the zero point 128
    return r.integers(lo, hi, size=shape, endpoint=True).astype(dtype)


# Structural builtins: (op, constant inputs after the data input, options, output (shape, dtype or
# None for the data type) list, number of data inputs).
I32C = lambda v, shape=None: (shape if shape is not None else [len(v)], np.int32, np.array(v, np.int32).reshape(shape if shape is not None else [len(v)]))  # noqa: E731
PROBE_STRUCTURAL = [
    ("REDUCE_MAX", [I32C([1])], ("ReducerOptions", {"keepDims": False}), [([2], None)], 1),
    ("REDUCE_MIN", [I32C([1])], ("ReducerOptions", {"keepDims": False}), [([2], None)], 1),
    ("REDUCE_PROD", [I32C([1])], ("ReducerOptions", {"keepDims": False}), [([2], None)], 1),
    ("SUM", [I32C([1])], ("ReducerOptions", {"keepDims": False}), [([2], None)], 1),
    ("MEAN", [I32C([1])], ("ReducerOptions", {"keepDims": False}), [([2], None)], 1),
    ("ARG_MAX", [I32C([1])], ("ArgMaxOptions", {"outputType": S.TensorType.INT32}), [([2], np.int32)], 1),
    ("ARG_MIN", [I32C([1])], ("ArgMinOptions", {"outputType": S.TensorType.INT32}), [([2], np.int32)], 1),
    ("CUMSUM", [I32C([1], [])], ("CumsumOptions", {"exclusive": False, "reverse": False}), [([2, 3], None)], 1),
    ("TRANSPOSE", [I32C([1, 0])], None, [([3, 2], None)], 1),
    ("GATHER", [I32C([2, 0])], ("GatherOptions", {"axis": 1, "batchDims": 0}), [([2, 2], None)], 1),
    ("REVERSE_V2", [I32C([1])], None, [([2, 3], None)], 1),
    ("TILE", [I32C([2, 1])], None, [([4, 3], None)], 1),
    ("PAD", [I32C([1, 0, 0, 1], [2, 2])], None, [([3, 4], None)], 1),
    ("SLICE", [I32C([0, 1]), I32C([2, 2])], None, [([2, 2], None)], 1),
    ("RESHAPE", [I32C([3, 2])], None, [([3, 2], None)], 1),
    ("BROADCAST_TO", [I32C([2, 2, 3])], None, [([2, 2, 3], None)], 1),
    ("EXPAND_DIMS", [I32C([1], [])], None, [([2, 1, 3], None)], 1),
    ("TOPK_V2", [I32C([2], [])], None, [([2, 2], None), ([2, 2], np.int32)], 1),
    ("CONCATENATION", [], ("ConcatenationOptions", {"axis": 1}), [([2, 6], None)], 2),
    ("PACK", [], ("PackOptions", {"valuesCount": 2, "axis": 0}), [([2, 2, 3], None)], 2),
]


def define_probe_cases():
    for op in PROBE_UNARY + PROBE_BINARY + PROBE_COMPARISON:
        for name, dtype in PROBE_TYPES.items():
            n = 1 if op in PROBE_UNARY else 2
            q = PROBE_Q.get(name)
            out_dtype = np.bool_ if op in PROBE_COMPARISON else dtype
            out_q = PROBE_FIXED_Q.get((op, name), q if out_dtype == dtype else None)
            model = single(op, [([2, 3], dtype, None, q) for _ in range(n)], [([2, 3], out_dtype, out_q)])
            if not probe_runs(model):
                continue
            positive = op in ("LOG", "SQRT", "RSQRT", "DIV", "FLOOR_DIV", "FLOOR_MOD", "POW")

            def gen(r, dtype=dtype, n=n, positive=positive):
                return [probe_values(dtype, r, [2, 3], positive) for _ in range(n)]
            add_flat(f"dtype_{op.lower()}", op, (lambda model=model: model), gen, scheme=name)
    for op, constants, options, outputs, n in PROBE_STRUCTURAL:
        for name, dtype in PROBE_TYPES.items():
            q = PROBE_Q.get(name)
            outs = [(shape, out or dtype, q if out is None else None) for shape, out in outputs]
            inputs = [([2, 3], dtype, None, q) for _ in range(n)] + [c + (None,) for c in constants]
            model = single(op, inputs, outs, options=options)
            if not probe_runs(model):
                continue

            def gen(r, dtype=dtype, n=n):
                return [probe_values(dtype, r, [2, 3]) for _ in range(n)]
            add_flat(f"dtype_{op.lower()}", op, (lambda model=model: model), gen, scheme=name)


# ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?", default=DEFAULT_OUT)
    parser.add_argument("--only", help="only cases whose name contains this text")
    args = parser.parse_args()
    tf.random.set_seed(0)
    define_cases()
    define_stablehlo_cases()
    define_probe_cases()
    os.makedirs(args.out, exist_ok=True)
    if not args.only:  # regenerate this script's cases from scratch, never touch the others
        for name in os.listdir(args.out):
            if name.startswith(PREFIX):
                shutil.rmtree(os.path.join(args.out, name))
    written = 0
    for index, (name, op, schemes, (make, inputs)) in enumerate(CASES):
        for scheme in schemes:
            case_name = f"{PREFIX}{name}_{scheme}"
            if args.only and args.only not in case_name:
                continue
            model, source = make(scheme)
            r = rng(5000 + index)
            ops = write_case(args.out, case_name, model, inputs(r), op, scheme, source)
            if op not in ops:
                print(f"warning: {case_name}: the model holds {ops}, not {op}", file=sys.stderr)
            written += 1
            print(f"{case_name}: {ops}")
    print(f"{written} cases in {os.path.relpath(args.out, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
