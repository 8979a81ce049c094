"""Runs LiteRT (ai-edge-litert, pinned in scripts/requirements.txt) on the mediapipe .tflite models
of the corpus with seeded inputs and writes golden inputs and outputs as .npy into the corpus cache,
for the TFLite interpreter's real-model test (Tests/LockstepKitTests/TFLiteRealModelTests.swift).

Resolver: `OpResolverType.BUILTIN_REF` -- LiteRT's reference kernels (the `*_REF` registrations of
tflite/kernels/register_ref.cc), no XNNPACK or other delegate, one thread. A model LiteRT cannot
allocate (custom ops it does not know, e.g. mediapipe's Convolution2DTransposeBias) is recorded in
$CORPUS/goldens/litert/skipped.json with LiteRT's reason instead.

Layout: $CORPUS/goldens/litert/<case>/manifest.json + input_<i>.npy + output_<i>.npy, where <case>
is the model path relative to $CORPUS with "/" replaced by "__" and the suffix dropped; the manifest
records the model, the input and output names and shapes, the seed, the runtime, its version, the
resolver and the command. Inputs: float32 uniform in [-1, 1) from numpy's PCG64 seeded with
SEED + the case's index (sorted order); integer inputs uniform over their type's range.
Usage: make_litert_goldens.py CORPUS"""
import json
import os
import sys

import numpy as np
from ai_edge_litert import interpreter as litert

SEED = 20261201
FOLDERS = ["mediapipe"]


def models(corpus):
    for folder in FOLDERS:
        for root, _, files in os.walk(os.path.join(corpus, folder)):
            for name in files:
                if name.endswith(".tflite"):
                    yield os.path.relpath(os.path.join(root, name), corpus)


def version():
    try:
        from importlib.metadata import version as v
        return v("ai-edge-litert")
    except Exception:  # noqa: BLE001
        return "unknown"


def main() -> None:
    corpus = sys.argv[1]
    out_root = os.path.join(corpus, "goldens", "litert")
    os.makedirs(out_root, exist_ok=True)
    skipped = {}
    for index, rel in enumerate(sorted(models(corpus))):
        case = rel.replace("/", "__").removesuffix(".tflite")
        try:
            interp = litert.Interpreter(model_path=os.path.join(corpus, rel), num_threads=1,
                                        experimental_op_resolver_type=litert.OpResolverType.BUILTIN_REF)
            interp.allocate_tensors()
        except Exception as error:  # noqa: BLE001 - LiteRT raises RuntimeError/ValueError
            skipped[rel] = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            print(f"goldens: {case}: skipped ({skipped[rel]})")
            continue
        rng = np.random.default_rng(SEED + index)
        inputs = []
        for detail in interp.get_input_details():
            dtype = np.dtype(detail["dtype"])
            shape = [int(d) for d in detail["shape"]]
            if dtype.kind == "f":
                value = rng.uniform(-1, 1, shape).astype(dtype)
            elif dtype == np.bool_:
                value = rng.integers(0, 2, shape).astype(np.bool_)
            else:
                info = np.iinfo(dtype)
                value = rng.integers(info.min, info.max, shape, endpoint=True).astype(dtype)
            interp.set_tensor(detail["index"], value)
            inputs.append((detail["name"], value))
        interp.invoke()
        outputs = [(d["name"], np.array(interp.get_tensor(d["index"]))) for d in interp.get_output_details()]
        folder = os.path.join(out_root, case)
        os.makedirs(folder, exist_ok=True)
        for i, (_, value) in enumerate(inputs):
            np.save(os.path.join(folder, f"input_{i}.npy"), value)
        for i, (_, value) in enumerate(outputs):
            np.save(os.path.join(folder, f"output_{i}.npy"), value)
        manifest = {
            "model": rel,
            "inputs": [{"name": n, "file": f"input_{i}.npy", "shape": list(v.shape)} for i, (n, v) in enumerate(inputs)],
            "outputs": [{"name": n, "file": f"output_{i}.npy", "shape": list(v.shape)} for i, (n, v) in enumerate(outputs)],
            "seed": SEED + index,
            "runtime": "ai-edge-litert",
            "version": version(),
            "resolver": "BUILTIN_REF (reference kernels, no XNNPACK, 1 thread)",
            "command": "scripts/make_litert_goldens.py",
        }
        with open(os.path.join(folder, "manifest.json"), "w") as f:
            json.dump(manifest, f, indent=2, sort_keys=True)
            f.write("\n")
        print(f"goldens: {case}: {len(inputs)} inputs, {len(outputs)} outputs")
    with open(os.path.join(out_root, "skipped.json"), "w") as f:
        json.dump(skipped, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
