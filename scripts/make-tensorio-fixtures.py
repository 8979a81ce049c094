#!/usr/bin/env python3
"""Writes the .npy / .npz test fixtures of the TensorIO module.

Every valid file here is written by numpy itself (np.save, np.savez, np.savez_compressed,
np.lib.format.write_array), and next to it goes a JSON sidecar with what numpy says the file
holds, so the Swift tests compare Lockstep's reader against numpy rather than against itself.
Hostile files are crafted byte by byte (or by numpy, for the pickled object array).

Usage (numpy only; the fixtures committed in the repository were made with numpy 2.4.6):

    python3 -m venv /tmp/tio-venv && /tmp/tio-venv/bin/pip install numpy==2.4.6
    /tmp/tio-venv/bin/python scripts/make-tensorio-fixtures.py

Output: Tests/TensorIOTests/Fixtures/npy/ (the directory is emptied first).

Sidecar format (<name>.json; for .npz: {"entries": [{"name": ..., <sidecar>}, ...]}):
    dtype          Lockstep DType name (float32, int64, string, complex64, ...)
    descr          the numpy dtype string as written in the header
    shape          list of ints
    fortran_order  whether the header says fortran_order: True
    version        [major, minor] of the .npy format
    values         the elements, flat, in row-major (C) order:
                   numbers; booleans as true/false; NaN/inf as "nan"/"inf"/"-inf";
                   negative zero as -0.0; complex as [re, im]; unicode strings as strings;
                   byte strings (|S) as lists of byte values.
"""

import contextlib
import io
import json
import math
import os
import shutil
import struct
import sys
import time
import zipfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "TensorIOTests", "Fixtures", "npy")

LOCKSTEP_DTYPE = {
    "f2": "float16", "f4": "float32", "f8": "float64",
    "i1": "int8", "i2": "int16", "i4": "int32", "i8": "int64",
    "u1": "uint8", "u2": "uint16", "u4": "uint32", "u8": "uint64",
    "b1": "bool", "c8": "complex64", "c16": "complex128",
}


def lockstep_dtype(dt):
    if dt.kind in "US":
        return "string"
    return LOCKSTEP_DTYPE[f"{dt.kind}{dt.itemsize}"]


def real(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def element(dt, x):
    if dt.kind == "f":
        return real(x)
    if dt.kind == "c":
        return [real(x.real), real(x.imag)]
    if dt.kind == "b":
        return bool(x)
    if dt.kind in "iu":
        return int(x)
    if dt.kind == "U":
        return str(x)
    if dt.kind == "S":
        return list(bytes(x))
    raise ValueError(dt)


def sidecar(a, version=(1, 0)):
    """What numpy says `a` holds, as it will read back from the file."""
    fortran = bool(a.flags.f_contiguous and not a.flags.c_contiguous)
    flat = np.ascontiguousarray(a).reshape(-1)
    return {
        "dtype": lockstep_dtype(a.dtype),
        "descr": np.lib.format.dtype_to_descr(a.dtype),
        "shape": list(a.shape),
        "fortran_order": fortran,
        "version": list(version),
        "values": [element(a.dtype, x) for x in flat],
    }


def write_json(name, obj):
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(obj, f, sort_keys=True)
        f.write("\n")


def save(name, a, version=None):
    """numpy writes `a` to <name>.npy; its values go to <name>.json."""
    path = os.path.join(OUT, name + ".npy")
    if version is None:
        np.save(path, a)
        version = (1, 0)
    else:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, a, version=version)
    # Read back with numpy: the sidecar states what numpy reads, not what we meant to write.
    back = np.load(path)
    assert back.dtype == a.dtype and back.shape == a.shape
    info = sidecar(back, version)
    with open(path, "rb") as f:
        major = f.read(8)[6]
    assert major == version[0], (name, major, version)
    write_json(name, info)


def header_bytes(header, version=(1, 0), pad=True):
    """A .npy prefix + header the way numpy lays it out (for hand-made hostile files)."""
    h = header.encode("latin1")
    prefix_len = 10 if version[0] == 1 else 12
    if pad:
        hlen = len(h) + 1
        hlen += (64 - (prefix_len + hlen) % 64) % 64
        h = h + b" " * (hlen - len(h) - 1) + b"\n"
    fmt = "<H" if version[0] == 1 else "<I"
    return b"\x93NUMPY" + bytes(version) + struct.pack(fmt, len(h)) + h


@contextlib.contextmanager
def fixed_clock():
    """zipfile stamps entries with the current time; pin it so the archives are reproducible."""
    saved = time.time, time.localtime
    time.time = lambda: 315532800.0  # 1980-01-01 00:00:00 UTC, the ZIP epoch
    time.localtime = lambda secs=None: time.gmtime(315532800.0)
    try:
        yield
    finally:
        time.time, time.localtime = saved


