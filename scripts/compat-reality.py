#!/usr/bin/env python3
"""Records what the real runtimes do with the corpus models, so Lockstep's compatibility
predictions can be compared with reality (docs/compatibility.md, "Against reality";
Tests/LockstepKitTests/CompatRealityTests.swift).

- TFLite (LiteRT, `ai_edge_litert`): the default XNNPACK delegate. LiteRT logs
  "Replacing N out of M node(s) with delegate (TfLiteXNNPackDelegate) node, yielding K partitions
  for subgraph S" at VERBOSE severity; the script lowers TFLite's minimal logger to VERBOSE
  (its `minimum_log_severity_` variable, found with `nm` in the wheel's libpywrap_litert_common.so)
  and reads the line from the process's stderr. It also finds *which* nodes were replaced: each
  DELEGATE node in the delegated interpreter's execution plan covers the original nodes between its
  inputs and outputs.
- ONNX (onnxruntime): the CPU execution provider with graph optimisations disabled (so nodes are
  the file's nodes) and `log_severity_level=0`, which logs the node placements
  ("All nodes placed on [CPUExecutionProvider]. Number of nodes: N", or per provider); and for
  every ONNX backend node case, whether a CPU session can be created at all (a node without a CPU
  kernel for its opset and element types fails with NOT_IMPLEMENTED).

    ~/.cache/lockstep/venv/bin/python scripts/compat-reality.py [--corpus DIR] [--out FILE]

Default corpus: $LOCKSTEP_CORPUS or ~/.cache/lockstep/corpus; default output:
Tests/LockstepKitTests/Fixtures/compat-reality.json (committed; model paths relative to the corpus).
"""
import argparse
import ctypes
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class CapturedStderr:
    """Redirects file descriptor 2 (native logs) into a temporary file."""

    def __enter__(self):
        sys.stderr.flush()
        self.saved = os.dup(2)
        self.file = tempfile.TemporaryFile(mode="w+b")
        os.dup2(self.file.fileno(), 2)
        return self

    def __exit__(self, *exc):
        sys.stderr.flush()
        os.dup2(self.saved, 2)
        os.close(self.saved)
        self.file.seek(0)
        self.text = self.file.read().decode("utf-8", "replace")
        self.file.close()
        return False


def enable_tflite_verbose_log():
    import ai_edge_litert

    lib = os.path.realpath(os.path.join(os.path.dirname(ai_edge_litert.__file__), "libpywrap_litert_common.so"))
    symbol = "_ZN6tflite16logging_internal13MinimalLogger21minimum_log_severity_E"
    out = subprocess.run(["nm", lib], capture_output=True, text=True, check=True).stdout
    offsets = [int(line.split()[0], 16) for line in out.splitlines() if line.endswith(" " + symbol)]
    if not offsets:
        sys.exit(f"{lib}: {symbol} not found; cannot raise the TFLite log level")
    import ai_edge_litert.interpreter  # noqa: F401  (loads the library)
    with open("/proc/self/maps") as maps:
        bases = [int(line.split("-")[0], 16) for line in maps if line.rstrip().endswith(lib)]
    if not bases:
        sys.exit(f"{lib} is not loaded")
    ctypes.c_int.from_address(min(bases) + offsets[0]).value = 0  # TFLITE_LOG_VERBOSE


REPLACING = re.compile(
    r"Replacing (\d+) out of (\d+) node\(s\) with delegate \(([^)]*)\) node, yielding (\d+) partitions(?: for subgraph (\d+))?")


