#!/usr/bin/env python3
"""Generates the small example models in examples/models/ (committed; deterministic, fixed seeds).

  tiny_cnn.onnx                  image classifier, float32, opset 17
  tiny_cnn_qdq.onnx              the same weights quantised: QDQ activations, per-channel int8 weights
  control_flow.onnx              If (then/else subgraphs), Loop (body graph), Scan; opset 17
  with_external_data/model.onnx  small MLP whose initializers live in with_external_data/weights.bin
  custom_domain.onnx             a com.microsoft contrib op, a model-local function
                                 (domain lockstep.examples), metadata_props

Each model is checked with onnx.checker (not custom_domain.onnx, whose contrib op the checker does
not know) and run in onnxruntime against a numpy / onnx.reference computation.
Usage: python scripts/make-examples.py [OUT_DIR]   (default examples/models; run in the venv that
scripts/bootstrap.sh makes)
"""

from __future__ import annotations

import os
import shutil
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRODUCER = "lockstep-examples"
PRODUCER_VERSION = "1"
QDQ_OPSET = 21 if onnx.defs.onnx_opset_version() >= 21 else 19


def make_model(graph: onnx.GraphProto, opsets: dict[str, int], functions=(), doc: str = "") -> onnx.ModelProto:
    """A model with the lowest IR version that its default-domain opset needs (widest compatibility)."""
    imports = [helper.make_opsetid(domain, version) for domain, version in opsets.items()]
    ir_version = helper.find_min_ir_version_for([helper.make_opsetid("", opsets[""])])
    model = helper.make_model(
        graph,
        opset_imports=imports,
        functions=list(functions),
        producer_name=PRODUCER,
        producer_version=PRODUCER_VERSION,
        doc_string=doc,
    )
    model.ir_version = ir_version
    return model


def session(model_or_path) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.log_severity_level = 3
    source = model_or_path if isinstance(model_or_path, str) else model_or_path.SerializeToString()
    return ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])


def save(model: onnx.ModelProto, path: str, check: bool = True) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if check:
        onnx.checker.check_model(model, full_check=True)
    onnx.save_model(model, path)


# --- tiny_cnn ----------------------------------------------------------------------------------


def tiny_cnn_weights() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(17)

    def he(shape, fan_in):
        return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)

    return {
        "conv1.weight": he((8, 3, 3, 3), 3 * 9),
        "conv1.bias": (rng.standard_normal(8) * 0.05).astype(np.float32),
        "conv2.weight": he((16, 8, 3, 3), 8 * 9),
        "conv2.bias": (rng.standard_normal(16) * 0.05).astype(np.float32),
        "fc.weight": he((10, 16 * 8 * 8), 16 * 8 * 8),
        "fc.bias": (rng.standard_normal(10) * 0.05).astype(np.float32),
    }


def tiny_cnn_nodes(nodes: list[onnx.NodeProto], weight: dict[str, str], act=lambda name: name) -> str:
    """Appends Conv+Relu+MaxPool x2 -> Flatten -> Gemm to `nodes`; returns the logits' name.

    `weight` maps a weight name to the tensor the node reads; `act(name)` may append nodes after an
    activation (QDQ) and returns the name to read it by."""
    x = act("image")
    for i in (1, 2):
        nodes.append(helper.make_node(
            "Conv", [x, weight[f"conv{i}.weight"], weight[f"conv{i}.bias"]], [f"conv{i}"],
            name=f"conv{i}", kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]))
        nodes.append(helper.make_node("Relu", [f"conv{i}"], [f"relu{i}"], name=f"relu{i}"))
        x = act(f"relu{i}")
        nodes.append(helper.make_node("MaxPool", [x], [f"pool{i}"], name=f"pool{i}", kernel_shape=[2, 2], strides=[2, 2]))
        x = act(f"pool{i}")
    nodes.append(helper.make_node("Flatten", [x], ["flat"], name="flatten", axis=1))
    x = act("flat")
    nodes.append(helper.make_node("Gemm", [x, weight["fc.weight"], weight["fc.bias"]], ["logits"], name="fc", transB=1))
    return "logits"


