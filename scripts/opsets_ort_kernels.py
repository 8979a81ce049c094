#!/usr/bin/env python3
"""Writes an ONNX Runtime execution provider's kernel table as an opsets/ target file (schema 1).

Two sources of the same facts (ONNX Runtime's registered kernels: op, domain, opset range, type
constraints):

  --from-runtime             the kernel registry of the onnxruntime wheel in the shared venv
                             (onnxruntime.capi get_all_opkernel_def(), the data that ORT's
                             tools/python/gen_opkernel_doc.py renders as docs/OperatorKernels.md).
                             The CPU wheel registers the CPU EP only.
  --kernels-md FILE          a copy of docs/OperatorKernels.md; --provider picks its section
                             (e.g. CUDAExecutionProvider). The file is not committed: fetch it at
                             the commit named with --md-commit.

Type constraints are attached to the first input (else output) that the op's schema binds to the
type parameter, so `input: I, dtype: [...]` constraints say which element types the kernel takes;
where the types differ between opset ranges the constraint carries `versions:`. Schemas come from
the onnxruntime wheel (get_all_operator_schema), which knows ai.onnx, ai.onnx.ml and ORT's own
domains. Non-tensor types (seq(...), map(...), optional(...)) are not constrained.

Regenerate (from the repository root):
  PY=~/.cache/lockstep/venv/bin/python
  $PY scripts/opsets_ort_kernels.py --from-runtime --target cpu > opsets/onnxruntime/cpu.yaml
  $PY scripts/opsets_ort_kernels.py --kernels-md OperatorKernels.md --md-commit SHA \\
      --provider CUDAExecutionProvider --target cuda > opsets/onnxruntime/cuda.yaml
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict

OPEN = 2**31 - 1

# ONNX type strings -> Lockstep DType names (Sources/LockstepCore/DType.swift).
DTYPES = {
    "float": "float32", "float16": "float16", "bfloat16": "bfloat16", "double": "float64",
    "float8e4m3fn": "float8e4m3fn", "float8e4m3fnuz": "float8e4m3fnuz", "float8e5m2": "float8e5m2",
    "float8e5m2fnuz": "float8e5m2fnuz", "float8e8m0": "float8e8m0", "float4e2m1": "float4e2m1",
    "int2": "int2", "uint2": "uint2", "int4": "int4", "uint4": "uint4",
    "int8": "int8", "uint8": "uint8", "int16": "int16", "uint16": "uint16", "int32": "int32",
    "uint32": "uint32", "int64": "int64", "uint64": "uint64", "bool": "bool", "string": "string",
    "complex64": "complex64", "complex128": "complex128",
}
DTYPE_ORDER = list(dict.fromkeys(DTYPES.values()))


def tensor_dtype(type_str: str) -> str | None:
    """`tensor(float)` -> `float32`; None for sequences, maps and optionals."""
    m = re.fullmatch(r"tensor\((\w+)\)", type_str.strip())
    if not m:
        return None
    if m.group(1) not in DTYPES:
        raise SystemExit(f"unknown ONNX element type {type_str!r}")
    return DTYPES[m.group(1)]


# --------------------------------------------------------------------------- kernel sources

def kernels_from_runtime():
    """[(domain, op, start, end, {param: set(dtype)})] from the wheel's registry, CPU EP only."""
    from onnxruntime.capi import onnxruntime_pybind11_state as C
    out = []
    for k in C.get_all_opkernel_def():
        if k.provider != "CPUExecutionProvider":
            continue
        start, end = k.version_range
        params = {p: {d for d in map(tensor_dtype, ts) if d} for p, ts in k.type_constraints.items()}
        out.append((k.domain or "", k.op_name, start, end, params))
    return out


