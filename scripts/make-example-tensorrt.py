#!/usr/bin/env python3
"""Writes examples/tensorrt/pairnet/: a SYNTHETIC TensorRT plan bundle for examples/pairs/pairnet.onnx
(no TensorRT runs here; examples/README.md says so). The files follow TensorRT's documented export
formats, as the public files in /work/shared/fixtures/tensorrt show them:

  pairnet.graph.json    trtexec --exportLayerInfo --profilingVerbosity=detailed (TensorRT 10 keys:
                        Name, LayerType, Inputs/Outputs with Format/Datatype, ParameterType, Origin,
                        TacticValue, StreamId, Metadata "[ONNX Layer: x]" joined by U+001E), Bindings
  pairnet.profile.json  trtexec --exportProfile: [{"count": N}, {name, timeMs, averageMs, medianMs,
                        percentage}, ...]
  pairnet.output.json   trtexec --exportOutput: [{"name", "dimensions": "1x10", "values": [...]}]
  bundle.json           the manifest naming them (docs/tensorrt.md); there is no .plan file

The engine it describes is what an INT8 build (`trtexec --int8`) of pairnet typically gives:
conv1+bn1+relu1 and conv2+relu2 fused and run in INT8, the pool in INT8, then reformats to FP16
for the flatten (Shuffle) and the fully connected layer, and FP32 for the softmax; Dropout and
the Identity are gone. Layer times are made up (deterministic) but in proportion to the work.
The captured output is ONNX Runtime's output of pairnet.onnx on examples/pairs/inputs/image.npy
rounded through float16, as an FP16 last layer would leave it.

Run with the shared venv:  ~/.cache/lockstep/venv/bin/python scripts/make-example-tensorrt.py
"""
import json
import os

import numpy as np
import onnx
import onnxruntime as ort
from onnx import shape_inference

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, "examples", "pairs", "pairnet.onnx")
INPUT = os.path.join(ROOT, "examples", "pairs", "inputs", "image.npy")
OUT = os.path.join(ROOT, "examples", "tensorrt", "pairnet")

INT8 = "Four wide channel vectorized row major Int8 format"
FP16 = "Row major linear FP16 format"
FP32 = "Row major linear FP32 format"


def shapes(model):
    inferred = shape_inference.infer_shapes(model)
    out = {}
    for v in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        out[v.name] = [d.dim_value for d in v.type.tensor_type.shape.dim]
    return out


def tensor(name, dims, fmt):
    return {"Name": name, "Location": "Device", "Dimensions": dims, "Format/Datatype": fmt}


def meta(*nodes):
    return "\u001e".join("[ONNX Layer: %s]" % n for n in nodes)


