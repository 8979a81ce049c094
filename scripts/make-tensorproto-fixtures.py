#!/usr/bin/env python3
"""Writes the ONNX TensorProto (.pb) test fixtures of the TensorIO module.

Every valid file is written by the onnx package itself (onnx.helper.make_tensor with raw=True
and raw=False, onnx.numpy_helper.from_array, onnx.external_data_helper), and next to it goes a
JSON sidecar with what onnx says the file holds: the script reads each written file back with
onnx.load_tensor + onnx.numpy_helper.to_array (ml_dtypes for the types numpy lacks), so the
Swift tests (Tests/TensorIOTests/TensorProtoTests.swift) compare Lockstep's decoder against
onnx rather than against itself. Hostile files are TensorProto messages with one thing wrong,
built with the onnx protobuf classes (or cut short by hand, for the truncated one).

Usage (the committed fixtures were made with onnx 1.23.2, numpy 2.4.6, ml_dtypes 0.6.0):

    ~/.cache/lockstep/venv/bin/python scripts/make-tensorproto-fixtures.py

Output: Tests/TensorIOTests/Fixtures/pb/ (the directory is emptied first), including README.md.

Sidecar format (<name>.json, one per valid .pb):
    name      the TensorProto's name
    dtype     Lockstep DType name (float32, float16, bfloat16, int4, string, complex64, ...)
    shape     list of ints ([] for a 0-d scalar)
    encoding  "raw" (raw_data), "typed" (float_data / int32_data / int64_data / double_data /
              uint64_data / string_data, as make_tensor(raw=False) chose) or "external"
    field     the protobuf field holding the data ("raw_data", "int32_data", ..., or the
              external file name)
    same_as   (typed files only) the raw-encoded file holding the same elements
    values    the elements, flat, in row-major (C) order, as onnx's to_array decodes them:
              integers as JSON integers; booleans as true/false; real floating-point values
              (float*, bfloat16, float8*, float4e2m1, float6*) as JSON numbers, with NaN /
              infinities as "nan" / "inf" / "-inf" and negative zero as "-0"; complex as
              [re, im] with the same conventions; strings as UTF-8 text.
"""

import json
import math
import os
import shutil
import sys

import ml_dtypes
import numpy as np
import onnx
from onnx import TensorProto, external_data_helper, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "TensorIOTests", "Fixtures", "pb")

RNG = np.random.default_rng(20250611)

# onnx data type code -> (Lockstep DType name, numpy / ml_dtypes element type or None for string)
TYPES = {
    TensorProto.FLOAT: ("float32", np.float32),
    TensorProto.FLOAT16: ("float16", np.float16),
    TensorProto.BFLOAT16: ("bfloat16", ml_dtypes.bfloat16),
    TensorProto.DOUBLE: ("float64", np.float64),
    TensorProto.INT8: ("int8", np.int8),
    TensorProto.UINT8: ("uint8", np.uint8),
    TensorProto.INT16: ("int16", np.int16),
    TensorProto.UINT16: ("uint16", np.uint16),
    TensorProto.INT32: ("int32", np.int32),
    TensorProto.UINT32: ("uint32", np.uint32),
    TensorProto.INT64: ("int64", np.int64),
    TensorProto.UINT64: ("uint64", np.uint64),
    TensorProto.BOOL: ("bool", np.bool_),
    TensorProto.STRING: ("string", None),
    TensorProto.COMPLEX64: ("complex64", np.complex64),
    TensorProto.COMPLEX128: ("complex128", np.complex128),
    TensorProto.FLOAT8E4M3FN: ("float8e4m3fn", ml_dtypes.float8_e4m3fn),
    TensorProto.FLOAT8E4M3FNUZ: ("float8e4m3fnuz", ml_dtypes.float8_e4m3fnuz),
    TensorProto.FLOAT8E5M2: ("float8e5m2", ml_dtypes.float8_e5m2),
    TensorProto.FLOAT8E5M2FNUZ: ("float8e5m2fnuz", ml_dtypes.float8_e5m2fnuz),
    TensorProto.FLOAT8E8M0: ("float8e8m0", ml_dtypes.float8_e8m0fnu),
    TensorProto.INT4: ("int4", ml_dtypes.int4),
    TensorProto.UINT4: ("uint4", ml_dtypes.uint4),
    TensorProto.INT2: ("int2", ml_dtypes.int2),
    TensorProto.UINT2: ("uint2", ml_dtypes.uint2),
    TensorProto.FLOAT4E2M1: ("float4e2m1", ml_dtypes.float4_e2m1fn),
    TensorProto.FLOAT6E2M3: ("float6e2m3", ml_dtypes.float6_e2m3fn),
    TensorProto.FLOAT6E3M2: ("float6e3m2", ml_dtypes.float6_e3m2fn),
}

