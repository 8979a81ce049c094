"""Writes golden cases in Lockstep's layout (docs/check.md, "Golden store"), for the capture tools.

A case is golden/<suite>/<case>/manifest.yaml + inputs/*.npy + outputs/*.npy. Every file has its
sha256, element type, shape and provenance (runtime, version, command). Cases are in the *source*
model's terms (the ONNX model's input/output names, layouts and real values); a tool that runs
another form adapts the inputs to it and maps its outputs back. Existing cases are never replaced
without force=True. Only numpy and the standard library are used.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
import sys

import numpy as np

# numpy dtype -> Lockstep DType name (Sources/LockstepCore/DType.swift).
DTYPES = {
    "float32": "float32", "float16": "float16", "float64": "float64", "int8": "int8", "uint8": "uint8",
    "int16": "int16", "uint16": "uint16", "int32": "int32", "uint32": "uint32", "int64": "int64",
    "uint64": "uint64", "bool": "bool",
}


def file_stem(name: str) -> str:
    """Lockstep's GoldenStore.fileStem: letters, digits, '.', '-', '_' kept, others '_'."""
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    return "_" + stem if stem == "" or stem.startswith(".") else stem


def command_line() -> str:
    return " ".join([os.path.relpath(sys.argv[0])] + sys.argv[1:])


def read_inputs(directory: str, names: list[str]) -> dict[str, np.ndarray]:
    """`<name>.npy`, `<file stem>.npy` or `input_<i>.npy` for each input name, as `lockstep run` finds them."""
    out = {}
    for i, name in enumerate(names):
        for candidate in (name + ".npy", file_stem(name) + ".npy", f"input_{i}.npy"):
            path = os.path.join(directory, candidate)
            if os.path.isfile(path):
                out[name] = np.load(path, allow_pickle=False)
                break
        else:
            raise SystemExit(f"{directory}: no file for input '{name}' ({name}.npy, {file_stem(name)}.npy or input_{i}.npy)")
    return out


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def _entries(lines: list[str], key: str, entries: list[dict]) -> None:
    if not entries:
        lines.append(f"{key}: []")
        return
    lines.append(f"{key}:")
    for e in entries:
        lines.append(f"  - name: {_q(e['name'])}")
        lines.append(f"    file: {_q(e['file'])}")
        lines.append(f"    dtype: {e['dtype']}")
        lines.append(f"    shape: [{', '.join(str(d) for d in e['shape'])}]")
        lines.append(f"    sha256: {_q(e['sha256'])}")
        if e.get("tolerance"):
            lines.append("    tolerance: {" + ", ".join(f"{k}: {v}" for k, v in e["tolerance"].items()) + "}")
        p = e["provenance"]
        lines.append("    provenance:")
        for k in ("runtime", "version", "command", "form"):
            if p.get(k) is not None:
                lines.append(f"      {k}: {_q(p[k])}")


def write_case(case_dir: str, inputs: list[tuple[str, np.ndarray, dict]], outputs: list[tuple[str, np.ndarray, dict]],
               model_path: str | None, force: bool, tool: str) -> str:
    """Writes the case; each entry is (tensor name, array, provenance dict). Returns the manifest path."""
    manifest = os.path.join(case_dir, "manifest.yaml")
    if os.path.exists(manifest) and not force:
        raise SystemExit(f"{manifest}: exists; pass --force to overwrite it")
    case = os.path.basename(os.path.normpath(case_dir))
    suite = os.path.basename(os.path.dirname(os.path.normpath(case_dir)))
    if not case or not suite or case in (".", "..") or suite in (".", ".."):
        raise SystemExit(f"{case_dir}: a golden case folder is <suite>/<case> (e.g. golden/mnist/digit-7)")
    if not outputs:
        raise SystemExit(f"{case_dir}: a golden case needs at least one output")
    for folder in ("inputs", "outputs"):
        path = os.path.join(case_dir, folder)
        if force and os.path.isdir(path):
            shutil.rmtree(path)
        os.makedirs(path, exist_ok=True)

    def record(entries, folder):
        used, out = set(), []
        for name, array, provenance in entries:
            array = np.ascontiguousarray(array)
            if array.dtype.name not in DTYPES:
                raise SystemExit(f"{name}: element type {array.dtype} has no Lockstep name")
            stem = file_stem(name)
            if stem in used:
                i = 1
                while f"{stem}_{i}" in used:
                    i += 1
                stem = f"{stem}_{i}"
            used.add(stem)
            relative = f"{folder}/{stem}.npy"
            path = os.path.join(case_dir, relative)
            np.save(path, array, allow_pickle=False)
            out.append({"name": name, "file": relative, "dtype": DTYPES[array.dtype.name], "shape": list(array.shape),
                        "sha256": sha256_file(path), "provenance": provenance})
        return out

    created = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.datetime.fromtimestamp(int(created), datetime.timezone.utc) if created else datetime.datetime.now(datetime.timezone.utc)
    lines = [f"# Written by {tool}; do not edit by hand (docs/check.md).", "schema: 1", f"suite: {_q(suite)}", f"case: {_q(case)}",
             f"created: {_q(when.strftime('%Y-%m-%dT%H:%M:%SZ'))}"]
    if model_path:
        lines += ["model:", f"  path: {_q(model_path)}", f"  sha256: {_q(sha256_file(model_path))}"]
    _entries(lines, "inputs", record(inputs, "inputs"))
    _entries(lines, "outputs", record(outputs, "outputs"))
    with open(manifest, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return manifest


def layout_back(array: np.ndarray, shape: list | None) -> tuple[np.ndarray, str | None]:
    """Transposes `array` to a source shape when only the layout differs (NHWC -> NCHW first)."""
    if shape is None or list(array.shape) == list(shape) or any(not isinstance(d, int) or d < 0 for d in shape):
        return array, None
    if array.ndim == len(shape) and array.ndim >= 3:
        r = array.ndim
        for perm in ([0, r - 1] + list(range(1, r - 1)), [0] + list(range(2, r)) + [1]):
            if [array.shape[p] for p in perm] == list(shape):
                return np.ascontiguousarray(array.transpose(perm)), f"transposed (perm {perm})"
    return array, None
