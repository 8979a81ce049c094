#!/usr/bin/env python3
"""Writes the reference facts that Lockstep's TFLite loader is checked against.

Walks ROOT (default: $LOCKSTEP_CORPUS, else ${LOCKSTEP_CACHE:-~/.cache/lockstep}/corpus) for every
`*.tflite` and writes what the `tflite` package (pure-Python FlatBuffers accessors generated from the
official schema.fbs; no verifier, no interpreter) reads in each file:

  OUT (default ROOT/tflite-reference.json)   {relative/path.tflite: facts}, sorted keys, where facts is
      {
        "version":        Model.version,
        "description":    Model.description (null when absent),
        "subgraphCount":  len(Model.subgraphs),
        "nodeCount":      operators over ALL subgraphs,
        "opHistogram":    op name -> count over all subgraphs. The op is the BuiltinOperator enum
                          name of max(deprecated_builtin_code, builtin_code) as schema.fbs spells
                          it (CONV_2D, DEPTHWISE_CONV_2D, ...); a CUSTOM op is "custom::<custom_code>";
                          a code the tflite package's enum does not know is "builtin#<code>",
        "tensorCount":    tensors over all subgraphs,
        "bufferCount":    len(Model.buffers) (buffer 0, the empty sentinel, included),
        "signatureKeys":  SignatureDef.signature_key of every signature def, in file order,
        "metadataNames":  Metadata.name of every metadata entry, in file order,
        "subgraphs":      [{"name", "nodeCount", "tensorCount", "inputs", "outputs"}], where inputs
                          and outputs are [{"name": tensor name, "dtype", "shape"}] in the order of
                          SubGraph.inputs / SubGraph.outputs
      }
      dtype is Lockstep's lower-case name (float32, float16, int32, uint8, int64, string, bool, int16,
      complex64, int8, float64, complex128, uint64, uint32, uint16, int4, bfloat16); null for
      RESOURCE / VARIANT and unknown codes. shape is Tensor.shape_signature when the tensor has one
      (-1 = dynamic dim, kept), else Tensor.shape; [] for a scalar.
      A file the tflite package cannot read gets {"error": "..."}.

LiteRT cross-check (on by default when `ai_edge_litert` imports; --no-litert skips it): every model is
opened with `ai_edge_litert.interpreter.Interpreter(model_path=...)` in a child process (a crash there
cannot take this script down) and its `_get_ops_details()` (subgraph 0 only, before any delegate is
applied) is compared with the subgraph-0 op count and histogram above; custom ops are compared by
their custom code. Disagreements are printed; they do not change the JSON or the exit code.

Usage: python scripts/tflite_reference.py [ROOT] [--out FILE] [--no-litert]
       (run in the venv from scripts/bootstrap.sh; e.g. on the committed fixtures:
        python scripts/tflite_reference.py Tests/TFLiteFormatTests/Fixtures/models
               --out Tests/TFLiteFormatTests/Fixtures/reference.json)
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from collections import Counter

import flatbuffers
import tflite

# TensorType code -> Lockstep dtype name (schema.fbs `enum TensorType`). RESOURCE (13) and VARIANT
# (14) have no Lockstep dtype: null.
DTYPE_NAMES = {
    0: "float32",
    1: "float16",
    2: "int32",
    3: "uint8",
    4: "int64",
    5: "string",
    6: "bool",
    7: "int16",
    8: "complex64",
    9: "int8",
    10: "float64",
    11: "complex128",
    12: "uint64",
    13: None,  # RESOURCE
    14: None,  # VARIANT
    15: "uint32",
    16: "uint16",
    17: "int4",
    18: "bfloat16",
}

BUILTIN_NAMES = {
    value: name
    for name, value in vars(tflite.BuiltinOperator).items()
    if not name.startswith("_") and isinstance(value, int)
}
CUSTOM = tflite.BuiltinOperator.CUSTOM

# Folders that are work in progress of fetch-corpus.sh, never part of the corpus.
SKIP_DIR_SUFFIXES = (".tmp", ".partial")


def default_root() -> str:
    if os.environ.get("LOCKSTEP_CORPUS"):
        return os.environ["LOCKSTEP_CORPUS"]
    cache = os.environ.get("LOCKSTEP_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "lockstep")
    return os.path.join(cache, "corpus")


def text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def raw_builtin_code(code: tflite.OperatorCode) -> int:
    """OperatorCode.builtin_code as stored (field 3, default 0). The tflite package's BuiltinCode()
    already substitutes deprecated_builtin_code below 127, which would hide what the file holds."""
    table = code._tab
    offset = table.Offset(10)
    return table.Get(flatbuffers.number_types.Int32Flags, offset + table.Pos) if offset else 0


def effective_builtin_code(code: tflite.OperatorCode) -> int:
    """max(deprecated_builtin_code, builtin_code), as TFLite's schema_utils GetBuiltinCode()."""
    return max(code.DeprecatedBuiltinCode(), raw_builtin_code(code))


