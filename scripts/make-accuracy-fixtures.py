#!/usr/bin/env python3
"""Writes the image fixtures of the evaluation-set tests (committed) into
Tests/CheckingTests/Fixtures/accuracy/images/:

  tree/cat/a.png         RGB 5x4 (8-bit)              tree/dog/c.jpg   RGB 8x6 baseline JPEG, quality 95
  tree/cat/b.png         palette 5x4                   tree/dog/d.png   16-bit RGBA 5x4 (alpha dropped)
  tree/cat/notes.txt     ignored (not an image)        tree/preprocess.yaml
  gray.png               8-bit gray 3x2                expected.json    pixels as Pillow decodes them (RGB
                                                                        and L), for each file above
  bad/truncated.png, bad/truncated.jpg, bad/not-an-image.png, bad/huge.png (IHDR claims 200000 x 200000)

Run in the generator venv:  PY="$(bash scripts/generator-venv.sh)"; "$PY" scripts/make-accuracy-fixtures.py
"""

from __future__ import annotations

import json
import os
import struct
import zlib

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "CheckingTests", "Fixtures", "accuracy", "images")


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def main() -> None:
    rng = np.random.default_rng(5)
    for d in ["tree/cat", "tree/dog", "bad"]:
        os.makedirs(os.path.join(OUT, d), exist_ok=True)
    files = {}
    a = rng.integers(0, 256, size=(4, 5, 3), dtype=np.uint8)
    Image.fromarray(a, "RGB").save(os.path.join(OUT, "tree/cat/a.png"))
    files["tree/cat/a.png"] = None
    b = Image.fromarray(rng.integers(0, 256, size=(4, 5, 3), dtype=np.uint8), "RGB").quantize(colors=6)
    b.save(os.path.join(OUT, "tree/cat/b.png"))
    files["tree/cat/b.png"] = None
    with open(os.path.join(OUT, "tree/cat/notes.txt"), "w") as f:
        f.write("not an image; the loader skips it\n")
    gradient = np.stack([np.add.outer(np.arange(6) * 30, np.arange(8) * 12) % 256] * 3, axis=-1).astype(np.uint8)
    Image.fromarray(gradient, "RGB").save(os.path.join(OUT, "tree/dog/c.jpg"), quality=95)
    files["tree/dog/c.jpg"] = None
    rgba16 = rng.integers(0, 65536, size=(4, 5, 4), dtype=np.uint16)
    rgba16[..., 3] = 65535  # opaque, so dropping alpha is well defined
    raw = b"".join(b"\x00" + row.astype(">u2").tobytes() for row in rgba16)
    with open(os.path.join(OUT, "tree/dog/d.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 5, 4, 16, 6, 0, 0, 0))
                + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b""))
    files["tree/dog/d.png"] = None
    Image.fromarray(np.array([[0, 128, 255], [10, 20, 30]], dtype=np.uint8), "L").save(os.path.join(OUT, "gray.png"))
    files["gray.png"] = None
    with open(os.path.join(OUT, "tree/preprocess.yaml"), "w") as f:
        f.write("resize: [4, 4]\nchannels: rgb\nlayout: nchw\ndtype: float32\nmean: [0.5]\nstd: [0.25]\n")

    expected = {}
    for name in files:
        with Image.open(os.path.join(OUT, name)) as im:
            rgb = np.asarray(im.convert("RGB")) if im.mode != "I;16" else None
            if name.endswith("d.png"):
                # Pillow reads 16-bit RGBA as 8-bit RGBA already (the high byte); libpng's simplified API
                # reduces 16 to 8 bits with rounding (v * 255 + 32895) >> 16.
                rgb = ((rgba16[..., :3].astype(np.uint32) * 255 + 32895) >> 16).astype(np.uint8)
            gray = np.asarray(im.convert("L")) if not name.endswith("d.png") else None
        expected[name] = {"width": int(rgb.shape[1]), "height": int(rgb.shape[0]), "rgb": rgb.reshape(-1).tolist(),
                          "gray": None if gray is None else gray.reshape(-1).tolist()}
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"generator": "scripts/make-accuracy-fixtures.py", "pillow": Image.__version__, "files": expected}, f,
                  sort_keys=True)
        f.write("\n")

    png = open(os.path.join(OUT, "tree/cat/a.png"), "rb").read()
    open(os.path.join(OUT, "bad/truncated.png"), "wb").write(png[: len(png) // 2])
    jpg = open(os.path.join(OUT, "tree/dog/c.jpg"), "rb").read()
    open(os.path.join(OUT, "bad/truncated.jpg"), "wb").write(jpg[: len(jpg) // 2])
    open(os.path.join(OUT, "bad/not-an-image.png"), "w").write("hello\n")
    with open(os.path.join(OUT, "bad/huge.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 200000, 200000, 8, 2, 0, 0, 0))
                + png_chunk(b"IDAT", zlib.compress(b"\x00" * 10)) + png_chunk(b"IEND", b""))
    print(f"wrote {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
