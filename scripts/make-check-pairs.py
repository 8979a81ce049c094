#!/usr/bin/env python3
"""Generates the ONNX/TFLite pairs of examples/pairs/ (committed; deterministic, fixed seeds) that
prove `lockstep check`: one small network as ONNX and as a correct TFLite conversion, and
deliberately broken conversions of it, each with the finding it must produce (docs/check.md).

The network (Keras, channels-last; the ONNX form is written by this script from the same weights,
channels-first):

  image [1,10,8,3] -> conv1 (3x3, 6) -> bn1 -> relu1 -> conv2 (3x3, 8) -> relu2 -> pool (max 2x2)
        -> drop (Dropout, inference) -> to_nchw (Permute) -> flatten -> fc (Dense 10) -> softmax

  pairnet.onnx                      the source: NCHW input [1,3,10,8], opset 17, Identity and Dropout
                                    nodes that a conversion legitimately removes
  pairnet.tflite                    correct conversion (TFLite converter: BN folded into conv1, ReLUs
                                    fused, Dropout removed, the NCHW flatten order kept by a TRANSPOSE)
  pairnet_no_activation.tflite      relu2 removed before conversion            -> droppedOp at relu2
  pairnet_bn_wrong_stats.tflite     bn1's moving variance/mean changed before folding
                                                                               -> numericDivergence at bn1
  pairnet_layout_error.tflite       the Permute left out: flatten reads NHWC order
                                                                               -> layoutMismatch at flatten
  pairnet_int8.tflite               correct full-integer conversion (int8 input and output)
  pairnet_int8_wrong_scale.tflite   pairnet_int8 with the fc weights' scale multiplied by 1.5
                                                                               -> numericDivergence at fc
  pairnet_custom_op.tflite          pairnet.tflite with SOFTMAX replaced by custom op LockstepSoftmax
                                                                               -> customOp at softmax
  inputs/image.npy                  one NCHW input (seeded)

For the TensorRT side (no GPU here; the engines are public files in /work/shared/fixtures/tensorrt):

  trt_hackathon_structure.onnx      the node list of NVIDIA/trt-samples-for-hackathon-cn's
                                    model-trained.onnx (names and op types from its trtexec verbose log,
                                    trt-samples-hackathon-cn/trtexec_result-02.log; fewer channels, random
                                    weights) whose engine layer information is trtexec_model-trained-
                                    exportLayerInfo.log.json: the ONNX -> TensorRT dropped-op analysis
  trt_polygraphy_io.onnx            input tensorX [4,1,28,28] -> Flatten -> Gemm -> 'A-V-12-Add' [4,10],
                                    ArgMax -> Cast -> 'A-V-14-ArgMax' (int32): the inputs and outputs of
                                    the public Polygraphy results polygraphy_output.json, to drive the
                                    comparison of captured TensorRT outputs (its weights are not the
                                    engine's, so its outputs differ from the captured ones)

Usage: PY=$(bash scripts/generator-venv.sh); $PY scripts/make-check-pairs.py [OUT_DIR]
(default examples/pairs). Needs tensorflow-cpu, onnx, onnxruntime, tflite (generator venv).
"""

from __future__ import annotations

import os
import struct
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np
import onnx
import onnxruntime as ort
import tensorflow as tf
import tflite
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
H, W, C = 10, 8, 3
EPS = 1e-3


def weights(seed: int = 7) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    f = lambda *s, scale=0.4: (rng.standard_normal(s) * scale).astype(np.float32)
    return {
        "conv1_w": f(3, 3, C, 6), "conv1_b": f(6, scale=0.1),
        "bn1_gamma": (1 + f(6, scale=0.2)), "bn1_beta": f(6, scale=0.1),
        "bn1_mean": f(6, scale=0.2), "bn1_var": (0.5 + np.abs(f(6, scale=0.5))).astype(np.float32),
        "conv2_w": f(3, 3, 6, 8, scale=0.25), "conv2_b": f(8, scale=0.1),
        "fc_w": f(8 * 5 * 4, 10, scale=0.2), "fc_b": f(10, scale=0.1),
    }