def op_name(code: tflite.OperatorCode) -> str:
    builtin = effective_builtin_code(code)
    if builtin == CUSTOM:
        return f"custom::{text(code.CustomCode()) or ''}"
    return BUILTIN_NAMES.get(builtin, f"builtin#{builtin}")


def tensor_shape(tensor: tflite.Tensor) -> list[int]:
    if not tensor.ShapeSignatureIsNone():
        return [int(tensor.ShapeSignature(i)) for i in range(tensor.ShapeSignatureLength())]
    return [int(tensor.Shape(i)) for i in range(tensor.ShapeLength())]


def describe_tensor(subgraph: tflite.SubGraph, index: int) -> dict:
    if index < 0 or index >= subgraph.TensorsLength():
        raise IndexError(f"tensor index {index} out of range (subgraph has {subgraph.TensorsLength()} tensors)")
    tensor = subgraph.Tensors(index)
    return {"name": text(tensor.Name()), "dtype": DTYPE_NAMES.get(tensor.Type()), "shape": tensor_shape(tensor)}


def read_model(data: bytes) -> tflite.Model:
    if len(data) < 8:
        raise ValueError(f"{len(data)} bytes: too short for a FlatBuffer")
    if not tflite.Model.ModelBufferHasIdentifier(data, 0):
        raise ValueError(f"file identifier {data[4:8]!r} is not b'TFL3'")
    return tflite.Model.GetRootAs(data, 0)


def facts_of_bytes(data: bytes) -> dict:
    model = read_model(data)
    names = [op_name(model.OperatorCodes(i)) for i in range(model.OperatorCodesLength())]
    histogram: Counter[str] = Counter()
    node_count = 0
    tensor_count = 0
    subgraphs = []
    for s in range(model.SubgraphsLength()):
        subgraph = model.Subgraphs(s)
        ops = subgraph.OperatorsLength()
        for o in range(ops):
            index = subgraph.Operators(o).OpcodeIndex()
            if index >= len(names):
                raise IndexError(f"subgraph {s} operator {o}: opcode_index {index} out of range ({len(names)} codes)")
            histogram[names[index]] += 1
        node_count += ops
        tensor_count += subgraph.TensorsLength()
        subgraphs.append({
            "name": text(subgraph.Name()),
            "nodeCount": ops,
            "tensorCount": subgraph.TensorsLength(),
            "inputs": [describe_tensor(subgraph, int(subgraph.Inputs(i))) for i in range(subgraph.InputsLength())],
            "outputs": [describe_tensor(subgraph, int(subgraph.Outputs(i))) for i in range(subgraph.OutputsLength())],
        })
    return {
        "version": model.Version(),
        "description": text(model.Description()),
        "subgraphCount": model.SubgraphsLength(),
        "nodeCount": node_count,
        "opHistogram": dict(sorted(histogram.items())),
        "tensorCount": tensor_count,
        "bufferCount": model.BuffersLength(),
        "signatureKeys": [text(model.SignatureDefs(i).SignatureKey()) for i in range(model.SignatureDefsLength())],
        "metadataNames": [text(model.Metadata(i).Name()) for i in range(model.MetadataLength())],
        "subgraphs": subgraphs,
    }