def main():
    model = onnx.load(SOURCE)
    dims = shapes(model)
    layers = []

    def layer(name, kind, parameter, inputs, outputs, nodes=(), tactic="0x0000000000000000", origin=None, **extra):
        entry = {"Name": name, "LayerType": kind, "Inputs": inputs, "Outputs": outputs, "ParameterType": parameter}
        if origin:
            entry["Origin"] = origin
        entry.update(extra)
        entry["TacticValue"] = tactic
        entry["StreamId"] = 0
        entry["Metadata"] = meta(*nodes)
        layers.append(entry)

    c1 = "conv1 + bn1 + relu1"
    layer("Reformatting CopyNode for Input Tensor 0 to " + c1, "Reformat", "Reformat",
          [tensor("image", dims["image"], FP32)], [tensor("Reformatted Input Tensor 0 to " + c1, dims["image"], INT8)], origin="REFORMAT")
    layer(c1, "CaskConvolution", "Convolution", [tensor("Reformatted Input Tensor 0 to " + c1, dims["image"], INT8)],
          [tensor("relu1_out", dims["relu1_out"], INT8)], ("conv1", "bn1", "relu1"), "0x2a1c5b3d9e8f7061",
          Kernel=[3, 3], OutMaps=dims["relu1_out"][1], Activation="RELU", HasBias=1, HasReLU=1)
    layer("conv2 + relu2", "CaskConvolution", "Convolution", [tensor("relu1_out", dims["relu1_out"], INT8)],
          [tensor("relu2_out", dims["relu2_out"], INT8)], ("conv2", "relu2"), "0x7e0d9c4b2a196f38",
          Kernel=[3, 3], OutMaps=dims["relu2_out"][1], Activation="RELU", HasBias=1, HasReLU=1)
    layer("pool", "CaskPooling", "Pooling", [tensor("relu2_out", dims["relu2_out"], INT8)], [tensor("pool_out", dims["pool_out"], INT8)],
          ("pool",), "0x5d3e1f0a9b8c7d6e", PoolingType="MAX", WindowSize=[2, 2], Stride=[2, 2])
    layer("Reformatting CopyNode for Input Tensor 0 to flatten", "Reformat", "Reformat", [tensor("pool_out", dims["pool_out"], INT8)],
          [tensor("Reformatted Input Tensor 0 to flatten", dims["pool_out"], FP16)], origin="REFORMAT")
    layer("flatten", "Shuffle", "Shuffle", [tensor("Reformatted Input Tensor 0 to flatten", dims["pool_out"], FP16)],
          [tensor("flatten_out", dims["flatten_out"], FP16)], ("flatten",), "0x0000000000000000")
    layer("fc", "CaskGemmMatrixMultiply", "MatrixMultiply", [tensor("flatten_out", dims["flatten_out"], FP16)],
          [tensor("fc_out", dims["fc_out"], FP16)], ("fc",), "0x3c6a8e1b5d7f9024")
    layer("Reformatting CopyNode for Input Tensor 0 to softmax", "Reformat", "Reformat", [tensor("fc_out", dims["fc_out"], FP16)],
          [tensor("Reformatted Input Tensor 0 to softmax", dims["fc_out"], FP32)], origin="REFORMAT")
    layer("softmax", "CaskSoftMaxV2", "SoftMax", [tensor("Reformatted Input Tensor 0 to softmax", dims["fc_out"], FP32)],
          [tensor("probs", dims["probs"], FP32)], ("softmax",), "0x1b2c3d4e5f607182")
    graph = {"Layers": layers, "Bindings": ["image", "probs"]}

    # Profile: 1000 iterations; per-layer averages in proportion to the layer's work.
    count = 1000
    average = {c1: 0.0121, "conv2 + relu2": 0.0186, "pool": 0.0042, "flatten": 0.0031, "fc": 0.0087, "softmax": 0.0035}
    for entry in layers:
        if entry["LayerType"] == "Reformat":
            average[entry["Name"]] = 0.0024
    total = sum(average[e["Name"]] for e in layers)
    profile = [{"count": count}]
    for e in layers:
        a = average[e["Name"]]
        profile.append({"name": e["Name"], "timeMs": round(a * count, 4), "averageMs": a, "medianMs": round(a * 0.98, 6),
                        "percentage": round(100 * a / total, 4)})

    image = np.load(INPUT)
    session = ort.InferenceSession(SOURCE, providers=["CPUExecutionProvider"])
    probs = session.run(["probs"], {"image": image})[0]
    fp16 = probs.astype(np.float16).astype(np.float32)
    outputs = [{"name": "probs", "dimensions": "x".join(str(d) for d in fp16.shape),
                "values": [float("%.9g" % v) for v in fp16.reshape(-1)]}]

    os.makedirs(OUT, exist_ok=True)
    files = {"pairnet.graph.json": graph, "pairnet.profile.json": profile, "pairnet.output.json": outputs,
             "bundle.json": {"layers": "pairnet.graph.json", "profile": "pairnet.profile.json", "outputs": ["pairnet.output.json"]}}
    for name, content in files.items():
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
            json.dump(content, f, indent=2)
            f.write("\n")
    print("wrote", ", ".join(sorted(files)), "to", os.path.relpath(OUT, ROOT))


if __name__ == "__main__":
    main()