def kernels_from_markdown(path: str, provider: str):
    """Parses one provider's section of docs/OperatorKernels.md (the table gen_opkernel_doc.py writes)."""
    text = open(path, encoding="utf-8").read()
    head = f"## Operators implemented by {provider}"
    at = text.find(head)
    if at < 0:
        raise SystemExit(f"{path}: no section {head!r}")
    section = text[at + len(head):]
    nxt = section.find("\n## ")
    if nxt >= 0:
        section = section[:nxt]
    out = []
    domain = op = None
    for line in section.splitlines():
        if (not line.startswith("|") or line.startswith("|--") or line.startswith("| Op Name")
                or line.strip() == "| |"):
            continue
        m = re.match(r"\|\*\*Operator Domain:\*\* \*([\w.]+)\*\|", line)
        if m:
            domain = "" if m.group(1) == "ai.onnx" else m.group(1)
            continue
        cells = line.split("|")
        # | name | params | versions | types |  -> ['', name, params, versions, types, '']
        if len(cells) != 6:
            raise SystemExit(f"{path}: unexpected table row: {line[:80]}")
        if cells[1]:
            op = cells[1]
        if domain is None or op is None:
            raise SystemExit(f"{path}: row before a domain/op: {line[:80]}")
        start, end = parse_md_versions(cells[3])
        params = {}
        for part in cells[4].split("<br/>"):
            part = part.strip()
            if not part:
                continue
            pm = re.fullmatch(r"\*\*(\w+)\*\* = (.*)", part)
            if not pm:
                raise SystemExit(f"{path}: unexpected type cell in {op}: {part[:80]}")
            params[pm.group(1)] = {d for d in map(tensor_dtype, split_types(pm.group(2))) if d}
        out.append((domain, op, start, end, params))
    if not out:
        raise SystemExit(f"{path}: section {provider} has no rows")
    return out


def split_types(text: str):
    """'tensor(float), seq(tensor(int8)), map(string, tensor(float))' -> the three type strings."""
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
            continue
        depth += (ch == "(") - (ch == ")")
        cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def parse_md_versions(cell: str):
    cell = cell.strip()
    if m := re.fullmatch(r"(\d+)\+", cell):
        return int(m.group(1)), OPEN
    if m := re.fullmatch(r"\[(\d+), (\d+)\]", cell):
        return int(m.group(1)), int(m.group(2))
    if m := re.fullmatch(r"(\d+)", cell):
        return int(m.group(1)), int(m.group(1))
    raise SystemExit(f"unexpected opset cell {cell!r}")


# --------------------------------------------------------------------------- schemas

class Schemas:
    def __init__(self):
        from onnxruntime.capi import onnxruntime_pybind11_state as C
        self.by_op = defaultdict(list)
        for s in C.get_all_operator_schema():
            self.by_op[(s.domain, s.name)].append(s)
        for v in self.by_op.values():
            v.sort(key=lambda s: s.since_version)

    def at(self, domain, op, version):
        """The schema a node of opset `version` resolves to (latest since_version <= version)."""
        best = None
        for s in self.by_op.get((domain, op), []):
            if s.since_version <= version:
                best = s
        return best

    def next_version(self, domain, op, version):
        """The since-version of the op's first schema after `version`, or None."""
        later = [s.since_version for s in self.by_op.get((domain, op), []) if s.since_version > version]
        return min(later) if later else None

    def known(self, domain, op):
        return (domain, op) in self.by_op


def bind(schema, param):
    """('input'|'output', index) of the first formal parameter typed by `param`, or None.

    Kernels may also constrain a formal parameter by its name (Reshape's `shape`, GatherND's
    `indices`) instead of a type parameter."""
    for match in (lambda f: f.typeStr == param, lambda f: f.name == param):
        for kind, formals in (("input", schema.inputs), ("output", schema.outputs)):
            for i, f in enumerate(formals):
                if match(f):
                    return kind, i
    return None


# --------------------------------------------------------------------------- model

# Ops ONNX Runtime inserts itself (copies between devices; layout-transformed NHWC copies of ops
# live in com.ms.internal.* domains); a user's model never holds them, so they are not listed.
INTERNAL_OPS = {"MemcpyFromHost", "MemcpyToHost"}


def merge(kernels, schemas):
    """{(domain, op): {(start, end): {param: set}}}, unioning registrations of the same range.

    ONNX Runtime matches an open-ended registration ("13+") only to nodes whose schema version is
    exactly 13 (KernelRegistry::VerifyKernelDef: the start version must equal the node's
    since-version unless the registration has an end), so "13+" is closed at the op's next schema
    version: a later version of the op has no kernel until one is registered for it."""
    ops = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
    for domain, op, start, end, params in kernels:
        if domain.startswith("com.ms.internal.") or (domain == "" and op in INTERNAL_OPS):
            continue
        if end == OPEN:
            end = schemas.next_version(domain, op, start) - 1 if schemas.next_version(domain, op, start) else OPEN
        slot = ops[(domain, op)][(start, end)]
        for p, ds in params.items():
            slot[p] |= ds
    return ops


def version_text(ranges):
    """Coalesced union of (start, end) ranges: [(6,12),(13,OPEN)] -> '6+'."""
    rs = sorted(ranges)
    merged = []
    for s, e in rs:
        if merged and s <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    parts = []
    for s, e in merged:
        parts.append(f"{s}+" if e == OPEN else (str(s) if s == e else f"{s}-{e}"))
    return ", ".join(parts)


