"""Times onnx.load on each model (the same files lockstep-bench loads) and prints one JSON line each.

onnx.load is called with its defaults (external data loaded), after one warm-up load, so both
sides read from the page cache. Used by scripts/bench-parse.sh."""
import json
import sys
import time

import onnx


def main() -> None:
    args = sys.argv[1:]
    iterations = 20
    if args[:1] == ["--iterations"]:
        iterations = int(args[1])
        args = args[2:]
    for path in args:
        onnx.load(path)
        samples = []
        for _ in range(iterations):
            start = time.perf_counter()
            model = onnx.load(path)
            samples.append((time.perf_counter() - start) * 1000)
        samples.sort()
        print(json.dumps({"tool": "onnx.load", "path": path, "iterations": iterations, "minMs": samples[0],
                          "medianMs": samples[len(samples) // 2], "nodes": len(model.graph.node),
                          "onnx": onnx.__version__}))


if __name__ == "__main__":
    main()