def facts(path: str) -> dict:
    """Reference facts of one file; {"error": ...} when the tflite package cannot read it."""
    try:
        with open(path, "rb") as f:
            data = f.read()
        return facts_of_bytes(data)
    except Exception as error:  # noqa: BLE001 - whatever the reader rejects is recorded, not fatal
        kind = type(error)
        name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
        return {"error": f"{name}: {error}".strip()}


def find_models(root: str) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and not d.endswith(SKIP_DIR_SUFFIXES)
        )
        for name in filenames:
            if name.endswith(".tflite"):
                found.append(os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/"))
    return sorted(found)


def reference(root: str) -> dict:
    """{relative path: facts} for every .tflite under root."""
    return {m: facts(os.path.join(root, m)) for m in find_models(root)}


def dumps(reference_facts: dict) -> str:
    return json.dumps(reference_facts, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def write_atomically(path: str, content: str | bytes) -> None:
    tmp = path + ".partial"
    with open(tmp, "wb") as f:
        f.write(content.encode("utf-8") if isinstance(content, str) else content)
    os.replace(tmp, path)


def write_reference(root: str, out: str) -> dict:
    facts_by_path = reference(root)
    write_atomically(out, dumps(facts_by_path))
    return facts_by_path


# --- LiteRT ------------------------------------------------------------------------------------

def litert_available() -> bool:
    try:
        import ai_edge_litert.interpreter  # noqa: F401
    except Exception:  # noqa: BLE001
        return False
    return True


def _litert_child(path: str, mode: str) -> dict:
    """Runs in a child process: what LiteRT does with the file."""
    from ai_edge_litert.interpreter import Interpreter

    out: dict = {}
    try:
        interpreter = Interpreter(model_path=path)
    except Exception as error:  # noqa: BLE001
        return {"stage": "load", "error": f"{type(error).__name__}: {error}"}
    ops = interpreter._get_ops_details()
    out["ops"] = [op["op_name"] for op in ops]
    if mode == "ops":
        return out
    out["signatures"] = interpreter.get_signature_list()
    try:
        interpreter.allocate_tensors()
    except Exception as error:  # noqa: BLE001
        out.update(stage="allocate", error=f"{type(error).__name__}: {error}")
        return out
    if mode == "allocate":
        return out
    # mode == "run": inputs come as JSON lists on stdin, outputs go back as lists.
    import numpy as np

    feeds = json.loads(sys.stdin.read() or "[]")
    for detail, value in zip(interpreter.get_input_details(), feeds):
        interpreter.set_tensor(detail["index"], np.asarray(value, dtype=detail["dtype"]).reshape(detail["shape"]))
    try:
        interpreter.invoke()
    except Exception as error:  # noqa: BLE001
        out.update(stage="invoke", error=f"{type(error).__name__}: {error}")
        return out
    out["outputs"] = [interpreter.get_tensor(d["index"]).tolist() for d in interpreter.get_output_details()]
    out["outputDtypes"] = [np.dtype(d["dtype"]).name for d in interpreter.get_output_details()]
    return out


def litert(path: str, mode: str = "ops", inputs: list | None = None, timeout: float = 120) -> dict:
    """What LiteRT does with a file, from a child process: {"ops": [...]} and, for mode "allocate" /
    "run", "outputs"; on failure {"stage", "error"}; {"crash": "..."} when the child died."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    try:
        done = subprocess.run(
            [sys.executable, os.path.abspath(__file__), "--litert-child", mode, path],
            input=json.dumps(inputs or []), capture_output=True, text=True, timeout=timeout, env=env,
        )
    except subprocess.TimeoutExpired:
        return {"crash": f"timed out after {timeout} s"}
    if done.returncode != 0:
        if done.returncode < 0:
            try:
                reason = f"signal {-done.returncode} ({signal.Signals(-done.returncode).name})"
            except ValueError:
                reason = f"signal {-done.returncode}"
        else:
            reason = f"exit {done.returncode}"
        return {"crash": reason}
    return json.loads(done.stdout.strip().splitlines()[-1])


def litert_bytes(data: bytes, mode: str = "ops", inputs: list | None = None) -> dict:
    """litert() on model bytes (written to a temporary file)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="lockstep-litert-") as folder:
        path = os.path.join(folder, "model.tflite")
        with open(path, "wb") as f:
            f.write(data)
        return litert(path, mode, inputs)


def litert_signatures(data: bytes) -> dict | None:
    """LiteRT's get_signature_list() for model bytes; None when LiteRT is not available."""
    if not litert_available():
        return None
    return litert_bytes(data, "allocate").get("signatures")


def litert_key(name: str) -> str:
    return name[len("custom::"):] if name.startswith("custom::") else name


def subgraph0_histogram(path: str) -> Counter[str]:
    with open(path, "rb") as f:
        model = read_model(f.read())
    names = [op_name(model.OperatorCodes(i)) for i in range(model.OperatorCodesLength())]
    subgraph = model.Subgraphs(0)
    return Counter(litert_key(names[subgraph.Operators(o).OpcodeIndex()]) for o in range(subgraph.OperatorsLength()))


def cross_check(root: str, facts_by_path: dict) -> tuple[int, list[str], list[str]]:
    """Compares subgraph 0 with LiteRT for every readable model: (agreeing count, disagreements,
    models LiteRT could not open)."""
    agree, disagreements, unopened = 0, [], []
    for rel, fact in facts_by_path.items():
        if "error" in fact or fact["subgraphCount"] == 0:
            continue
        path = os.path.join(root, rel)
        result = litert(path, "ops")
        if "ops" not in result:
            unopened.append(f"{rel}: {result.get('crash') or result.get('error')}")
            continue
        ours = subgraph0_histogram(path)
        theirs = Counter(result["ops"])
        if ours == theirs:
            agree += 1
            continue
        diff = {k: (ours.get(k, 0), theirs.get(k, 0)) for k in sorted(set(ours) | set(theirs)) if ours.get(k) != theirs.get(k)}
        disagreements.append(f"{rel}: subgraph 0 has {sum(ours.values())} ops here, {sum(theirs.values())} in LiteRT; "
                             f"(tflite, LiteRT) per op: {diff}")
    return agree, disagreements, unopened


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--litert-child":
        print(json.dumps(_litert_child(sys.argv[3], sys.argv[2])))
        return 0
    parser = argparse.ArgumentParser(description="Reference facts of every .tflite under ROOT (tflite package).")
    parser.add_argument("root", nargs="?", default=None)
    parser.add_argument("--out", default=None, help="output JSON (default ROOT/tflite-reference.json)")
    parser.add_argument("--no-litert", action="store_true", help="skip the LiteRT cross-check")
    args = parser.parse_args()
    root = os.path.abspath(args.root or default_root())
    if not os.path.isdir(root):
        print(f"tflite_reference.py: error: {root}: no such folder (run scripts/fetch-corpus.sh)", file=sys.stderr)
        return 2
    out = os.path.abspath(args.out or os.path.join(root, "tflite-reference.json"))
    facts_by_path = write_reference(root, out)
    readable = [f for f in facts_by_path.values() if "error" not in f]
    ops = Counter()
    for f in readable:
        ops.update(f["opHistogram"])
    print(f"tflite reference: {len(facts_by_path)} models ({len(facts_by_path) - len(readable)} unreadable), "
          f"{sum(f['nodeCount'] for f in readable)} nodes, {len(ops)} op types, "
          f"{sum(f['tensorCount'] for f in readable)} tensors -> {out}")
    if args.no_litert:
        print("litert cross-check: skipped (--no-litert)")
    elif not litert_available():
        print("litert cross-check: skipped (ai_edge_litert does not import here)")
    else:
        agree, disagreements, unopened = cross_check(root, facts_by_path)
        for line in disagreements:
            print(f"litert disagrees: {line}")
        for line in unopened:
            print(f"litert cannot open: {line}")
        print(f"litert cross-check (subgraph 0): {agree} agree, {len(disagreements)} disagree, "
              f"{len(unopened)} not opened")
    return 0


if __name__ == "__main__":
    sys.exit(main())