# Every .pb written, with the reason it exists (goes into README.md).
README_ROWS = []


def real(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0 and math.copysign(1.0, x) < 0:
        return "-0"
    return x


def json_values(code, array):
    flat = array.reshape(-1)
    if code == TensorProto.STRING:
        return [v if isinstance(v, str) else v.decode("utf-8") for v in flat.tolist()]
    if code == TensorProto.BOOL:
        return [bool(v) for v in flat]
    if code in (TensorProto.COMPLEX64, TensorProto.COMPLEX128):
        return [[real(v.real), real(v.imag)] for v in flat]
    kind = TYPES[code][1]
    if kind in (ml_dtypes.int4, ml_dtypes.uint4, ml_dtypes.int2, ml_dtypes.uint2) or np.issubdtype(
        np.dtype(kind), np.integer
    ):
        return [int(v) for v in flat]
    return [real(v) for v in flat]


def bits(code, array):
    """Bytes that identify every element exactly (for checking raw vs typed equality here)."""
    if code == TensorProto.STRING:
        return [v.encode("utf-8") if isinstance(v, str) else v for v in array.reshape(-1).tolist()]
    return np.ascontiguousarray(array).tobytes()


def write_pb(name, tensor, why):
    path = os.path.join(OUT, name + ".pb")
    with open(path, "wb") as f:
        f.write(tensor.SerializeToString())
    README_ROWS.append((name + ".pb", why))
    return path


def write_valid(name, tensor, why, encoding, field, same_as=None):
    """Writes `tensor`, reads it back with onnx and writes the sidecar from what onnx decodes."""
    path = write_pb(name, tensor, why)
    reread = onnx.load_tensor(path)
    array = numpy_helper.to_array(reread, base_dir=OUT)
    code = reread.data_type
    sidecar = {
        "name": reread.name,
        "dtype": TYPES[code][0],
        "shape": [int(d) for d in reread.dims],
        "encoding": encoding,
        "field": field,
    }
    assert list(array.shape) == sidecar["shape"], (name, array.shape)
    if same_as:
        sidecar["same_as"] = same_as + ".pb"
    sidecar["values"] = json_values(code, array)
    with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(sidecar, ensure_ascii=False) + "\n")
    return array


def pair(code, stem, values, shape, why):
    """`<stem>_raw.pb` (make_tensor raw=True) and `<stem>_typed.pb` (make_tensor raw=False) of the same elements."""
    lockstep, kind = TYPES[code]
    array = np.asarray(values, dtype=kind).reshape(shape)
    field = helper.tensor_dtype_to_field(code)
    typed_tensor = helper.make_tensor(stem, code, shape, array, raw=False)
    if code == TensorProto.STRING:
        typed = write_valid(stem, typed_tensor, why + " (string_data; strings have no raw encoding)", "typed", field)
        return typed
    raw_tensor = helper.make_tensor(stem, code, shape, array, raw=True)
    raw = write_valid(stem + "_raw", raw_tensor, why + " (raw_data)", "raw", "raw_data")
    typed = write_valid(stem + "_typed", typed_tensor, why + f" ({field}, same elements as {stem}_raw.pb)",
                        "typed", field, same_as=stem + "_raw")
    # onnx must read both encodings back to the very same elements, or the pair proves nothing.
    assert raw.dtype == typed.dtype and bits(code, raw) == bits(code, typed), f"{stem}: raw and typed differ in onnx"
    assert bits(code, raw) == bits(code, array), f"{stem}: onnx did not read back what was written"
    return raw


