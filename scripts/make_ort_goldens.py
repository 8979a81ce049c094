"""Runs ONNX Runtime (CPU, pinned in scripts/requirements.txt) on real models with seeded inputs
and writes golden inputs and outputs as .npy into the corpus cache, for the interpreter's
real-model test (Tests/LockstepKitTests/RealModelTests.swift).

Layout: $CORPUS/goldens/ort/<case>/manifest.json + input_<i>.npy + output_<i>.npy, where the
manifest records the model (path relative to $CORPUS), the input names and shapes, the seed, the
runtime and version, and the command. Inputs: float32 uniform in [0, 1) from numpy's PCG64 with the
given seed (images after normalisation are in this range); symbolic dimensions fixed per model
below. Usage: make_ort_goldens.py CORPUS"""
import json
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort

# model (relative to the corpus) → shapes of its inputs (symbolic dims fixed).
CASES = {
    "ppocr/ch_PP-OCRv4_det_infer.onnx": {"x": [1, 3, 64, 96]},
    "ppocr/ch_PP-OCRv4_rec_infer.onnx": {"x": [1, 3, 48, 160]},
    "ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx": {"x": [1, 3, 48, 192]},
}
SEED = 20261125


def light_models(corpus):
    folder = os.path.join(corpus, "light")
    for name in sorted(os.listdir(folder)):
        if name.endswith(".onnx"):
            yield f"light/{name}"


def main() -> None:
    corpus = sys.argv[1]
    out_root = os.path.join(corpus, "goldens", "ort")
    cases = dict(CASES)
    for rel in light_models(corpus):
        cases[rel] = None
    for index, (rel, shapes) in enumerate(sorted(cases.items())):
        path = os.path.join(corpus, rel)
        model = onnx.load(path, load_external_data=False)
        initializers = {i.name for i in model.graph.initializer}
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        rng = np.random.default_rng(SEED + index)
        feeds = {}
        for meta in session.get_inputs():
            if meta.name in initializers:
                continue
            shape = (shapes or {}).get(meta.name) or [d if isinstance(d, int) and d > 0 else 1 for d in meta.shape]
            if meta.type != "tensor(float)":
                raise SystemExit(f"{rel}: input {meta.name} is {meta.type}; only float inputs are generated")
            feeds[meta.name] = rng.random(shape, dtype=np.float32)
        outputs = session.run(None, feeds)
        case = rel.replace("/", "__").removesuffix(".onnx")
        folder = os.path.join(out_root, case)
        os.makedirs(folder, exist_ok=True)
        for i, (name, value) in enumerate(feeds.items()):
            np.save(os.path.join(folder, f"input_{i}.npy"), value)
        for i, value in enumerate(outputs):
            np.save(os.path.join(folder, f"output_{i}.npy"), np.asarray(value))
        manifest = {
            "model": rel,
            "inputs": [{"name": n, "file": f"input_{i}.npy", "shape": list(v.shape)} for i, (n, v) in enumerate(feeds.items())],
            "outputs": [{"name": m.name, "file": f"output_{i}.npy", "shape": list(np.asarray(o).shape)}
                        for i, (m, o) in enumerate(zip(session.get_outputs(), outputs))],
            "seed": SEED + index,
            "runtime": "onnxruntime",
            "version": ort.__version__,
            "provider": "CPUExecutionProvider (1 thread, graph optimisations disabled)",
            "command": "scripts/make_ort_goldens.py",
        }
        with open(os.path.join(folder, "manifest.json"), "w") as f:
            json.dump(manifest, f, indent=2, sort_keys=True)
            f.write("\n")
        print(f"goldens: {case}: {len(feeds)} inputs, {len(outputs)} outputs")


if __name__ == "__main__":
    main()