def keras_model(w: dict[str, np.ndarray], relu2: bool = True, permute: bool = True) -> tf.keras.Model:
    L = tf.keras.layers
    x = L.Input((H, W, C), batch_size=1, name="image")
    y = L.Conv2D(6, 3, padding="same", name="conv1")(x)
    y = L.BatchNormalization(epsilon=EPS, name="bn1")(y)
    y = L.ReLU(name="relu1")(y)
    y = L.Conv2D(8, 3, padding="same", name="conv2")(y)
    if relu2:
        y = L.ReLU(name="relu2")(y)
    y = L.MaxPooling2D(2, name="pool")(y)
    y = L.Dropout(0.25, name="drop")(y)
    if permute:
        y = L.Permute((3, 1, 2), name="to_nchw")(y)
    y = L.Flatten(name="flatten")(y)
    y = L.Dense(10, name="fc")(y)
    y = L.Softmax(name="softmax")(y)
    model = tf.keras.Model(x, y, name="pairnet")
    model.get_layer("conv1").set_weights([w["conv1_w"], w["conv1_b"]])
    model.get_layer("bn1").set_weights([w["bn1_gamma"], w["bn1_beta"], w["bn1_mean"], w["bn1_var"]])
    model.get_layer("conv2").set_weights([w["conv2_w"], w["conv2_b"]])
    model.get_layer("fc").set_weights([w["fc_w"], w["fc_b"]])
    return model


def nhwc_inputs(count: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1, 1, (1, H, W, C)).astype(np.float32) for _ in range(count)]


def convert(model: tf.keras.Model, int8: bool = False) -> bytes:
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if int8:
        samples = nhwc_inputs(64, seed=11)
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: ([s] for s in samples)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    return converter.convert()


