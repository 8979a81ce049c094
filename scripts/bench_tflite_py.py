"""Times LiteRT (ai-edge-litert, pinned in scripts/requirements.txt) on one .tflite model, one thread,
no delegates, and prints one JSON line like `lockstep bench --json` (model, runtime, iterations,
p50Ms, meanMs, minMs, peakRSSBytes). Used by scripts/bench-tflite.sh.

Usage: bench_tflite_py.py RESOLVER MODEL INPUT_DIR ITERATIONS
  RESOLVER: optimized  -> OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES (optimised kernels, no XNNPACK)
            reference  -> OpResolverType.BUILTIN_REF (reference kernels, what the goldens use)
  INPUT_DIR holds input_<i>.npy in input order (the LiteRT golden folders do)."""
import json
import os
import resource
import sys
import time

import numpy as np
from ai_edge_litert import interpreter as litert


def main() -> None:
    kind, model, folder, iterations = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    resolver = {"optimized": litert.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
                "reference": litert.OpResolverType.BUILTIN_REF}[kind]
    interp = litert.Interpreter(model_path=model, num_threads=1, experimental_op_resolver_type=resolver)
    interp.allocate_tensors()
    for i, detail in enumerate(interp.get_input_details()):
        interp.set_tensor(detail["index"], np.load(os.path.join(folder, f"input_{i}.npy")))
    for _ in range(2):
        interp.invoke()
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        interp.invoke()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p50 = samples[max(0, (len(samples) + 1) // 2 - 1)]
    print(json.dumps({"model": model, "runtime": f"litert-{kind}", "iterations": iterations, "p50Ms": p50,
                      "meanMs": sum(samples) / len(samples), "minMs": samples[0],
                      "peakRSSBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))


if __name__ == "__main__":
    main()