def tiny_cnn_io():
    image = helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 3, 32, 32])
    probs = helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["batch", 10])
    return image, probs


def make_tiny_cnn(weights: dict[str, np.ndarray]) -> onnx.ModelProto:
    nodes: list[onnx.NodeProto] = []
    logits = tiny_cnn_nodes(nodes, {k: k for k in weights})
    nodes.append(helper.make_node("Softmax", [logits], ["probs"], name="softmax", axis=1))
    image, probs = tiny_cnn_io()
    graph = helper.make_graph(
        nodes, "tiny_cnn", [image], [probs],
        initializer=[numpy_helper.from_array(v, k) for k, v in weights.items()],
        doc_string="32x32 RGB image -> 10 class probabilities")
    return make_model(graph, {"": 17}, doc="Tiny image classifier (random weights), generated by scripts/make-examples.py")


def make_tiny_cnn_qdq(weights: dict[str, np.ndarray], float_model: onnx.ModelProto, calibration: np.ndarray) -> onnx.ModelProto:
    """tiny_cnn in QDQ form: every activation goes through QuantizeLinear -> DequantizeLinear (int8,
    symmetric, scale from the float model's range on `calibration`); weights are int8 per output
    channel (axis 0) and biases int32 with scale input_scale * weight_scale, each read through a
    DequantizeLinear."""
    ranges = ReferenceEvaluator(float_model).run(None, {"image": calibration}, intermediate=True)
    ranges["image"] = calibration

    def act_scale(name: str) -> float:
        return max(float(np.abs(ranges[name]).max()), 1e-6) / 127.0

    initializers: list[onnx.TensorProto] = []
    nodes: list[onnx.NodeProto] = []

    def dequantize(prefix: str, q: np.ndarray, scale: np.ndarray, zero_point: np.ndarray, **attrs) -> str:
        initializers.extend([
            numpy_helper.from_array(q, f"{prefix}.q"),
            numpy_helper.from_array(scale, f"{prefix}.scale"),
            numpy_helper.from_array(zero_point, f"{prefix}.zero_point"),
        ])
        nodes.append(helper.make_node("DequantizeLinear", [f"{prefix}.q", f"{prefix}.scale", f"{prefix}.zero_point"],
                                      [f"{prefix}.dq"], name=f"{prefix}.dequantize", **attrs))
        return f"{prefix}.dq"

    weight_names: dict[str, str] = {}
    for layer, input_name in (("conv1", "image"), ("conv2", "pool1"), ("fc", "flat")):
        w = weights[f"{layer}.weight"]
        b = weights[f"{layer}.bias"]
        w_scale = (np.abs(w.reshape(w.shape[0], -1)).max(axis=1) / 127.0).astype(np.float32)
        w_q = np.clip(np.round(w / w_scale.reshape((-1,) + (1,) * (w.ndim - 1))), -127, 127).astype(np.int8)
        b_scale = (np.float32(act_scale(input_name)) * w_scale).astype(np.float32)
        b_q = np.round(b / b_scale).astype(np.int32)
        weight_names[f"{layer}.weight"] = dequantize(f"{layer}.weight", w_q, w_scale, np.zeros(w_scale.shape, np.int8), axis=0)
        weight_names[f"{layer}.bias"] = dequantize(f"{layer}.bias", b_q, b_scale, np.zeros(b_scale.shape, np.int32), axis=0)

    def act(name: str) -> str:
        initializers.append(numpy_helper.from_array(np.array(act_scale(name), np.float32), f"{name}.scale"))
        initializers.append(numpy_helper.from_array(np.array(0, np.int8), f"{name}.zero_point"))
        nodes.append(helper.make_node("QuantizeLinear", [name, f"{name}.scale", f"{name}.zero_point"], [f"{name}.q"],
                                      name=f"{name}.quantize"))
        nodes.append(helper.make_node("DequantizeLinear", [f"{name}.q", f"{name}.scale", f"{name}.zero_point"],
                                      [f"{name}.dq"], name=f"{name}.dequantize"))
        return f"{name}.dq"

    logits = act(tiny_cnn_nodes(nodes, weight_names, act))
    nodes.append(helper.make_node("Softmax", [logits], ["probs"], name="softmax", axis=1))
    image, probs = tiny_cnn_io()
    graph = helper.make_graph(
        nodes, "tiny_cnn_qdq", [image], [probs], initializer=initializers,
        doc_string="tiny_cnn with QuantizeLinear/DequantizeLinear around activations and per-channel int8 weights")
    return make_model(graph, {"": QDQ_OPSET}, doc="tiny_cnn quantised in QDQ form (int8), generated by scripts/make-examples.py")


