"""Times ONNX Runtime (CPU, one thread) and the onnx Python reference evaluator on one model with
the given .npy input, and prints one JSON line per runtime (median ms, peak RSS of this process).
Each runtime runs in its own process (see scripts/bench-interpreter.sh), so peak RSS is its own.
Usage: bench_interpreter_py.py ort|reference MODEL INPUT_DIR ITERATIONS"""
import json
import os
import resource
import sys
import time

import numpy as np


def main() -> None:
    runtime, model, input_dir, iterations = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    feeds = {name[:-4]: np.load(os.path.join(input_dir, name)) for name in sorted(os.listdir(input_dir)) if name.endswith(".npy")}
    if runtime == "ort":
        import onnxruntime as ort
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        run = lambda: session.run(None, feeds)
        version = ort.__version__
        warmup = 2
    else:
        import onnx
        from onnx.reference import ReferenceEvaluator
        evaluator = ReferenceEvaluator(model)
        run = lambda: evaluator.run(None, feeds)
        version = onnx.__version__
        warmup = 0
    for _ in range(warmup):
        run()
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    print(json.dumps({"runtime": runtime, "version": version, "model": model, "iterations": iterations,
                      "p50Ms": samples[len(samples) // 2], "minMs": samples[0],
                      "peakRSSBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))


if __name__ == "__main__":
    main()