def all_codes(code, stem, count, why):
    """Every bit pattern of a small float type, raw-encoded (make_tensor raw=True)."""
    kind = TYPES[code][1]
    array = np.arange(count, dtype=np.uint8).view(kind)
    tensor = helper.make_tensor(stem, code, [count], array, raw=True)
    decoded = write_valid(stem, tensor, why, "raw", "raw_data")
    assert np.ascontiguousarray(decoded).view(np.uint8).tolist() == list(range(count)), stem


def codes(kind, raw_codes):
    return np.array(raw_codes, dtype=np.uint8).view(kind)


def make_valid():
    f32 = np.float32
    # float32: 3-D [2, 3, 2] with NaN, ±Inf, −0, extremes, subnormals and random values.
    v = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1.0, -1.5,
         np.finfo(f32).max, np.finfo(f32).min, np.finfo(f32).tiny, np.float32(1e-45), -np.float32(1e-45)]
    pair(TensorProto.FLOAT, "float32_3d", v, [2, 3, 2], "float32, 3-D [2,3,2]: NaN, ±Inf, −0, max/min, smallest normal and subnormal")
    pair(TensorProto.FLOAT, "float32_random", RNG.standard_normal(7).astype(f32), [7], "float32, 7 random normal values")
    # float16: subnormals, max, ±Inf, NaN.
    h = np.float16
    v = [np.nan, np.inf, -np.inf, -0.0, 0.0, 65504.0, -65504.0, 2.0 ** -24, -(2.0 ** -24), 1023 * 2.0 ** -24,
         2.0 ** -14, 1.0 / 3.0, -2.5]
    pair(TensorProto.FLOAT16, "float16", np.array(v, dtype=h), [13],
         "float16: NaN, ±Inf, −0, ±max, smallest and largest subnormal, smallest normal, 1/3 rounded")
    b = ml_dtypes.bfloat16
    v = [np.nan, np.inf, -np.inf, -0.0, 0.0, float(ml_dtypes.finfo(b).max), float(ml_dtypes.finfo(b).min),
         float(ml_dtypes.finfo(b).tiny), float(ml_dtypes.finfo(b).smallest_subnormal), 3.140625, -1.0]
    pair(TensorProto.BFLOAT16, "bfloat16", np.array(v, dtype=b), [11],
         "bfloat16: NaN, ±Inf, −0, ±max, smallest normal and subnormal")
    v = [np.nan, np.inf, -np.inf, -0.0, 0.0, np.finfo(np.float64).max, np.finfo(np.float64).min,
         np.finfo(np.float64).tiny, 5e-324, math.pi, 0.1]
    pair(TensorProto.DOUBLE, "float64", v, [11], "float64: NaN, ±Inf, −0, ±max, smallest normal and subnormal, π, 0.1")

    for code, kind in [(TensorProto.INT8, np.int8), (TensorProto.UINT8, np.uint8), (TensorProto.INT16, np.int16),
                       (TensorProto.UINT16, np.uint16), (TensorProto.INT32, np.int32), (TensorProto.UINT32, np.uint32),
                       (TensorProto.INT64, np.int64), (TensorProto.UINT64, np.uint64)]:
        info = np.iinfo(kind)
        rnd = RNG.integers(info.min, info.max, size=4, dtype=kind, endpoint=True)
        v = np.array([info.min, info.max, 0, 1, info.max - 1, info.min + 1 if info.min else 2], dtype=kind)
        v = np.concatenate([v, rnd]).reshape(2, 5)
        name = TYPES[code][0]
        pair(code, name, v, [2, 5], f"{name}, [2,5]: min, max, 0, 1, max−1, min+1 and 4 random values")

    pair(TensorProto.BOOL, "bool", [True, False, True, True, False], [5], "bool: 5 values")
    pair(TensorProto.STRING, "string", ["", "hello", "ünïcödé ✓ 🙂", "tab\tand\nnewline", "x" * 40, "a\u0000b"], [2, 3],
         "string, [2,3]: empty, ASCII, non-ASCII UTF-8, control characters, an embedded NUL")

    c = [complex(1, 2), complex(np.nan, -0.0), complex(np.inf, -np.inf), complex(-0.0, 3.5), complex(1e-45, -1e30)]
    pair(TensorProto.COMPLEX64, "complex64", np.array(c, dtype=np.complex64), [5],
         "complex64: NaN, ±Inf and −0 parts (float_data holds re, im pairs)")
    c = [complex(1, 2), complex(np.nan, -0.0), complex(np.inf, -np.inf), complex(-0.0, math.pi), complex(5e-324, -1e300)]
    pair(TensorProto.COMPLEX128, "complex128", np.array(c, dtype=np.complex128), [5],
         "complex128: NaN, ±Inf and −0 parts (double_data holds re, im pairs)")

    # float8: a shared set of codes both encodings carry unchanged through make_tensor (its typed
    # path casts with saturation, which turns ±Inf into ±max and NaN payloads into one NaN), plus
    # every one of the 256 codes raw-encoded.
    e4 = ml_dtypes.float8_e4m3fn
    pair(TensorProto.FLOAT8E4M3FN, "float8e4m3fn", codes(e4, [0x7f, 0x80, 0x00, 0x7e, 0xfe, 0x01, 0x81, 0x38, 0x08]), [9],
         "float8e4m3fn: NaN, −0, 0, ±448 (max), ±smallest subnormal, 1, smallest normal")
    pair(TensorProto.FLOAT8E4M3FNUZ, "float8e4m3fnuz",
         codes(ml_dtypes.float8_e4m3fnuz, [0x80, 0x00, 0x7f, 0xff, 0x01, 0x81, 0x40, 0x08]), [8],
         "float8e4m3fnuz: NaN (0x80), 0, ±240 (max), ±smallest subnormal, 1, smallest normal")
    pair(TensorProto.FLOAT8E5M2, "float8e5m2", codes(ml_dtypes.float8_e5m2, [0x7e, 0x80, 0x00, 0x7b, 0xfb, 0x01, 0x81, 0x3c]), [8],
         "float8e5m2: NaN, −0, 0, ±57344 (max), ±smallest subnormal, 1 (±Inf only in the all-codes file: "
         "make_tensor(raw=False) saturates them)")
    pair(TensorProto.FLOAT8E5M2FNUZ, "float8e5m2fnuz",
         codes(ml_dtypes.float8_e5m2fnuz, [0x80, 0x00, 0x7f, 0xff, 0x01, 0x81, 0x40]), [7],
         "float8e5m2fnuz: NaN (0x80), 0, ±max, ±smallest subnormal, 1")
    pair(TensorProto.FLOAT8E8M0, "float8e8m0", codes(ml_dtypes.float8_e8m0fnu, [0xff, 0x7f, 0x01, 0xfe, 0x80, 0x7e]), [6],
         "float8e8m0: NaN (0xff), 1, 2^-126, 2^127, 2, 0.5 (code 0 = 2^-127 only in the all-codes file: "
         "make_tensor(raw=False) turns it into 2^-126)")
    for code, stem in [(TensorProto.FLOAT8E4M3FN, "float8e4m3fn"), (TensorProto.FLOAT8E4M3FNUZ, "float8e4m3fnuz"),
                       (TensorProto.FLOAT8E5M2, "float8e5m2"), (TensorProto.FLOAT8E5M2FNUZ, "float8e5m2fnuz"),
                       (TensorProto.FLOAT8E8M0, "float8e8m0")]:
        all_codes(code, stem + "_all_codes", 256, f"{stem}: all 256 codes 0x00…0xff in order (raw_data)")

    # Packed sub-byte types: odd element counts (the last byte is half / partly padding).
    pair(TensorProto.INT4, "int4", np.array(list(range(-8, 8)) + [-8], dtype=ml_dtypes.int4), [17],
         "int4: −8…7 and −8 again, 17 elements (odd: last byte half padding)")
    pair(TensorProto.UINT4, "uint4", np.array(list(range(16)) + [15], dtype=ml_dtypes.uint4), [17],
         "uint4: 0…15 and 15 again, 17 elements (odd)")
    pair(TensorProto.INT4, "int4_3d", np.array([[[-8, 7, -1]], [[0, 1, -2]], [[3, -3, 5]]], dtype=ml_dtypes.int4), [3, 1, 3],
         "int4, 3-D [3,1,3] (9 elements, odd)")
    pair(TensorProto.FLOAT4E2M1, "float4e2m1", codes(ml_dtypes.float4_e2m1fn, list(range(16)) + [0x7]), [17],
         "float4e2m1: all 16 codes and 6.0 again, 17 elements (odd)")
    pair(TensorProto.INT2, "int2", np.array([-2, -1, 0, 1, 1, -2, 0], dtype=ml_dtypes.int2), [7],
         "int2: −2…1, 7 elements (last byte one quarter padding)")
    pair(TensorProto.UINT2, "uint2", np.array([0, 1, 2, 3, 3], dtype=ml_dtypes.uint2), [5],
         "uint2: 0…3 and 3 again, 5 elements")

    # float6 (onnx 1.23 types 27 and 28): raw_data is the packed 6-bit stream (4 codes in 3 bytes),
    # typed int32_data holds one code per element (onnx.helper.make_tensor, numpy_helper.to_array).
    pair(TensorProto.FLOAT6E2M3, "float6e2m3", codes(ml_dtypes.float6_e2m3fn, [0x08, 0x1f, 0x3f, 0x20, 0x01]), [5],
         "float6e2m3: 1, 7.5 (max), −7.5, −0, smallest subnormal; 5 elements")
    pair(TensorProto.FLOAT6E3M2, "float6e3m2", codes(ml_dtypes.float6_e3m2fn, [0x0c, 0x1f, 0x3f, 0x20, 0x01]), [5],
         "float6e3m2: 1, 28 (max), −28, −0, smallest subnormal; 5 elements")
    all_codes(TensorProto.FLOAT6E2M3, "float6e2m3_all_codes", 64, "float6e2m3: all 64 codes in order (raw_data, 48 packed bytes)")
    all_codes(TensorProto.FLOAT6E3M2, "float6e3m2_all_codes", 64, "float6e3m2: all 64 codes in order (raw_data, 48 packed bytes)")

    # raw_data of 1 KiB or more (Lockstep's reader may view large raw_data in the mapped file
    # rather than in the unpacked message; these exercise that path).
    big = RNG.standard_normal((16, 17)).astype(f32)
    big.reshape(-1)[:4] = [np.nan, -0.0, np.inf, -np.inf]
    pair(TensorProto.FLOAT, "float32_large", big, [16, 17], "float32 [16,17], 1088 bytes of raw_data: NaN, −0, ±Inf, random")
    pair(TensorProto.INT4, "int4_large", RNG.integers(-8, 8, size=2049).astype(ml_dtypes.int4), [2049],
         "int4 [2049], 1025 bytes of raw_data (odd count)")

    # Shapes: 0-d scalars and empty tensors.
    pair(TensorProto.FLOAT, "scalar_float32", np.array(-0.0, dtype=f32), [], "0-d float32 scalar holding −0")
    pair(TensorProto.INT64, "scalar_int64", np.array(np.iinfo(np.int64).min, dtype=np.int64), [], "0-d int64 scalar holding int64 min")
    pair(TensorProto.FLOAT, "empty_float32", np.zeros((2, 0, 3), dtype=f32), [2, 0, 3],
         "empty float32 [2,0,3] (a 0 in dims; raw_data present but empty)")
    pair(TensorProto.INT4, "empty_int4", np.zeros((0,), dtype=ml_dtypes.int4), [0], "empty int4 [0]")
    pair(TensorProto.STRING, "empty_string", np.zeros((0, 2), dtype=object), [0, 2], "empty string [0,2]")
    from_array = numpy_helper.from_array(RNG.standard_normal((3, 4)).astype(np.float64), name="from_array_float64")
    write_valid("from_array_float64", from_array, "float64 [3,4] written by numpy_helper.from_array (raw_data)", "raw", "raw_data")


