"""Times ONNX Runtime (CPU, one thread) and the onnx Python reference evaluator on one model with
the given .npy input, and prints one JSON line per runtime: median and minimum wall time and process
CPU time (user + system, all threads; robust to other load on the machine) per run in ms, and peak
RSS of this process. Each runtime runs in its own process (see scripts/bench-interpreter.sh), so
peak RSS is its own. Single-threaded: ORT with one intra-op thread, and numpy's BLAS limited to one
thread by the environment (OPENBLAS_NUM_THREADS=1 etc., set by the caller before numpy loads).
Usage: bench_interpreter_py.py ort|reference MODEL INPUT_DIR ITERATIONS"""
import json
import math
import os
import resource
import sys
import time

import numpy as np


def p50(sorted_samples):
    """Nearest-rank median, as `lockstep bench` computes it."""
    return sorted_samples[max(0, math.ceil(len(sorted_samples) / 2) - 1)]


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
    samples, cpu = [], []
    for _ in range(iterations):
        start, cpu_start = time.perf_counter(), time.process_time()
        run()
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - cpu_start) * 1000)
    samples.sort()
    cpu.sort()
    print(json.dumps({"runtime": runtime, "version": version, "model": model, "iterations": iterations,
                      "p50Ms": p50(samples), "minMs": samples[0], "cpuP50Ms": p50(cpu), "cpuMinMs": cpu[0],
                      "peakRSSBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))


if __name__ == "__main__":
    main()