# --- control_flow ------------------------------------------------------------------------------


def make_control_flow() -> onnx.ModelProto:
    f = TensorProto.FLOAT
    vec = lambda name: helper.make_tensor_value_info(name, f, [4])  # noqa: E731
    scalar = lambda name, t: helper.make_tensor_value_info(name, t, [])  # noqa: E731

    # If: then doubles x, else subtracts one (both read the outer-scope x).
    then_graph = helper.make_graph(
        [helper.make_node("Constant", [], ["two"], value=numpy_helper.from_array(np.array(2, np.float32), "two")),
         helper.make_node("Mul", ["x", "two"], ["then_out"], name="then_mul")],
        "then_branch", [], [vec("then_out")])
    else_graph = helper.make_graph(
        [helper.make_node("Constant", [], ["one"], value=numpy_helper.from_array(np.array(1, np.float32), "one")),
         helper.make_node("Sub", ["x", "one"], ["else_out"], name="else_sub")],
        "else_branch", [], [vec("else_out")])
    if_node = helper.make_node("If", ["cond"], ["branch"], name="choose", then_branch=then_graph, else_branch=else_graph)

    # Loop: trip_count iterations of acc += branch; the per-iteration acc is a scan output.
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"], name="keep_going"),
         helper.make_node("Add", ["acc_in", "branch"], ["acc_out"], name="accumulate"),
         helper.make_node("Identity", ["acc_out"], ["trace_out"], name="trace")],
        "loop_body",
        [scalar("iteration", TensorProto.INT64), scalar("cond_in", TensorProto.BOOL), vec("acc_in")],
        [scalar("cond_out", TensorProto.BOOL), vec("acc_out"), vec("trace_out")])
    loop_node = helper.make_node("Loop", ["trip_count", "", "zeros"], ["loop_acc", "loop_trace"], name="repeat", body=body)

    # Scan: running sum over the rows of `rows`.
    scan_body = helper.make_graph(
        [helper.make_node("Add", ["state_in", "row"], ["state_out"], name="running_sum"),
         helper.make_node("Identity", ["state_out"], ["cumsum_out"], name="emit")],
        "scan_body", [vec("state_in"), vec("row")], [vec("state_out"), vec("cumsum_out")])
    scan_node = helper.make_node("Scan", ["zeros", "rows"], ["scan_sum", "scan_cumsum"], name="cumulate",
                                 body=scan_body, num_scan_inputs=1)

    graph = helper.make_graph(
        [if_node, loop_node, scan_node], "control_flow",
        [vec("x"), scalar("cond", TensorProto.BOOL), scalar("trip_count", TensorProto.INT64),
         helper.make_tensor_value_info("rows", f, ["steps", 4])],
        [vec("branch"), vec("loop_acc"), helper.make_tensor_value_info("loop_trace", f, ["iterations", 4]),
         vec("scan_sum"), helper.make_tensor_value_info("scan_cumsum", f, ["steps", 4])],
        initializer=[numpy_helper.from_array(np.zeros(4, np.float32), "zeros")])
    return make_model(graph, {"": 17}, doc="If, Loop and Scan with subgraphs, generated by scripts/make-examples.py")