def op_entry(domain, op, ranges, schemas, problems, fp16_via_cast=False):
    """Version text and dtype constraints for one op."""
    per_subject = defaultdict(list)  # (kind, index, dtypes tuple) -> [(start, end)]
    for (start, end), params in sorted(ranges.items()):
        schema = schemas.at(domain, op, start)
        if schema is None:
            problems.append(f"{domain or 'ai.onnx'}::{op} {start}: no schema; dtypes not constrained")
            continue
        for p, ds in sorted(params.items()):
            if not ds:
                continue
            where = bind(schema, p)
            if where is None:
                problems.append(f"{domain or 'ai.onnx'}::{op} {start}: type parameter {p} binds no input/output")
                continue
            if fp16_via_cast and where[0] == "input" and "float32" in ds:
                # InsertCastTransformer: a node left without a kernel because of float16 inputs
                # gets Casts to float32 around it and runs the float32 CPU kernel.
                ds = ds | {"float16"}
            key = (where[0], where[1], tuple(d for d in DTYPE_ORDER if d in ds))
            per_subject[key].append((start, end))
    all_text = version_text(ranges.keys())
    constraints = []
    for (kind, idx, ds), rs in sorted(per_subject.items(), key=lambda kv: (kv[0][0] != "input", kv[0][1], min(kv[1]))):
        vt = version_text(rs)
        constraints.append({"subject": (kind, idx), "dtype": list(ds), "versions": None if vt == all_text else vt})
    return all_text, constraints


def function_ops(ops_sets, max_opset):
    """ONNX ops (onnx package schemas) whose version has a function body but no kernel in any of
    `ops_sets` (the target's kernels and, for an accelerator EP, the CPU EP's): ONNX Runtime's
    partitioner inlines such nodes into their body (InlineNodes in graph_partitioner.cc), so
    they run if the body's ops do. -> {(domain, op): [(start, end)]} up to max_opset."""
    import onnx.defs
    by_op = defaultdict(list)
    for sch in onnx.defs.get_all_schemas_with_history():
        if sch.domain in ("", "ai.onnx.ml"):
            by_op[(sch.domain, sch.name)].append(sch)
    out = {}
    for key, schemas in by_op.items():
        schemas.sort(key=lambda x: x.since_version)
        ranges = []
        for i, sch in enumerate(schemas):
            v = sch.since_version
            if v > max_opset or not (sch.has_function or sch.has_context_dependent_function):
                continue
            if any(a <= v <= b for ops in ops_sets for (a, b) in ops.get(key, {})):
                continue
            end = schemas[i + 1].since_version - 1 if i + 1 < len(schemas) else OPEN
            ranges.append((v, end))
        if ranges:
            out[key] = ranges
    return out


# --------------------------------------------------------------------------- output

TARGETS = {
    "cpu": dict(
        id="ort-cpu", name="ONNX Runtime CPU execution provider", kind="execution-provider",
        runtime="ONNX Runtime CPUExecutionProvider", accelerator="cpu",
        unsupported=("error", None,
                     "the CPU EP is ONNX Runtime's last resort: a node no EP has a kernel for fails "
                     "session creation (NOT_IMPLEMENTED, 'Could not find an implementation')"),
    ),
    "cuda": dict(
        id="ort-cuda", name="ONNX Runtime CUDA execution provider", kind="execution-provider",
        runtime="ONNX Runtime CUDAExecutionProvider", accelerator="gpu",
        unsupported=("fallback", "cpu",
                     "nodes without a CUDA kernel are assigned to the CPU EP, with memory copies at "
                     "the partition boundaries"),
    ),
}