def tflite_observation(path):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    from litert_probe import delegated_interpreter, replaced_nodes

    base = Interpreter(model_path=path, experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    original = base._get_ops_details()
    with CapturedStderr() as captured:
        it, error = delegated_interpreter(path)
    logs = []
    for m in REPLACING.finditer(captured.text):
        logs.append({"delegated": int(m.group(1)), "nodes": int(m.group(2)), "delegate": m.group(3),
                     "partitions": int(m.group(4)), "subgraph": int(m.group(5) or 0)})
    delegated, delegate_nodes = replaced_nodes(original, it._get_ops_details())
    return {"runtime": "ai-edge-litert", "target": "tflite-xnnpack", "nodes": len(original), "log": logs,
            "delegateNodes": delegate_nodes, "delegatedNodes": sorted(delegated), "error": error}


PLACED_ALL = re.compile(r"All nodes placed on \[(\w+)\]\. Number of nodes: (\d+)")
PLACED_SOME = re.compile(r"Node\(s\) placed on \[(\w+)\]\. Number of nodes: (\d+)")


def onnx_observation(path):
    import onnx
    import onnxruntime as ort

    model = onnx.load(path, load_external_data=False)
    options = ort.SessionOptions()
    options.log_severity_level = 0
    options.log_verbosity_level = 0
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    error = None
    with CapturedStderr() as captured:
        try:
            ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        except Exception as e:
            error = str(e).splitlines()[0]
    placements = {}
    for m in PLACED_ALL.finditer(captured.text):
        placements[m.group(1)] = int(m.group(2))
    for m in PLACED_SOME.finditer(captured.text):
        placements[m.group(1)] = placements.get(m.group(1), 0) + int(m.group(2))
    return {"runtime": f"onnxruntime {ort.__version__}", "target": "ort-cpu", "nodes": len(model.graph.node),
            "placements": placements, "error": error}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=os.environ.get("LOCKSTEP_CORPUS") or os.path.expanduser("~/.cache/lockstep/corpus"))
    parser.add_argument("--out", default=os.path.join(ROOT, "Tests", "LockstepKitTests", "Fixtures", "compat-reality.json"))
    args = parser.parse_args()
    corpus = args.corpus
    import ai_edge_litert
    import onnxruntime

    enable_tflite_verbose_log()
    observations = {}
    for path in sorted(glob.glob(os.path.join(corpus, "mediapipe", "*", "*.tflite"))):
        observations[os.path.relpath(path, corpus)] = tflite_observation(path)
    for pattern in ("light/*.onnx", "ppocr/*.onnx"):
        for path in sorted(glob.glob(os.path.join(corpus, pattern))):
            observations[os.path.relpath(path, corpus)] = onnx_observation(path)
    # The ONNX backend node cases: one op each, many element types and attributes ORT's CPU EP has
    # no kernel for, so session creation fails ("Could not find an implementation").
    nodes = {}
    for path in sorted(glob.glob(os.path.join(corpus, "node", "test_*", "model.onnx"))):
        o = onnx_observation(path)
        error = o["error"]
        if error and len(error) > 240:  # keep the reason, which ORT puts at the end
            error = error[:60] + " … " + error[-170:]
        nodes[os.path.relpath(path, corpus)] = {"loads": error is None, "error": error}
    versions = {"ai-edge-litert": getattr(ai_edge_litert, "__version__", "unknown"), "onnxruntime": onnxruntime.__version__}
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"generator": "scripts/compat-reality.py", "versions": versions, "models": observations, "nodeCases": nodes}, f,
                  indent=1, sort_keys=True)
        f.write("\n")
    for name, o in observations.items():
        if o["target"] == "tflite-xnnpack":
            log = "; ".join(f"{l['delegated']}/{l['nodes']} in {l['partitions']} partitions (subgraph {l['subgraph']})" for l in o["log"]) or "no delegation logged"
            print(f"{name}: {log}; {len(o['delegatedNodes'])} nodes under {o['delegateNodes']} DELEGATE node(s)" + (f"; {o['error']}" if o["error"] else ""))
        else:
            print(f"{name}: {o['nodes']} nodes; placements {o['placements']}" + (f"; {o['error']}" if o["error"] else ""))
    print(f"node cases: {sum(o['loads'] for o in nodes.values())} of {len(nodes)} load in onnxruntime's CPU EP")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