def external(name, array, location, why, offset=None):
    """A tensor whose data onnx.external_data_helper.save_external_data appends to `location`."""
    tensor = numpy_helper.from_array(array, name=name)
    bin_path = os.path.join(OUT, location)
    if not os.path.exists(bin_path):
        open(bin_path, "wb").close()
        README_ROWS.append((location, "external data file written by onnx.external_data_helper.save_external_data"))
    external_data_helper.set_external_data(tensor, location, offset=offset)
    external_data_helper.save_external_data(tensor, OUT)
    tensor.ClearField("raw_data")
    write_valid(name, tensor, why, "external", location)


def make_external():
    external("external_float32", RNG.standard_normal((4, 3)).astype(np.float32), "external_float32.bin",
             "float32 [4,3] whose data lives in external_float32.bin (offset 0, length 48)")
    external("external_shared_uint8", np.arange(5, dtype=np.uint8) * 51, "external_shared.bin",
             "uint8 [5] at offset 0 of external_shared.bin")
    external("external_shared_float32", np.array([1.5, -0.0, np.inf, np.nan], dtype=np.float32), "external_shared.bin",
             "float32 [4] at offset 5 of external_shared.bin (not 4-byte aligned: read through a copy)")
    external("external_shared_float64", np.array([[math.pi, -math.e], [np.nan, -np.inf]]), "external_shared.bin",
             "float64 [2,2] at offset 64 of external_shared.bin (zero padding before it)", offset=64)
    external("external_shared_int4", np.array([-8, 7, 3], dtype=ml_dtypes.int4), "external_shared.bin",
             "int4 [3] packed in 2 bytes after the float64 tensor in external_shared.bin")


