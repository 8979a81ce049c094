#!/usr/bin/env python3
"""Writes opsets/openvino/cpu.yaml: which ONNX ops OpenVINO's ONNX frontend converts and its CPU
plugin compiles, measured with the openvino wheel pinned in scripts/generator-requirements.txt.

Every ONNX backend node case in the corpus (scripts/fetch-corpus.sh) is read with
openvino.Core.read_model and compiled for CPU:
  - a case whose model fails with "No conversion rule found for operations: Op-v" marks that op
    version as not converted (the frontend has no translator for it);
  - a model that compiles marks every op version in it as working (node cases, and the real
    models of the corpus: onnx zoo `light/`, PP-OCR).
An op is listed when some version of it worked; its `versions` are the schema since-versions up
to the newest one that worked, minus the versions seen without a conversion rule. Ops that never
worked but were seen without a conversion rule are listed as `supported: false`. Element types are
not constrained (the cases cover few of them). A few restrictions read from failure messages
are in OBSERVED.

Run (from the repository root):
  PY="$(bash scripts/generator-venv.sh)"
  $PY scripts/opsets_openvino.py --corpus ~/.cache/lockstep/corpus > opsets/openvino/cpu.yaml
"""
from __future__ import annotations

import argparse
import glob
import os
import re
import sys
from collections import defaultdict


# Restrictions read from the failure messages of single-node cases (see the stderr notes).
OBSERVED = {
    "Unsqueeze": [("input: 1", "constant: true",
                   "the CPU plugin rejects Unsqueeze of dynamic rank, which a non-constant axes input gives")],
    "Resize": [("attribute: coordinate_transformation_mode", "not_in: [half_pixel_symmetric]",
                "the ONNX frontend rejects the half_pixel_symmetric coordinate transformation")],
}


def mark_worked(model, schemas, worked):
    """Every default-domain op of a model that converted and compiled worked at its since-version."""
    opsets = {("" if o.domain == "ai.onnx" else o.domain): o.version for o in model.opset_import}
    for n in model.graph.node:
        if n.domain in ("", "ai.onnx"):
            v = since_version(schemas, "", n.op_type, opsets.get("", 1))
            if v is not None:
                worked[n.op_type].add(v)


def since_version(schemas, domain, op, opset):
    best = None
    for v in schemas.get((domain, op), []):
        if v <= opset:
            best = v
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--retrieved", default=None)
    args = ap.parse_args()

    import onnx
    import onnx.defs
    import openvino as ov

    schemas = defaultdict(list)
    for s in onnx.defs.get_all_schemas_with_history():
        if s.domain == "":
            schemas[("", s.name)].append(s.since_version)
    for v in schemas.values():
        v.sort()

    core = ov.Core()
    worked = defaultdict(set)        # op -> since-versions that converted and compiled
    unconverted = defaultdict(set)   # op -> since-versions without a conversion rule
    other_failures = defaultdict(list)
    cases = sorted(glob.glob(os.path.join(args.corpus, "node", "*", "model.onnx")))
    if not cases:
        raise SystemExit(f"{args.corpus}: no node cases (run scripts/fetch-corpus.sh)")
    for path in cases:
        model = onnx.load(path, load_external_data=False)
        opsets = {("" if o.domain == "ai.onnx" else o.domain): o.version for o in model.opset_import}
        nodes = [n for n in model.graph.node if not (n.domain in ("", "ai.onnx") and n.op_type == "Constant")]
        try:
            compiled_ok = False
            ov_model = core.read_model(path)
            core.compile_model(ov_model, "CPU")
            compiled_ok = True
        except Exception as e:  # noqa: BLE001 - any failure is data here
            text = str(e)
            m = re.search(r"No conversion rule found for operations: ([^\n]+)", text)
            if m:
                for item in m.group(1).split(","):
                    item = item.strip()
                    mm = re.fullmatch(r"(?:([\w.]+)\.)?(\w+)-(\d+)", item)
                    if mm and not mm.group(1):
                        unconverted[mm.group(2)].add(int(mm.group(3)))
            elif len(nodes) == 1 and nodes[0].domain in ("", "ai.onnx"):
                other_failures[nodes[0].op_type].append(os.path.basename(os.path.dirname(path)))
        if compiled_ok:
            mark_worked(model, schemas, worked)

    for path in sorted(glob.glob(os.path.join(args.corpus, "light", "*.onnx")) +
                       glob.glob(os.path.join(args.corpus, "ppocr", "*.onnx"))):
        try:
            core.compile_model(core.read_model(path), "CPU")
            mark_worked(onnx.load(path), schemas, worked)
            print(f"opsets_openvino: check: {os.path.basename(path)}: compiles for CPU", file=sys.stderr)
        except Exception as e:  # noqa: BLE001
            print(f"opsets_openvino: check: {os.path.basename(path)}: {str(e).splitlines()[0][:200]}", file=sys.stderr)

    ver = ov.__version__.split("-")[0]
    w = ["# Generated by scripts/opsets_openvino.py; do not edit by hand (see the script for the command).",
         "schema: 1", "id: openvino-cpu", "name: OpenVINO CPU (ONNX frontend)", "format: onnx",
         "kind: compiler", "runtime:", "  name: OpenVINO Runtime, ONNX frontend + CPU plugin",
         f'  versions: "{ver}"', "accelerator: cpu", "sources:",
         "  - id: ov-measured",
         f'    title: "openvino {ver} (PyPI wheel): read_model + compile_model(CPU) of each ONNX backend node case '
         f'(onnx {onnx.__version__}), run by scripts/opsets_openvino.py"',
         f'    url: "https://pypi.org/project/openvino/{ver}/"',
         f'    version: "openvino {ov.__version__}"']
    if args.retrieved:
        w.append(f'    retrieved: "{args.retrieved}"')
    w += ["default_source: ov-measured", "unsupported:", "  action: error",
          '  reason: "the ONNX frontend has no conversion rule for the node, so the whole model fails to load"',
          "partitioning:", "  min_nodes_per_partition: 1", "  max_partitions: null", "  whole_graph_only: true",
          'notes: "Measured, not documented: an op is listed when an ONNX backend node case or a corpus model holding it converted '
          'and compiled for CPU; its versions run up to the newest version that did, minus versions reported '
          'without a conversion rule. Versions newer than any that worked are left out (unknown). Element types '
          'are not constrained. OpenVINO converts the whole model or fails; there is no fallback device."',
          "ops:"]
    for op in sorted(set(worked) | set(unconverted)):
        if op not in worked:
            w += [f"  {op}:", "    supported: false",
                  f'    reason: "no conversion rule in the ONNX frontend (seen for version '
                  f'{", ".join(map(str, sorted(unconverted[op])))})"']
            continue
        top = max(worked[op])
        vs = [v for v in schemas[("", op)] if v <= top and v not in unconverted[op]]
        w += [f"  {op}:", f'    versions: "{", ".join(map(str, vs))}"']
        if op in OBSERVED:
            w.append("    constraints:")
            for subject, check, reason in OBSERVED[op]:
                w += [f"      - {subject}", f"        {check}", f'        reason: "{reason}"']
    sys.stdout.write("\n".join(w) + "\n")
    for op, cs in sorted(other_failures.items()):
        print(f"opsets_openvino: note: {op}: {len(cs)} single-node case(s) failed otherwise, e.g. {cs[0]}",
              file=sys.stderr)


if __name__ == "__main__":
    main()