# --- with_external_data ------------------------------------------------------------------------


def make_mlp() -> onnx.ModelProto:
    rng = np.random.default_rng(23)
    weights = {
        "fc1.weight": (rng.standard_normal((16, 32)) * 0.25).astype(np.float32),
        "fc1.bias": (rng.standard_normal(32) * 0.05).astype(np.float32),
        "fc2.weight": (rng.standard_normal((32, 4)) * 0.25).astype(np.float32),
        "fc2.bias": (rng.standard_normal(4) * 0.05).astype(np.float32),
    }
    nodes = [
        helper.make_node("MatMul", ["features", "fc1.weight"], ["fc1.mm"], name="fc1.matmul"),
        helper.make_node("Add", ["fc1.mm", "fc1.bias"], ["fc1"], name="fc1.add"),
        helper.make_node("Relu", ["fc1"], ["hidden"], name="relu"),
        helper.make_node("MatMul", ["hidden", "fc2.weight"], ["fc2.mm"], name="fc2.matmul"),
        helper.make_node("Add", ["fc2.mm", "fc2.bias"], ["logits"], name="fc2.add"),
    ]
    graph = helper.make_graph(
        nodes, "mlp_external",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", 16])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 4])],
        initializer=[numpy_helper.from_array(v, k) for k, v in weights.items()])
    return make_model(graph, {"": 17}, doc="MLP whose weights are external data (weights.bin), generated by scripts/make-examples.py")


# --- custom_domain -----------------------------------------------------------------------------