def make_hostile():
    """Messages with exactly one thing wrong. Each must be refused with a clear reason."""
    def base(name="t", data_type=TensorProto.FLOAT, dims=(4,)):
        t = TensorProto()
        t.name = name
        t.data_type = data_type
        t.dims.extend(dims)
        return t

    good = helper.make_tensor("t", TensorProto.FLOAT, [16], np.arange(16, dtype=np.float32), raw=True).SerializeToString()
    path = os.path.join(OUT, "bad_truncated.pb")
    with open(path, "wb") as f:
        f.write(good[: len(good) - 20])
    README_ROWS.append(("bad_truncated.pb", "hostile: a valid float32 [16] message cut 20 bytes short, inside raw_data"))

    t = base()
    t.raw_data = np.arange(3, dtype=np.float32).tobytes()
    write_pb("bad_raw_length", t, "hostile: float32 [4] with 12 bytes of raw_data (16 needed)")

    t = base(dims=(256,))
    t.raw_data = bytes(1028)
    write_pb("bad_raw_length_large", t, "hostile: float32 [256] with 1028 bytes of raw_data (1024 needed; large raw_data)")

    big = helper.make_tensor("t", TensorProto.FLOAT, [512], np.arange(512, dtype=np.float32), raw=True).SerializeToString()
    with open(os.path.join(OUT, "bad_truncated_large.pb"), "wb") as f:
        f.write(big[: len(big) - 1000])
    README_ROWS.append(("bad_truncated_large.pb", "hostile: a float32 [512] message (2048 bytes of raw_data) cut 1000 bytes short"))

    t = base(data_type=TensorProto.UNDEFINED)
    t.raw_data = bytes(16)
    write_pb("bad_dtype_undefined", t, "hostile: data_type 0 (UNDEFINED) set explicitly")

    t = TensorProto()
    t.name = "t"
    t.dims.extend([4])
    t.raw_data = bytes(16)
    write_pb("bad_dtype_missing", t, "hostile: no data_type field at all")

    t = base(data_type=999)
    t.raw_data = bytes(16)
    write_pb("bad_dtype_999", t, "hostile: unknown data_type 999")

    t = base()
    t.float_data.extend([1.0, 2.0, 3.0])
    write_pb("bad_float_data_count", t, "hostile: float32 [4] with 3 values in float_data")

    t = base(data_type=TensorProto.INT64, dims=(2, 2))
    t.int64_data.extend([1, 2, 3, 4, 5])
    write_pb("bad_int64_data_count", t, "hostile: int64 [2,2] with 5 values in int64_data")

    t = base(data_type=TensorProto.STRING, dims=(3,))
    t.string_data.extend([b"a", b"b"])
    write_pb("bad_string_count", t, "hostile: string [3] with 2 strings")

    t = base()
    write_pb("bad_no_data", t, "hostile: float32 [4] with no data in any field")

    t = base(dims=(2, -3))
    write_pb("bad_negative_dim", t, "hostile: dims [2,-3]")

    t = base(dims=(1 << 40, 1 << 40))
    t.raw_data = bytes(4)
    write_pb("bad_huge_dims", t, "hostile: dims [2^40, 2^40] (element count overflows)")

    t = base()
    t.raw_data = bytes(16)
    t.segment.begin = 0
    t.segment.end = 4
    write_pb("bad_segment", t, "hostile: a segmented tensor (TensorProto.segment), which onnx's to_array refuses too")

    open(os.path.join(OUT, "bad_empty.pb"), "wb").close()
    README_ROWS.append(("bad_empty.pb", "hostile: a 0-byte file (protobuf reads it as a TensorProto with no fields)"))

    path = os.path.join(OUT, "bad_malformed.pb")
    with open(path, "wb") as f:
        f.write(bytes([0x08, 0x04, 0x0f, 0xff, 0xff]))  # field 1 varint, then a field with wire type 7
    README_ROWS.append(("bad_malformed.pb", "hostile: not protobuf (wire type 7 after the first field)"))

    def external_t(name, entries, dtype=TensorProto.FLOAT, dims=(4,)):
        t = base(name, dtype, dims)
        t.data_location = TensorProto.EXTERNAL
        for k, v in entries:
            e = t.external_data.add()
            e.key = k
            e.value = v
        return t

    write_pb("bad_external_parent", external_t("t", [("location", "../x.bin")]),
             "hostile: external location '../x.bin' leaves the folder")
    write_pb("bad_external_absolute", external_t("t", [("location", "/etc/hostname"), ("length", "16")]),
             "hostile: absolute external location '/etc/hostname'")
    with open(os.path.join(OUT, "bad_external_short.bin"), "wb") as f:
        f.write(bytes(8))
    README_ROWS.append(("bad_external_short.bin", "8 zero bytes, the data file of the bad_external_*past_end.pb files"))
    write_pb("bad_external_length_past_end",
             external_t("t", [("location", "bad_external_short.bin"), ("offset", "0"), ("length", "16")]),
             "hostile: external length 16 but bad_external_short.bin has 8 bytes")
    write_pb("bad_external_offset_past_end",
             external_t("t", [("location", "bad_external_short.bin"), ("offset", "100"), ("length", "16")]),
             "hostile: external offset 100 past the end of the 8-byte bad_external_short.bin")
    write_pb("bad_external_implicit_length_past_end",
             external_t("t", [("location", "bad_external_short.bin")]),
             "hostile: no external length; float32 [4] needs 16 bytes, bad_external_short.bin has 8")
    write_pb("bad_external_length_mismatch",
             external_t("t", [("location", "external_shared.bin"), ("offset", "0"), ("length", "12")]),
             "hostile: external length 12 for float32 [4] (16 bytes), inside a file that is long enough")
    write_pb("bad_external_missing", external_t("t", [("location", "missing.bin")]),
             "hostile: external location 'missing.bin' does not exist")
    write_pb("bad_external_no_location", external_t("t", [("offset", "0"), ("length", "16")]),
             "hostile: data_location EXTERNAL without a 'location' entry")
    write_pb("bad_external_negative_offset",
             external_t("t", [("location", "external_shared.bin"), ("offset", "-4")]),
             "hostile: external offset '-4'")