def q(s: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def key(domain, op):
    return op if domain == "" else f"{domain}::{op}"


def emit(target, ops, functions, schemas, source_lines, notes, default_source, problems):
    t = TARGETS[target]
    w = []
    w.append("# Generated by scripts/opsets_ort_kernels.py; do not edit by hand (see the script for the command).")
    w.append("schema: 1")
    w.append(f"id: {t['id']}")
    w.append(f"name: {t['name']}")
    w.append("format: onnx")
    w.append(f"kind: {t['kind']}")
    w.append("runtime:")
    w.append(f"  name: {t['runtime']}")
    w.append(f"  versions: {q(source_lines['runtime_versions'])}")
    w.append(f"accelerator: {t['accelerator']}")
    w.append("sources:")
    for s in source_lines["sources"]:
        w.append(f"  - id: {s['id']}")
        for k in ("title", "url", "version", "retrieved"):
            if k in s:
                w.append(f"    {k}: {q(s[k])}")
    w.append(f"default_source: {default_source}")
    action, to, reason = t["unsupported"]
    w.append("unsupported:")
    w.append(f"  action: {action}")
    if to:
        w.append(f"  to: {to}")
    w.append(f"  reason: {q(reason)}")
    if target == "cuda":
        w.append("fallback_target: ort-cpu")
        w.append("partitioning:")
        w.append("  min_nodes_per_partition: 1")
        w.append("  max_partitions: null")
        w.append("  whole_graph_only: false")
    w.append(f"notes: {q(notes)}")
    w.append("ops:")
    for (domain, op) in sorted(set(ops) | set(functions) | {("", "Constant")}, key=lambda k: (k[0] != "", k[0], k[1])):
        name = key(domain, op)
        if (domain, op) == ("", "Constant"):
            w.append("  Constant:")
            w.append("    source: ort-graph")
            continue
        if (domain, op) not in ops:
            w.append(f"  {q(name) if ':' in name else name}:")
            w.append("    source: onnx-functions")
            w.append(f"    versions: {q(version_text(functions[(domain, op)]))}")
            continue
        if (domain, op) in functions:
            problems.append(f"{name}: has both kernels and function-only versions; the function versions are not listed")
        if domain not in ("", "ai.onnx.ml") and not schemas.known(domain, op):
            problems.append(f"{domain}::{op}: no schema in this onnxruntime build")
        versions, constraints = op_entry(domain, op, ops[(domain, op)], schemas, problems,
                                         fp16_via_cast=(target == "cpu"))
        w.append(f"  {q(key(domain, op)) if ':' in key(domain, op) else key(domain, op)}:")
        w.append(f"    versions: {q(versions)}")
        if constraints:
            w.append("    constraints:")
            for c in constraints:
                kind, idx = c["subject"]
                w.append(f"      - {kind}: {idx}")
                w.append(f"        dtype: [{', '.join(c['dtype'])}]")
                if c["versions"]:
                    w.append(f"        versions: {q(c['versions'])}")
    return "\n".join(w) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--target", choices=sorted(TARGETS), required=True)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--from-runtime", action="store_true")
    src.add_argument("--kernels-md")
    ap.add_argument("--provider", default="CPUExecutionProvider")
    ap.add_argument("--md-commit", help="the microsoft/onnxruntime commit the --kernels-md copy is from")
    ap.add_argument("--md-version", help="the ONNX Runtime version of that commit, as its VERSION_NUMBER says")
    ap.add_argument("--retrieved", help="date the source was read (YYYY-MM-DD)")
    ap.add_argument("--max-opset", type=int, default=26,
                    help="highest ai.onnx opset the runtime loads (ORT 1.31.1 refuses opset 27 models: "
                         "'Current official support for domain ai.onnx is till opset 26')")
    args = ap.parse_args()

    import onnxruntime
    ort_version = onnxruntime.__version__
    schemas = Schemas()
    sources = []
    if args.from_runtime:
        kernels = kernels_from_runtime()
        sources.append(dict(
            id="ort-registry",
            title=f"ONNX Runtime {ort_version} registered kernels (onnxruntime.capi get_all_opkernel_def, "
                  "the table tools/python/gen_opkernel_doc.py renders as docs/OperatorKernels.md)",
            url=f"https://pypi.org/project/onnxruntime/{ort_version}/",
            version=f"onnxruntime {ort_version} (PyPI manylinux x86_64 wheel)"))
        runtime_versions = ort_version
        default = "ort-registry"
    else:
        if not args.md_commit:
            raise SystemExit("--kernels-md needs --md-commit")
        kernels = kernels_from_markdown(args.kernels_md, args.provider)
        sources.append(dict(
            id="ort-operator-kernels",
            title=f"ONNX Runtime docs/OperatorKernels.md, section {args.provider}",
            url=f"https://github.com/microsoft/onnxruntime/blob/{args.md_commit}/docs/OperatorKernels.md",
            version=f"microsoft/onnxruntime@{args.md_commit}" + (f" ({args.md_version})" if args.md_version else "")))
        runtime_versions = args.md_version or f"main at {args.md_commit[:12]}"
        default = "ort-operator-kernels"
    if args.retrieved:
        sources[0]["retrieved"] = args.retrieved
    sources.append(dict(
        id="ort-schemas",
        title=f"operator schemas bundled with onnxruntime {ort_version} (get_all_operator_schema): which "
              "input or output each type parameter binds",
        url=f"https://pypi.org/project/onnxruntime/{ort_version}/",
        version=f"onnxruntime {ort_version}"))

    ops = merge(kernels, schemas)
    sources.append(dict(
        id="ort-graph",
        title="ONNX Runtime graph construction: Constant nodes become initializers when the model "
              "loads, so they need no kernel (onnxruntime/core/graph/graph.cc, Graph constructor)",
        url="https://github.com/microsoft/onnxruntime/blob/0bf0ac79272a8ac142c1a1809fd92e4a5478e441/"
            "onnxruntime/core/graph/graph.cc",
        version="microsoft/onnxruntime@0bf0ac79272a; observed with onnxruntime " + ort_version))
    sources.append(dict(
        id="ort-kernel-match",
        title="ONNX Runtime kernel matching: an open-ended registration matches only nodes of exactly its "
              "start version (KernelRegistry VerifyKernelDef), so `N+` is written up to the op's next "
              "schema version",
        url="https://github.com/microsoft/onnxruntime/blob/54da4c305b2cfa7f822d36f20e4536407bf4d164/"
            "onnxruntime/core/framework/kernel_registry.cc",
        version="microsoft/onnxruntime@54da4c305b2c; observed with onnxruntime " + ort_version))
    if args.target == "cpu":
        sources.append(dict(
            id="ort-insert-cast",
            title="ONNX Runtime InsertCastTransformer: a node left without a kernel because of float16 "
                  "inputs gets Casts to float32 and runs the float32 CPU kernel",
            url="https://github.com/microsoft/onnxruntime/blob/05f47fa0aa39c517a7071462444d6649a9ef171d/"
                "onnxruntime/core/optimizer/insert_cast_transformer.cc",
            version="microsoft/onnxruntime@05f47fa0aa39; observed with onnxruntime " + ort_version))
    fallback_sets = [ops]
    if args.target != "cpu":
        fallback_sets.append(merge(kernels_from_runtime(), schemas))
    functions = function_ops(fallback_sets, args.max_opset)
    import onnx
    sources.append(dict(
        id="onnx-functions",
        title="ONNX operator schemas with a function body (onnx.defs), which ONNX Runtime inlines when no EP "
              "has a kernel for the node (InlineNodes in onnxruntime/core/framework/graph_partitioner.cc)",
        url="https://github.com/microsoft/onnxruntime/blob/1266adfd2c8ebf3d9ce2cf1af1fb607b51559235/"
            "onnxruntime/core/framework/graph_partitioner.cc",
        version=f"onnx {onnx.__version__} schemas; graph_partitioner.cc at microsoft/onnxruntime@1266adfd2c8e"))
    notes = (
        "Kernel ops: `versions` is the union of the registered opset ranges; dtype constraints come "
        "from each kernel's type constraints, attached to the first input (else output) the op "
        "schema types with that parameter (with `versions` where the types differ between opset "
        "ranges). Registrations of one opset range are unioned, so combinations across parameters "
        "(e.g. T1=int8 with T2=float16) are not tracked; sequence, map and optional types are not "
        "constrained. A registration open at the top (`13+`) only serves nodes of that schema "
        "version, so it is written up to the op's next schema version (ort-kernel-match). "
        "Ops citing onnx-functions have no kernel: ONNX Runtime inlines the node into "
        "its ONNX function body, which runs only if the body's ops do (e.g. Bernoulli's body needs "
        "RandomUniformLike for the requested type). "
        f"ONNX Runtime {ort_version} loads models up to ai.onnx opset {args.max_opset} and refuses "
        "later opsets. Graph optimisations (constant folding, fusions into com.microsoft ops) run "
        "before placement, so a model can reach the EP changed. Besides the ONNX ops, the default "
        "domain holds ops whose schemas only ONNX Runtime registers (deprecated experimental ONNX ops "
        "such as ImageScaler, Crop, Affine, ScaledTanh, and SimplifiedLayerNormalization).")
    if args.target == "cpu":
        notes += (
            " float16 is listed wherever the float32 kernel takes that input: ONNX Runtime runs such "
            "nodes in float32 between inserted Casts (ort-insert-cast), so results can differ from a "
            "float16 kernel's.")
    if args.target == "cuda":
        notes += (
            " CUDA kernels place some inputs in CPU memory (shapes, axes); that is not a fallback. "
            "The kernel table is the docs/OperatorKernels.md of the commit cited, which can differ "
            f"in detail from the {ort_version} release; function ops are listed where neither this "
            f"table nor the CPU EP of onnxruntime {ort_version} has a kernel.")
    problems = []
    sys.stdout.write(emit(args.target, ops, functions, schemas, dict(runtime_versions=runtime_versions, sources=sources),
                          notes, default, problems))
    for p in problems:
        print(f"opsets_ort_kernels: note: {p}", file=sys.stderr)


if __name__ == "__main__":
    main()
