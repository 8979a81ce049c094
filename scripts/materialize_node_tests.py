#!/usr/bin/env python3
"""Writes the ONNX backend node test cases to disk in onnx's own backend-test layout.

The onnx wheel no longer ships `onnx/backend/test/data/node/`; the cases are generated in memory
by `onnx.backend.test.loader.load_node_model_tests()`. This script writes each one as

    OUT/<name>/model.onnx
    OUT/<name>/data.json                       {"atol": ..., "rtol": ...}
    OUT/<name>/test_data_set_<k>/input_<i>.pb   TensorProto | SequenceProto | OptionalProto | MapProto
    OUT/<name>/test_data_set_<k>/output_<i>.pb

exactly as `onnx/backend/test/cmd_tools.py generate-data` does: the proto kind of a value follows
the type of the matching graph input/output. A data set with a value that cannot be serialised is
not written; it is listed in OUT/skipped.txt with the reason.

Usage: python scripts/materialize_node_tests.py OUT_DIR   (run in the venv from bootstrap.sh)
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import warnings

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper


def value_proto_bytes(value, value_info: onnx.ValueInfoProto | None) -> bytes:
    """Serialises one input/output value like onnx's generate-data does."""
    name = value_info.name if value_info is not None else ""
    kind = value_info.type.WhichOneof("value") if value_info is not None else None
    if kind is None:  # no matching graph input/output: infer from the Python value
        if isinstance(value, dict):
            kind = "map_type"
        elif isinstance(value, list):
            kind = "sequence_type"
        elif value is None:
            kind = "optional_type"
        else:
            kind = "tensor_type"
    if kind == "map_type":
        return numpy_helper.from_dict(value, name).SerializeToString()
    if kind == "sequence_type":
        return numpy_helper.from_list(value, name).SerializeToString()
    if kind == "optional_type":
        return numpy_helper.from_optional(value, name).SerializeToString()
    if kind in ("tensor_type", "sparse_tensor_type"):
        if isinstance(value, TensorProto):
            return value.SerializeToString()
        if value is None:
            raise ValueError("None value for a tensor")
        return numpy_helper.from_array(np.asarray(value), name).SerializeToString()
    raise ValueError(f"unsupported value type {kind!r}")


def write_case(case, out_dir: str, skipped: list[str]) -> int:
    """Writes one test case; returns how many data sets were written."""
    case_dir = os.path.join(out_dir, case.name)
    os.makedirs(case_dir)
    model = case.model
    with open(os.path.join(case_dir, "model.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    with open(os.path.join(case_dir, "data.json"), "w") as f:
        json.dump({"atol": case.atol, "rtol": case.rtol}, f, sort_keys=True)
        f.write("\n")
    graph_inputs = list(model.graph.input)
    graph_outputs = list(model.graph.output)
    written = 0
    for k, (inputs, outputs) in enumerate(case.data_sets or []):
        files: dict[str, bytes] = {}
        try:
            for j, value in enumerate(inputs):
                info = graph_inputs[j] if j < len(graph_inputs) else None
                files[f"input_{j}.pb"] = value_proto_bytes(value, info)
            for j, value in enumerate(outputs):
                info = graph_outputs[j] if j < len(graph_outputs) else None
                files[f"output_{j}.pb"] = value_proto_bytes(value, info)
        except Exception as error:  # noqa: BLE001 - any failure means: skip and record
            reason = f"{type(error).__name__}: {error}".replace("\n", " ")
            skipped.append(f"{case.name}/test_data_set_{k}\t{reason}")
            continue
        set_dir = os.path.join(case_dir, f"test_data_set_{k}")
        os.makedirs(set_dir)
        for file_name, data in files.items():
            with open(os.path.join(set_dir, file_name), "wb") as f:
                f.write(data)
        written += 1
    return written


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    out_dir = sys.argv[1]
    warnings.simplefilter("ignore")  # the case generators warn about deliberate overflows/NaNs
    np.seterr(all="ignore")
    from onnx.backend.test.loader import load_node_model_tests

    cases = sorted(load_node_model_tests(), key=lambda c: c.name)
    names = [c.name for c in cases]
    if len(set(names)) != len(names):
        raise SystemExit("duplicate node test names")

    tmp_dir = out_dir.rstrip("/") + ".tmp"
    shutil.rmtree(tmp_dir, ignore_errors=True)
    os.makedirs(tmp_dir)
    skipped: list[str] = []
    data_sets = 0
    for case in cases:
        data_sets += write_case(case, tmp_dir, skipped)
    with open(os.path.join(tmp_dir, "skipped.txt"), "w") as f:
        f.write(f"# data sets of onnx {onnx.__version__} node tests that could not be serialised\n")
        f.writelines(line + "\n" for line in skipped)
    shutil.rmtree(out_dir, ignore_errors=True)
    os.replace(tmp_dir, out_dir)
    print(
        f"node tests: {len(cases)} cases, {data_sets} data sets written, "
        f"{len(skipped)} skipped (onnx {onnx.__version__}) -> {out_dir}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