def onnx_says(path):
    """What onnx itself makes of a hostile file (for the README)."""
    try:
        t = onnx.load_tensor(path)
        numpy_helper.to_array(t, base_dir=OUT)
        return "accepted"
    except Exception as e:  # noqa: BLE001 - any failure is the answer
        text = str(e).split("\n")[0].replace(OUT, "<this folder>")
        return f"{type(e).__name__}: {text[:140]}"


def write_readme():
    lines = [
        "# TensorProto (.pb) fixtures",
        "",
        "Generated by `scripts/make-tensorproto-fixtures.py` (onnx "
        f"{onnx.__version__}, numpy {np.__version__}, ml_dtypes {ml_dtypes.__version__}); do not edit by hand,",
        "re-run the script. Checked by `Tests/TensorIOTests/TensorProtoTests.swift`.",
        "",
        "Every valid `<name>.pb` was written by the onnx package (`helper.make_tensor` with `raw=True` /",
        "`raw=False`, `numpy_helper.from_array`, `external_data_helper`) and has a `<name>.json` sidecar",
        "with the dtype, shape and flat row-major values that `onnx.numpy_helper.to_array` reads back",
        "from the written file (format: see the script's docstring). `*_raw.pb` / `*_typed.pb` pairs hold",
        "the same elements in `raw_data` and in the typed field `make_tensor(raw=False)` chooses;",
        "the script asserts onnx reads both back bit-identically. `bad_*.pb` files are hostile: each has",
        "one thing wrong and must be refused.",
        "",
        "float6e2m3 / float6e3m2 (onnx types 27 and 28) are covered too. Their `*_typed.pb` files",
        "(one 6-bit code per `int32_data` value, as onnx writes and reads them) are refused by",
        "Lockstep's decoder, which expects packed codes there: a known decoder defect, listed in",
        "`knownDefects` in the tests.",
        "",
        "| file | why |",
        "|---|---|",
    ]
    for name, why in sorted(README_ROWS):
        lines.append(f"| `{name}` | {why} |")
    lines += ["", "## What onnx itself says about the hostile files", "",
              "(`onnx.load_tensor` + `numpy_helper.to_array(base_dir=<this folder>)`)", "",
              "| file | onnx |", "|---|---|"]
    for name, _ in sorted(README_ROWS):
        if name.startswith("bad_") and name.endswith(".pb"):
            lines.append(f"| `{name}` | {onnx_says(os.path.join(OUT, name)).replace('|', '/')} |")
    with open(os.path.join(OUT, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def main():
    if onnx.__version__ != "1.23.2":
        print(f"warning: the committed fixtures were made with onnx 1.23.2, this is {onnx.__version__}", file=sys.stderr)
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    make_valid()
    make_external()
    make_hostile()
    write_readme()
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    assert total < 200_000, f"fixtures too large: {total} bytes"
    print(f"wrote {len(os.listdir(OUT))} files, {total} bytes, to {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
