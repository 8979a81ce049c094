"""Writes a large synthetic ONNX model for the parse benchmark (default ~120 MB, weights inline).

An MLP of MatMul/Add/Relu layers whose float32 weights are stored as raw_data inside the
.onnx file, so the whole file goes through the protobuf parser. Usage: make_bench_model.py OUT [MB]"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main() -> None:
    out = sys.argv[1]
    megabytes = int(sys.argv[2]) if len(sys.argv) > 2 else 120
    width = 2048
    layers = max(1, megabytes * 1024 * 1024 // (width * width * 4))
    rng = np.random.default_rng(7)
    nodes, inits = [], []
    current = "x"
    for i in range(layers):
        w = rng.standard_normal((width, width), dtype=np.float32)
        b = rng.standard_normal((width,), dtype=np.float32)
        inits += [numpy_helper.from_array(w, f"w{i}"), numpy_helper.from_array(b, f"b{i}")]
        nodes += [
            helper.make_node("MatMul", [current, f"w{i}"], [f"mm{i}"], name=f"mm{i}"),
            helper.make_node("Add", [f"mm{i}", f"b{i}"], [f"add{i}"], name=f"add{i}"),
            helper.make_node("Relu", [f"add{i}"], [f"y{i}"], name=f"relu{i}"),
        ]
        current = f"y{i}"
    graph = helper.make_graph(
        nodes, "bench_mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", width])],
        [helper.make_tensor_value_info(current, TensorProto.FLOAT, ["batch", width])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="lockstep-bench")
    onnx.save_model(model, out)


if __name__ == "__main__":
    main()
