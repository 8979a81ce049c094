#!/usr/bin/env python3
"""Writes the reference facts that Lockstep's ONNX loader is checked against.

Walks CORPUS (default: $LOCKSTEP_CORPUS, else ${LOCKSTEP_CACHE:-~/.cache/lockstep}/corpus) for every
`*.onnx` and writes, computed with the `onnx` Python package (`onnx.load(path,
load_external_data=False)`):

  CORPUS/reference.json  {relative/path.onnx: facts}, sorted keys, where facts is
      {
        "nodeCount":        nodes of the main graph and of every nested subgraph (attributes of type
                            GRAPH / GRAPHS, recursively: If branches, Loop/Scan bodies); NOT the
                            bodies of model-local functions,
        "graphCount":       how many graphs that is (main graph = 1),
        "opHistogram":      op type -> count over the same graphs; an op whose domain is neither ""
                            nor "ai.onnx" is keyed "domain::OpType",
        "initializerCount": initializers of the main graph,
        "inputs":           main-graph inputs that are not initializers, [{"name", "dtype", "shape"}],
        "outputs":          main-graph outputs, same form,
        "irVersion":        ModelProto.ir_version,
        "opsets":           {domain: version} from opset_import ("" is the default domain)
      }
      dtype is Lockstep's lower-case name (float32, int4, float8e4m3fn, ...), null for non-tensor
      types (sequence / map / optional) and for an undefined/unknown element type; shape is a list
      with an int per dim_value, a string per dim_param and null per unknown dim, or null when the
      type has no shape. Sparse tensors are described like tensors.
      A model that onnx cannot load gets {"error": "..."}.
  CORPUS/manifest.txt    the relative paths, one per line, sorted.

Usage: python scripts/corpus_reference.py [CORPUS]   (run in the venv from scripts/bootstrap.sh)
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

import onnx
from onnx import AttributeProto, TensorProto

DTYPE_NAMES = {
    TensorProto.FLOAT: "float32",
    TensorProto.UINT8: "uint8",
    TensorProto.INT8: "int8",
    TensorProto.UINT16: "uint16",
    TensorProto.INT16: "int16",
    TensorProto.INT32: "int32",
    TensorProto.INT64: "int64",
    TensorProto.STRING: "string",
    TensorProto.BOOL: "bool",
    TensorProto.FLOAT16: "float16",
    TensorProto.DOUBLE: "float64",
    TensorProto.UINT32: "uint32",
    TensorProto.UINT64: "uint64",
    TensorProto.COMPLEX64: "complex64",
    TensorProto.COMPLEX128: "complex128",
    TensorProto.BFLOAT16: "bfloat16",
    TensorProto.FLOAT8E4M3FN: "float8e4m3fn",
    TensorProto.FLOAT8E4M3FNUZ: "float8e4m3fnuz",
    TensorProto.FLOAT8E5M2: "float8e5m2",
    TensorProto.FLOAT8E5M2FNUZ: "float8e5m2fnuz",
    TensorProto.UINT4: "uint4",
    TensorProto.INT4: "int4",
    TensorProto.FLOAT4E2M1: "float4e2m1",
    TensorProto.FLOAT8E8M0: "float8e8m0",
    TensorProto.UINT2: "uint2",
    TensorProto.INT2: "int2",
    TensorProto.FLOAT6E2M3: "float6e2m3",
    TensorProto.FLOAT6E3M2: "float6e3m2",
}

# Folders that are work in progress of fetch-corpus.sh, never part of the corpus.
SKIP_DIR_SUFFIXES = (".tmp", ".partial")


def default_corpus() -> str:
    if os.environ.get("LOCKSTEP_CORPUS"):
        return os.environ["LOCKSTEP_CORPUS"]
    cache = os.environ.get("LOCKSTEP_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "lockstep")
    return os.path.join(cache, "corpus")


def op_key(node: onnx.NodeProto) -> str:
    if node.domain in ("", "ai.onnx"):
        return node.op_type
    return f"{node.domain}::{node.op_type}"


def walk_graphs(graph: onnx.GraphProto):
    """Yields the graph and every graph nested in its nodes' attributes whose type is GRAPH or GRAPHS.

    Selection is by AttributeProto.type (as the ONNX spec defines it), recursively."""
    stack = [graph]
    while stack:
        g = stack.pop()
        yield g
        for node in g.node:
            for attr in node.attribute:
                if attr.type == AttributeProto.GRAPH:
                    stack.append(attr.g)
                elif attr.type == AttributeProto.GRAPHS:
                    stack.extend(attr.graphs)


def describe_value(info: onnx.ValueInfoProto) -> dict:
    kind = info.type.WhichOneof("value")
    dtype = None
    shape = None
    if kind in ("tensor_type", "sparse_tensor_type"):
        t = getattr(info.type, kind)
        dtype = DTYPE_NAMES.get(t.elem_type)
        if t.HasField("shape"):
            shape = []
            for dim in t.shape.dim:
                which = dim.WhichOneof("value")
                if which == "dim_value":
                    shape.append(dim.dim_value)
                elif which == "dim_param":
                    shape.append(dim.dim_param)
                else:
                    shape.append(None)
    return {"name": info.name, "dtype": dtype, "shape": shape}


def facts(path: str) -> dict:
    try:
        model = onnx.load(path, load_external_data=False)
    except Exception as error:  # noqa: BLE001 - whatever onnx rejects is recorded, not fatal
        return {"error": f"{type(error).__name__}: {error}".strip()}
    histogram: Counter[str] = Counter()
    node_count = 0
    graph_count = 0
    for g in walk_graphs(model.graph):
        graph_count += 1
        node_count += len(g.node)
        histogram.update(op_key(n) for n in g.node)
    initializer_names = {t.name for t in model.graph.initializer}
    opsets: dict[str, int] = {}
    for imp in model.opset_import:
        opsets[imp.domain] = imp.version
    return {
        "nodeCount": node_count,
        "graphCount": graph_count,
        "opHistogram": dict(sorted(histogram.items())),
        "initializerCount": len(model.graph.initializer),
        "inputs": [describe_value(v) for v in model.graph.input if v.name not in initializer_names],
        "outputs": [describe_value(v) for v in model.graph.output],
        "irVersion": model.ir_version,
        "opsets": dict(sorted(opsets.items())),
    }


def find_models(corpus: str) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(corpus):
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and not d.endswith(SKIP_DIR_SUFFIXES)
        )
        for name in filenames:
            if name.endswith(".onnx"):
                found.append(os.path.relpath(os.path.join(dirpath, name), corpus).replace(os.sep, "/"))
    return sorted(found)


def write_atomically(path: str, text: str) -> None:
    tmp = path + ".partial"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main() -> int:
    if len(sys.argv) > 2 or (len(sys.argv) == 2 and sys.argv[1].startswith("-")):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    corpus = os.path.abspath(sys.argv[1] if len(sys.argv) == 2 else default_corpus())
    if not os.path.isdir(corpus):
        print(f"corpus_reference.py: error: {corpus}: no such folder (run scripts/fetch-corpus.sh)", file=sys.stderr)
        return 2
    models = find_models(corpus)
    paths = [os.path.join(corpus, m) for m in models]
    workers = max(1, min(4, os.cpu_count() or 1))
    if workers > 1 and len(paths) > 200:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(facts, paths, chunksize=32))
    else:
        results = [facts(p) for p in paths]
    reference = dict(zip(models, results))
    write_atomically(
        os.path.join(corpus, "reference.json"),
        json.dumps(reference, sort_keys=True, indent=1, ensure_ascii=False) + "\n",
    )
    write_atomically(os.path.join(corpus, "manifest.txt"), "".join(m + "\n" for m in models))
    errors = sum(1 for r in results if "error" in r)
    print(f"reference: {len(models)} models ({errors} onnx cannot load) -> {corpus}/reference.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