def raw(name, data):
    with open(os.path.join(OUT, name + ".npy"), "wb") as f:
        f.write(data)


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    rng = np.random.default_rng(20240611)

    # ---- every dtype, C order, little endian -------------------------------------------------
    f2 = np.array([[0.0, -0.0, 1.0, -2.5, 65504.0, 6e-8],
                   [np.inf, -np.inf, np.nan, 0.1, -1e-5, 3.140625]], dtype="<f2")
    save("f2", f2)
    f4 = rng.standard_normal((3, 4)).astype("<f4")
    f4[0, 0], f4[0, 1], f4[0, 2], f4[0, 3] = np.nan, np.inf, -np.inf, -0.0
    f4[1, 0] = np.float32(1e-45)  # smallest subnormal
    f4[1, 1] = np.finfo(np.float32).max
    save("f4", f4)
    f8 = rng.standard_normal((2, 2, 3)).astype("<f8")
    f8[0, 0, 0], f8[0, 0, 1], f8[0, 0, 2] = -0.0, np.nan, 5e-324
    f8[1, 1, 2] = np.finfo(np.float64).max
    save("f8", f8)
    for kind in ("i", "u"):
        for size in (1, 2, 4, 8):
            dt = np.dtype(f"<{kind}{size}")
            info = np.iinfo(dt)
            vals = rng.integers(info.min, info.max, size=10, dtype=dt, endpoint=True)
            vals[0], vals[1], vals[2] = info.min, info.max, 0
            save(f"{kind}{size}", vals.reshape(2, 5))
    save("bool", np.array([[True, False, True], [False, False, True]]))
    c8 = (rng.standard_normal(5) + 1j * rng.standard_normal(5)).astype("<c8")
    c8[0] = complex(np.nan, -0.0)
    c8[1] = complex(np.inf, -np.inf)
    save("c8", c8)
    c16 = (rng.standard_normal((2, 2)) + 1j * rng.standard_normal((2, 2))).astype("<c16")
    c16[1, 1] = complex(-1.5, 1e300)
    save("c16", c16)

    # ---- strings ---------------------------------------------------------------------------
    save("unicode", np.array([["héllo", ""], ["日本語", "🙂 x"], ["a\x00b", "abcde"]], dtype="<U5"))
    save("bytes", np.array([b"ab", b"", b"\xff\x00z", b"hello"], dtype="|S5"))
    save("unicode_be", np.array(["ab", "ü", "🙂"], dtype=">U2"))
    save("unicode_fortran", np.asfortranarray(np.array([["a", "bb", "ccc"], ["dd", "e", ""]], dtype="<U3")))
    save("unicode_scalar", np.array("scalar ✓", dtype="<U8"))

    # ---- Fortran order -----------------------------------------------------------------------
    save("fortran_2d", np.asfortranarray(np.arange(12, dtype="<f4").reshape(3, 4) * 0.5 - 1))
    save("fortran_3d", np.asfortranarray(np.arange(24, dtype="<i2").reshape(2, 3, 4) - 7))
    save("fortran_be_f8", np.asfortranarray(rng.standard_normal((2, 3)).astype(">f8")))

    # ---- big endian ---------------------------------------------------------------------------
    be_f4 = rng.standard_normal((2, 3)).astype(">f4")
    be_f4[0, 0] = -0.0
    be_f4[0, 1] = np.nan
    save("be_f4", be_f4)
    save("be_i4", np.array([[-2147483648, -1, 0], [1, 65536, 2147483647]], dtype=">i4"))
    save("be_f2", np.array([1.0, -0.0, 65504.0, np.inf, 6e-8, -3.5], dtype=">f2"))
    save("be_c16", np.array([1 + 2j, -0.0 - 3.5j, complex(np.nan, np.inf)], dtype=">c16"))
    save("be_u8", np.array([0, 1, 2 ** 64 - 1, 2 ** 63], dtype=">u8"))

    # ---- format versions ----------------------------------------------------------------------
    save("v2", (np.arange(6, dtype="<f8").reshape(2, 3) / 4), version=(2, 0))
    save("v3", np.arange(5, dtype="<i4") * -3, version=(3, 0))
    save("v3_unicode", np.array(["ok", "ünï"], dtype="<U3"), version=(3, 0))

    # ---- shapes ---------------------------------------------------------------------------------
    save("scalar", np.array(3.5, dtype="<f8"))
    save("scalar_i8", np.array(-42, dtype="<i8"))
    save("empty", np.zeros((0, 3), dtype="<f4"))
    save("empty_1d", np.zeros((0,), dtype="<i8"))
    save("empty_unicode", np.zeros((2, 0), dtype="<U4"))
    save("long_1d", rng.standard_normal(300).astype("<f4"))

    # ---- npz ------------------------------------------------------------------------------------
    entries = [
        ("weights", rng.standard_normal((2, 3)).astype("<f4")),
        ("ids", np.array([7, -1, 2 ** 40, 0], dtype="<i8")),
        ("labels", np.array(["cat", "dög"], dtype="<U3")),
        ("scale", np.array(0.25, dtype="<f8")),
        ("mask", np.array([True, False, True])),
        ("empty", np.zeros((0, 2), dtype="<f2")),
        ("fortran", np.asfortranarray(np.arange(6, dtype="<u2").reshape(2, 3))),
        ("big_endian", np.array([1.5, -2.0], dtype=">f4")),
    ]
    for name, saver in (("stored", np.savez), ("deflated", np.savez_compressed)):
        path = os.path.join(OUT, name + ".npz")
        with fixed_clock():
            saver(path, **dict(entries))
        with np.load(path) as z:
            side = [dict(name=k, **sidecar(z[k])) for k in z.files]
        assert [e["name"] for e in side] == [n for n, _ in entries]
        write_json(name, {"entries": side})
    with zipfile.ZipFile(os.path.join(OUT, "stored.npz")) as z:
        assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())
    with zipfile.ZipFile(os.path.join(OUT, "deflated.npz")) as z:
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in z.infolist())

    # ---- hostile .npy -----------------------------------------------------------------------------
    good = header_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }") + b"\0" * 12
    raw("hostile_bad_magic", b"\x93NUMPX" + good[6:])
    raw("hostile_not_npy", b"PK\x03\x04 this is not a numpy file at all")
    raw("hostile_short_prefix", b"\x93NUMPY\x01")
    raw("hostile_bad_version", b"\x93NUMPY\x04\x00" + good[8:])
    raw("hostile_header_past_end",
        b"\x93NUMPY\x01\x00" + struct.pack("<H", 0xFFF0) + b"{'descr': '<f4', 'fortr")
    raw("hostile_header_past_end_v2",
        b"\x93NUMPY\x02\x00" + struct.pack("<I", 0xFFFFFFF0) + b"{'descr': '<f4'}")
    raw("hostile_truncated_data",
        header_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 1000), }") + b"\1" * 12)
    raw("hostile_huge_shape",
        header_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, "
                     "4611686018427387904), }") + b"\0" * 16)
    raw("hostile_huge_dim",
        header_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }"))
    raw("hostile_negative_dim",
        header_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 3), }") + b"\0" * 12)
    raw("hostile_unknown_descr",
        header_bytes("{'descr': '<x4', 'fortran_order': False, 'shape': (3,), }") + b"\0" * 12)
    raw("hostile_float128",
        header_bytes("{'descr': '<f16', 'fortran_order': False, 'shape': (1,), }") + b"\0" * 16)
    raw("hostile_code_in_header",
        header_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), "
                     "'x': __import__('os').system('true')}") + b"\0" * 12)
    raw("hostile_missing_key",
        header_bytes("{'descr': '<f4', 'shape': (3,), }") + b"\0" * 12)
    raw("hostile_shape_not_tuple",
        header_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': 3, }") + b"\0" * 12)
    raw("hostile_unterminated_string",
        header_bytes("{'descr': '<f4, 'fortran_order': False, 'shape': (3,), }") + b"\0" * 12)
    buf = io.BytesIO()
    np.save(buf, np.array([1, "two", None], dtype=object), allow_pickle=True)
    raw("hostile_object", buf.getvalue())
    buf = io.BytesIO()
    np.save(buf, np.zeros(2, dtype=[("a", "<f4"), ("b", "<i2")]))
    raw("hostile_structured", buf.getvalue())
    buf = io.BytesIO()
    np.save(buf, np.zeros(3, dtype="V2"))
    raw("hostile_void", buf.getvalue())
    buf = io.BytesIO()
    np.save(buf, np.array(["2024-01-01"], dtype="datetime64[s]"))
    raw("hostile_datetime", buf.getvalue())

    # ---- hostile .npz -----------------------------------------------------------------------------
    with fixed_clock():
        small = io.BytesIO()
        np.save(small, np.arange(3, dtype="<f4"))
        with zipfile.ZipFile(os.path.join(OUT, "hostile_traversal.npz"), "w") as z:
            z.writestr("../evil.npy", small.getvalue())
        with zipfile.ZipFile(os.path.join(OUT, "hostile_absolute.npz"), "w") as z:
            z.writestr("/etc/evil.npy", small.getvalue())
        # A tiny header declaring 4 floats, followed by 8 MiB of zeros that deflate to a few KiB.
        bomb = header_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }") + bytes(8 << 20)
        with zipfile.ZipFile(os.path.join(OUT, "hostile_bomb.npz"), "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("bomb.npy", bomb)
        # An entry whose header declares far more data than the entry holds.
        with zipfile.ZipFile(os.path.join(OUT, "hostile_entry_truncated.npz"), "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("big.npy",
                       header_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000,), }")
                       + b"\0" * 16)
        with open(os.path.join(OUT, "hostile_not_zip.npz"), "wb") as f:
            f.write(b"this is not a zip archive, just text\n" * 4)

    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files ({total} bytes) to {os.path.relpath(OUT, ROOT)}")
    if total > 300_000:
        sys.exit("fixtures are larger than 300 KB")


if __name__ == "__main__":
    main()