def make_custom_domain() -> onnx.ModelProto:
    # lockstep.examples::ScaledTanh(x) = Tanh(x) * alpha, alpha an attribute of the calling node.
    scale_node = helper.make_node("Constant", [], ["alpha_value"])
    scale_node.attribute.append(helper.make_attribute_ref("value_float", onnx.AttributeProto.FLOAT, ref_attr_name="alpha"))
    function = helper.make_function(
        "lockstep.examples", "ScaledTanh", ["X"], ["Y"],
        [scale_node,
         helper.make_node("Tanh", ["X"], ["tanh"]),
         helper.make_node("Mul", ["tanh", "alpha_value"], ["Y"])],
        opset_imports=[helper.make_opsetid("", 17)],
        attributes=["alpha"],
        doc_string="Tanh(X) * alpha")

    nodes = [
        helper.make_node("QuickGelu", ["x"], ["gelu"], name="quick_gelu", domain="com.microsoft", alpha=1.702),
        helper.make_node("ScaledTanh", ["gelu"], ["y"], name="scaled_tanh", domain="lockstep.examples", alpha=0.5),
    ]
    graph = helper.make_graph(
        nodes, "custom_domain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])])
    model = make_model(graph, {"": 17, "com.microsoft": 1, "lockstep.examples": 1}, functions=[function],
                       doc="A contrib op and a model-local function, generated by scripts/make-examples.py")
    helper.set_model_props(model, {"author": "lockstep-examples", "purpose": "custom domains and model-local functions",
                                   "license": "Apache-2.0"})
    return model


# --- main --------------------------------------------------------------------------------------


def main() -> int:
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "examples", "models"))
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(5)

    # tiny_cnn
    weights = tiny_cnn_weights()
    cnn = make_tiny_cnn(weights)
    save(cnn, os.path.join(out, "tiny_cnn.onnx"))
    images = rng.standard_normal((4, 3, 32, 32)).astype(np.float32)
    probs = session(os.path.join(out, "tiny_cnn.onnx")).run(None, {"image": images})[0]
    expected = ReferenceEvaluator(cnn).run(None, {"image": images})[0]
    np.testing.assert_allclose(probs, expected, rtol=1e-4, atol=1e-5)
    assert probs.shape == (4, 10) and np.allclose(probs.sum(axis=1), 1, atol=1e-5)

    # tiny_cnn_qdq
    calibration = rng.standard_normal((8, 3, 32, 32)).astype(np.float32)
    qdq = make_tiny_cnn_qdq(weights, cnn, calibration)
    save(qdq, os.path.join(out, "tiny_cnn_qdq.onnx"))
    q_probs = session(os.path.join(out, "tiny_cnn_qdq.onnx")).run(None, {"image": images})[0]
    assert q_probs.shape == (4, 10)
    assert np.abs(q_probs - probs).max() < 0.1, np.abs(q_probs - probs).max()
    print(f"  tiny_cnn_qdq: max |probs - float probs| = {np.abs(q_probs - probs).max():.4f}, top-1 agreement {(q_probs.argmax(1) == probs.argmax(1)).mean():.2f}")

    # control_flow
    flow = make_control_flow()
    save(flow, os.path.join(out, "control_flow.onnx"))
    x = np.array([1, -2, 3, 0.5], np.float32)
    rows = np.arange(12, dtype=np.float32).reshape(3, 4)
    for cond in (True, False):
        got = session(os.path.join(out, "control_flow.onnx")).run(
            None, {"x": x, "cond": np.array(cond), "trip_count": np.array(3, np.int64), "rows": rows})
        branch = x * 2 if cond else x - 1
        np.testing.assert_allclose(got[0], branch)
        np.testing.assert_allclose(got[1], branch * 3)
        np.testing.assert_allclose(got[2], np.stack([branch * k for k in (1, 2, 3)]))
        np.testing.assert_allclose(got[3], rows.sum(axis=0))
        np.testing.assert_allclose(got[4], np.cumsum(rows, axis=0))

    # with_external_data
    ext_dir = os.path.join(out, "with_external_data")
    shutil.rmtree(ext_dir, ignore_errors=True)
    os.makedirs(ext_dir)
    mlp = make_mlp()
    onnx.checker.check_model(mlp, full_check=True)
    reference_mlp = ReferenceEvaluator(mlp)
    onnx.save_model(mlp, os.path.join(ext_dir, "model.onnx"), save_as_external_data=True,
                    all_tensors_to_one_file=True, location="weights.bin", size_threshold=0)
    onnx.checker.check_model(os.path.join(ext_dir, "model.onnx"), full_check=True)
    stored = onnx.load(os.path.join(ext_dir, "model.onnx"), load_external_data=False)
    assert all(t.data_location == TensorProto.EXTERNAL for t in stored.graph.initializer)
    assert sorted(os.listdir(ext_dir)) == ["model.onnx", "weights.bin"], os.listdir(ext_dir)
    features = rng.standard_normal((3, 16)).astype(np.float32)
    got = session(os.path.join(ext_dir, "model.onnx")).run(None, {"features": features})[0]
    np.testing.assert_allclose(got, reference_mlp.run(None, {"features": features})[0], rtol=1e-5, atol=1e-6)

    # custom_domain (no checker: it does not know com.microsoft ops)
    custom = make_custom_domain()
    save(custom, os.path.join(out, "custom_domain.onnx"), check=False)
    xs = rng.standard_normal((1, 8)).astype(np.float32)
    got = session(os.path.join(out, "custom_domain.onnx")).run(None, {"x": xs})[0]
    gelu = xs / (1 + np.exp(-1.702 * xs))
    np.testing.assert_allclose(got, np.tanh(gelu) * 0.5, rtol=1e-5, atol=1e-6)

    total = 0
    for dirpath, _, files in sorted(os.walk(out)):
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            total += os.path.getsize(path)
            print(f"  {os.path.relpath(path, out):34} {os.path.getsize(path):8d} bytes")
    print(f"examples: {total} bytes in {out} (onnx {onnx.__version__}, onnxruntime {ort.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