def onnx_model(w: dict[str, np.ndarray]) -> onnx.ModelProto:
    """The source form: NCHW, the same weights, opset 17."""
    t = lambda name, a: numpy_helper.from_array(np.ascontiguousarray(a), name)
    inits = [
        t("conv1.weight", w["conv1_w"].transpose(3, 2, 0, 1)), t("conv1.bias", w["conv1_b"]),
        t("bn1.scale", w["bn1_gamma"]), t("bn1.bias", w["bn1_beta"]),
        t("bn1.mean", w["bn1_mean"]), t("bn1.var", w["bn1_var"]),
        t("conv2.weight", w["conv2_w"].transpose(3, 2, 0, 1)), t("conv2.bias", w["conv2_b"]),
        # Keras flattens the permuted [8, 5, 4] (channel-major) features, as ONNX Flatten of NCHW does.
        t("fc.weight", w["fc_w"]), t("fc.bias", w["fc_b"]),
    ]
    N = helper.make_node
    nodes = [
        N("Conv", ["image", "conv1.weight", "conv1.bias"], ["conv1_out"], name="conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        N("BatchNormalization", ["conv1_out", "bn1.scale", "bn1.bias", "bn1.mean", "bn1.var"], ["bn1_out"], name="bn1", epsilon=EPS),
        N("Relu", ["bn1_out"], ["relu1_out"], name="relu1"),
        N("Conv", ["relu1_out", "conv2.weight", "conv2.bias"], ["conv2_out"], name="conv2", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        N("Relu", ["conv2_out"], ["relu2_out"], name="relu2"),
        N("MaxPool", ["relu2_out"], ["pool_out"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
        N("Dropout", ["pool_out"], ["drop_out"], name="drop"),
        N("Flatten", ["drop_out"], ["flatten_out"], name="flatten", axis=1),
        N("Gemm", ["flatten_out", "fc.weight", "fc.bias"], ["fc_out"], name="fc"),
        N("Identity", ["fc_out"], ["logits"], name="logits_identity"),
        N("Softmax", ["logits"], ["probs"], name="softmax", axis=-1),
    ]
    graph = helper.make_graph(
        nodes, "pairnet",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, C, H, W])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, [1, 10])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="lockstep-pairs",
                              producer_version="1")
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


# --- flatbuffer edits (the tflite package reads; edits patch bytes or append tables) ---------------

def tensor_by_name(model: tflite.Model, name: str) -> tuple[int, tflite.Tensor]:
    g = model.Subgraphs(0)
    for i in range(g.TensorsLength()):
        if g.Tensors(i).Name().decode() == name:
            return i, g.Tensors(i)
    raise SystemExit(f"no tensor {name!r}")


def fc_weights_tensor(model: tflite.Model) -> tflite.Tensor:
    g = model.Subgraphs(0)
    for o in range(g.OperatorsLength()):
        op = g.Operators(o)
        code = model.OperatorCodes(op.OpcodeIndex())
        if max(code.DeprecatedBuiltinCode(), code.BuiltinCode()) == tflite.BuiltinOperator.FULLY_CONNECTED:
            return g.Tensors(op.Inputs(1))
    raise SystemExit("no FULLY_CONNECTED")


def scale_fc_weights(data: bytes, factor: float) -> bytes:
    buf = bytearray(data)
    model = tflite.Model.GetRootAsModel(buf, 0)
    q = fc_weights_tensor(model).Quantization()
    scales = q.ScaleAsNumpy()  # a view into buf
    scales[:] = (scales * factor).astype(np.float32)
    return bytes(buf)


def replace_with_custom_op(data: bytes, builtin: int, custom_name: str) -> bytes:
    """Points the operator_codes entry of `builtin` at a new OperatorCode table appended to the
    buffer: builtin code CUSTOM (32) with custom_code `custom_name` (uoffsets point forward, so a
    table past the end of the flatbuffer is reachable from the vector)."""
    buf = bytearray(data)
    model = tflite.Model.GetRootAsModel(buf, 0)
    entry = None
    for i in range(model.OperatorCodesLength()):
        code = model.OperatorCodes(i)
        if max(code.DeprecatedBuiltinCode(), code.BuiltinCode()) == builtin:
            entry = i
    if entry is None:
        raise SystemExit(f"no operator code {builtin}")
    # Position of the vector element: Model field 1 (operator_codes) -> vector -> element.
    tab = model._tab
    field = tab.Offset(6)  # vtable slot of field 1 (4 + 2*1)
    vector = tab.Vector(field)
    element_pos = vector + 4 * entry

    def align(n: int) -> None:
        while len(buf) % n:
            buf.append(0)

    align(4)
    vtable_pos = len(buf)
    # vtable: [vtable size, table size, field0 deprecated_builtin_code, field1 custom_code, field2 version, field3 builtin_code]
    table_size = 4 + 4 + 4 + 4  # soffset, custom_code uoffset, version int32, builtin_code int32 (+ int8 below)
    buf += struct.pack("<HHHHHH", 12, table_size + 4, 16, 4, 8, 12)
    align(4)
    table_pos = len(buf)
    string_pos = table_pos + table_size + 4
    buf += struct.pack("<i", table_pos - vtable_pos)  # soffset to the vtable (table - vtable)
    buf += struct.pack("<I", string_pos - (table_pos + 4))  # custom_code
    buf += struct.pack("<i", 1)  # version
    buf += struct.pack("<i", 32)  # builtin_code CUSTOM
    buf += struct.pack("<b", 32) + b"\0\0\0"  # deprecated_builtin_code CUSTOM (+ padding)
    name = custom_name.encode()
    buf += struct.pack("<I", len(name)) + name + b"\0"
    align(4)
    struct.pack_into("<I", buf, element_pos, table_pos - element_pos)
    return bytes(buf)


def trt_models() -> dict[str, onnx.ModelProto]:
    rng = np.random.default_rng(21)
    t = lambda name, a: numpy_helper.from_array(np.ascontiguousarray(a), name)
    f = lambda *shape: (rng.standard_normal(shape) * 0.1).astype(np.float32)
    N = helper.make_node
    nodes = [
        N("Conv", ["x", "conv.weight", "conv.bias"], ["conv2d"], name="node_conv2d", kernel_shape=[5, 5], pads=[2, 2, 2, 2]),
        N("Relu", ["conv2d"], ["relu"], name="node_relu"),
        N("MaxPool", ["relu"], ["max_pool2d"], name="node_max_pool2d", kernel_shape=[2, 2], strides=[2, 2]),
        N("Conv", ["max_pool2d", "conv_1.weight", "conv_1.bias"], ["conv2d_1"], name="node_conv2d_1", kernel_shape=[5, 5], pads=[2, 2, 2, 2]),
        N("Relu", ["conv2d_1"], ["relu_1"], name="node_relu_1"),
        N("MaxPool", ["relu_1"], ["max_pool2d_1"], name="node_max_pool2d_1", kernel_shape=[2, 2], strides=[2, 2]),
        N("Reshape", ["max_pool2d_1", "val_5"], ["view"], name="node_view"),
        N("Gemm", ["view", "linear.weight", "linear.bias"], ["linear"], name="node_linear", transB=1),
        N("Relu", ["linear"], ["relu_2"], name="node_relu_2"),
        N("Gemm", ["relu_2", "linear_1.weight", "linear_1.bias"], ["linear_1"], name="node_linear_1", transB=1),
        N("Softmax", ["linear_1"], ["y"], name="node_softmax", axis=1),
        N("ArgMax", ["y"], ["z"], name="node_argmax", axis=1, keepdims=0),
    ]
    inits = [t("conv.weight", f(4, 1, 5, 5)), t("conv.bias", f(4)), t("conv_1.weight", f(8, 4, 5, 5)), t("conv_1.bias", f(8)),
             t("val_5", np.array([-1, 8 * 7 * 7], np.int64)), t("linear.weight", f(16, 8 * 7 * 7)), t("linear.bias", f(16)),
             t("linear_1.weight", f(10, 16)), t("linear_1.bias", f(10))]
    graph = helper.make_graph(nodes, "model-trained-structure",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 1, 28, 28])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 10]),
                               helper.make_tensor_value_info("z", TensorProto.INT64, ["batch"])], inits)
    structure = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="lockstep-pairs", producer_version="1")
    structure.ir_version = 8
    onnx.checker.check_model(structure, full_check=True)

    nodes = [
        N("Flatten", ["tensorX"], ["flat"], name="flatten", axis=1),
        N("Gemm", ["flat", "w", "b"], ["A-V-12-Add"], name="fc"),
        N("ArgMax", ["A-V-12-Add"], ["argmax"], name="argmax", axis=1, keepdims=0),
        N("Cast", ["argmax"], ["A-V-14-ArgMax"], name="cast", to=TensorProto.INT32),
    ]
    graph = helper.make_graph(nodes, "polygraphy-io",
                              [helper.make_tensor_value_info("tensorX", TensorProto.FLOAT, [4, 1, 28, 28])],
                              [helper.make_tensor_value_info("A-V-12-Add", TensorProto.FLOAT, [4, 10]),
                               helper.make_tensor_value_info("A-V-14-ArgMax", TensorProto.INT32, [4])],
                              [t("w", f(784, 10)), t("b", f(10))])
    io = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="lockstep-pairs", producer_version="1")
    io.ir_version = 8
    onnx.checker.check_model(io, full_check=True)
    return {"trt_hackathon_structure.onnx": structure, "trt_polygraphy_io.onnx": io}


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "examples", "pairs")
    os.makedirs(os.path.join(out, "inputs"), exist_ok=True)
    tf.keras.utils.set_random_seed(0)
    w = weights()

    files: dict[str, bytes] = {}
    reference = keras_model(w)
    files["pairnet.tflite"] = convert(reference)
    files["pairnet_no_activation.tflite"] = convert(keras_model(w, relu2=False))
    wrong = dict(w)
    wrong["bn1_var"] = (w["bn1_var"] * np.array([4, 1, 0.25, 1, 9, 1], np.float32)).astype(np.float32)
    wrong["bn1_mean"] = (w["bn1_mean"] + np.array([0, 0.5, 0, 0, 0, -0.5], np.float32)).astype(np.float32)
    files["pairnet_bn_wrong_stats.tflite"] = convert(keras_model(wrong))
    files["pairnet_layout_error.tflite"] = convert(keras_model(w, permute=False))
    files["pairnet_int8.tflite"] = convert(reference, int8=True)
    files["pairnet_int8_wrong_scale.tflite"] = scale_fc_weights(files["pairnet_int8.tflite"], 1.5)
    files["pairnet_custom_op.tflite"] = replace_with_custom_op(files["pairnet.tflite"], tflite.BuiltinOperator.SOFTMAX,
                                                               "LockstepSoftmax")
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)

    source = onnx_model(w)
    onnx.save(source, os.path.join(out, "pairnet.onnx"))
    for name, model in trt_models().items():
        onnx.save(model, os.path.join(out, name))

    # The committed input, and a self-check: ONNX Runtime on the ONNX form against LiteRT on the
    # correct conversion (the broken ones must disagree).
    image_nhwc = nhwc_inputs(1, seed=3)[0]
    image = np.ascontiguousarray(image_nhwc.transpose(0, 3, 1, 2))
    np.save(os.path.join(out, "inputs", "image.npy"), image)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    ort_probs = ort.InferenceSession(source.SerializeToString(), options, providers=["CPUExecutionProvider"]).run(None, {"image": image})[0]
    keras_probs = reference(image_nhwc, training=False).numpy()
    assert np.allclose(ort_probs, keras_probs, rtol=1e-5, atol=1e-6), np.abs(ort_probs - keras_probs).max()
    for name in files:
        if name == "pairnet_custom_op.tflite":
            continue
        interpreter = tf.lite.Interpreter(model_content=files[name])
        interpreter.allocate_tensors()
        detail = interpreter.get_input_details()[0]
        feed = image_nhwc
        if detail["dtype"] == np.int8:
            scale, zero = detail["quantization"]
            feed = np.clip(np.round(image_nhwc / scale) + zero, -128, 127).astype(np.int8)
        interpreter.set_tensor(detail["index"], feed)
        interpreter.invoke()
        o = interpreter.get_output_details()[0]
        probs = interpreter.get_tensor(o["index"]).astype(np.float32)
        if o["dtype"] == np.int8:
            scale, zero = o["quantization"]
            probs = (probs - zero) * scale
        print(f"{name:36s} max |probs - onnxruntime| = {np.abs(probs - ort_probs).max():.3g}")


if __name__ == "__main__":
    main()
