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

Also written, for every target:
  - `model:` limits, measured on the installed wheel (measure_model_limits): the highest IR
    version and opset per domain that a CPU session loads (the loader is the same for every EP);
  - function ops: ONNX ops without a kernel whose function body runs, as FunctionBodies explains
    (versions, element types from the body's kernels, `opset: import` where the body runs only
    at some opsets of a schema version);
  - KERNEL_CHECKS: conditions kernels check when they are created (RNN/GRU/LSTM layout).

Regenerate (from the repository root; onnxruntime 1.32.0 as pinned in scripts/requirements.txt):
  PY=~/.cache/lockstep/venv/bin/python
  $PY scripts/opsets_ort_kernels.py --from-runtime --target cpu --retrieved DATE > opsets/onnxruntime/cpu.yaml
  $PY scripts/opsets_ort_kernels.py --kernels-md OperatorKernels.md --md-commit SHA --retrieved DATE \\
      --provider CUDAExecutionProvider --target cuda > opsets/onnxruntime/cuda.yaml
The committed cuda.yaml: SHA 001d12d2623fd411ce0f83d05abb5e82304a3389 (the stored copy of
docs/OperatorKernels.md; no stored copy at the v1.32.0 tag was found), DATE 2026-12-01; a copy of
its CUDAExecutionProvider section is enough for --kernels-md.
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


class FunctionBodies:
    """ONNX ops (onnx package schemas) that have a function body. ONNX Runtime inlines a node that
    no EP has a kernel for into the op's function body (InlineNodes in graph_partitioner.cc) and
    places the body's nodes instead. Observed with onnxruntime 1.32.0 on the node cases and on
    one-node models at every opset (Swish, HardSwish, Mish, SwiGLU, Bernoulli, CastLike):

    - the body used at model opset o is the one defined for the newest function opset f <= o
      (schema function_opset_versions / context_dependent_function_opset_versions); for a fixed
      body (function_opset_versions), if some op of it resolves to another schema version at o
      than at f, the node is not inlined ("Could not find an implementation for Swish(24)" in an
      opset-25 model: its body's CastLike is CastLike-24 at opset 24 and CastLike-25 at 25);
      context-dependent bodies (built per node: CastLike, Bernoulli, SoftmaxCrossEntropyLoss, …)
      are taken with their ops at o;
    - the body runs if each of its ops has a kernel (or is itself such a function op) at o.

    A since-version V (nodes at opsets V..E) is listed when the body runs at every opset V..E up
    to the highest the runtime loads; versions whose body runs at some of these opsets only are
    reported (`mixed`) and left out, since rules are keyed by since-version, not by model opset.
    Element types: a function input read directly by a body op constrains the function's type to
    the body op's kernel types for that parameter (as do outputs written directly by a body op
    whose type parameter types none of its inputs: Cast's T2)."""

    def __init__(self, kernel_sets, schemas, max_opset, fp16_via_cast=False):
        import onnx.defs
        self.fp16_via_cast = fp16_via_cast
        self.kernel_sets = kernel_sets
        self.ort_schemas = schemas
        self.max_opset = max_opset
        self.by_op = defaultdict(list)
        for sch in onnx.defs.get_all_schemas_with_history():
            if sch.domain in ("", "ai.onnx.ml"):
                self.by_op[(sch.domain, sch.name)].append(sch)
        for v in self.by_op.values():
            v.sort(key=lambda x: x.since_version)
        self.mixed = []

    def schema_at(self, key, opset):
        best = None
        for sch in self.by_op.get(key, []):
            if sch.since_version <= opset:
                best = sch
        return best

    def kernel_range(self, key, version):
        """(start, end) of a kernel registration covering `version`, in the first kernel set that
        has one, with that set's {param: dtypes}; else None."""
        for ops in self.kernel_sets:
            for (a, b), params in ops.get(key, {}).items():
                if a <= version <= b:
                    return params
        return None

    @staticmethod
    def body(sch, fo):
        """The FunctionProto of `sch` for function opset `fo`, or None. Context-dependent bodies are
        built for a node with every input present, typed float32 where allowed (else the first
        allowed type), and default attributes."""
        import onnx
        from onnx import helper
        if sch.has_function and fo in sch.function_opset_versions:
            raw = sch.get_function_with_opset_version(fo)
        elif sch.has_context_dependent_function and fo in sch.context_dependent_function_opset_versions:
            allowed = {c.type_param_str: list(c.allowed_type_strs) for c in sch.type_constraints}
            names, types = [], []
            for i, formal in enumerate(sch.inputs):
                names.append(f"in{i}")
                choices = allowed.get(formal.type_str, [formal.type_str])
                pick = "tensor(float)" if "tensor(float)" in choices else choices[0]
                m = re.fullmatch(r"tensor\((\w+)\)", pick)
                if not m:
                    return None
                code = getattr(onnx.TensorProto, {"float": "FLOAT", "double": "DOUBLE"}.get(m.group(1), m.group(1).upper()), None)
                if code is None:
                    return None
                types.append(helper.make_tensor_type_proto(code, None).SerializeToString())
            node = helper.make_node(sch.name, names, [f"out{i}" for i in range(len(sch.outputs))], domain=sch.domain)
            try:
                raw = sch.get_context_dependent_function_with_opset_version(fo, node.SerializeToString(), types)
            except Exception:  # noqa: BLE001 (a context the schema's builder rejects)
                return None
        else:
            return None
        fp = onnx.FunctionProto()
        fp.ParseFromString(raw if isinstance(raw, bytes) else raw.SerializeToString())
        return fp

    def function_opsets(self, sch):
        return sorted(set(sch.function_opset_versions if sch.has_function else [])
                      | set(sch.context_dependent_function_opset_versions if sch.has_context_dependent_function else []))

    def runs(self, key, opset, depth=0):
        """Whether a node of op `key` in a model of ai.onnx opset `opset` runs (kernel or body)."""
        if key == ("", "Constant"):
            return True  # becomes an initializer when the graph is built (ort-graph)
        sch = self.schema_at(key, opset)
        if sch is None:
            return False
        if self.kernel_range(key, sch.since_version) is not None:
            return True
        if depth > 8:
            return False
        fos = [f for f in self.function_opsets(sch) if f <= opset]
        if not fos:
            return False
        body = self.body(sch, fos[-1])
        if body is None:
            return False
        built = not (sch.has_function and fos[-1] in sch.function_opset_versions)
        for n in body.node:
            k = (n.domain if n.domain not in ("ai.onnx",) else "", n.op_type)
            at_f, at_o = self.schema_at(k, fos[-1]), self.schema_at(k, opset)
            if at_o is None or (not built and (at_f is None or at_f.since_version != at_o.since_version)):
                return False
            if not self.runs(k, opset, depth + 1):
                return False
        return True

    def dtype_constraints(self, key, sch):
        """Constraints on the function's inputs/outputs from the kernels of the body ops that read
        or write them directly, at opset = the since-version: [(kind, index, dtypes)]."""
        fos = [f for f in self.function_opsets(sch) if f <= sch.since_version]
        body = self.body(sch, fos[-1]) if fos else None
        if body is None:
            return []
        formal_in = {name: i for i, name in enumerate(body.input)}
        formal_out = {name: i for i, name in enumerate(body.output)}
        allowed = defaultdict(lambda: None)
        for n in body.node:
            k = (n.domain if n.domain not in ("ai.onnx",) else "", n.op_type)
            bsch = self.ort_schemas.at(k[0], k[1], sch.since_version)
            if bsch is None:
                continue
            params = self.kernel_range(k, bsch.since_version)
            if params is None:
                continue  # a nested function op: its own entry constrains it
            for kind, names, formals, table in (("input", n.input, bsch.inputs, formal_in),
                                                ("output", n.output, bsch.outputs, formal_out)):
                for j, name in enumerate(names):
                    if name not in table or not formals:
                        continue
                    formal = formals[min(j, len(formals) - 1)]
                    if kind == "output" and any(f.typeStr == formal.typeStr for f in bsch.inputs):
                        continue  # typed like an input of the body op: that input's constraint decides
                    ds = params.get(formal.typeStr) or params.get(formal.name)
                    if not ds:
                        continue
                    if self.fp16_via_cast and kind == "input" and "float32" in ds:
                        ds = ds | {"float16"}  # ort-insert-cast, as for kernel ops
                    slot = (kind, table[name])
                    allowed[slot] = set(ds) if allowed[slot] is None else allowed[slot] & ds
        return [(kind, idx, [d for d in DTYPE_ORDER if d in ds]) for (kind, idx), ds in sorted(allowed.items()) if ds is not None]

    def ops(self):
        """{(domain, op): [(start, end, dtype constraints, opset range or None)]} for the function
        versions without a kernel whose body runs at the opsets of the version's range (up to
        max_opset): at all of them, or at a contiguous part, given as (min, max) opset imports
        (None = open). Bodies the script cannot build (SequenceMap's, built from a graph
        attribute) are listed unchecked, with a note."""
        out = {}
        for key, schemas in sorted(self.by_op.items()):
            entries = []
            for i, sch in enumerate(schemas):
                v = sch.since_version
                if v > self.max_opset or not (sch.has_function or sch.has_context_dependent_function):
                    continue
                if self.kernel_range(key, v) is not None:
                    continue
                end = schemas[i + 1].since_version - 1 if i + 1 < len(schemas) else OPEN
                top = min(end, self.max_opset)
                fos = self.function_opsets(sch)
                if not fos or self.body(sch, fos[0]) is None:
                    self.mixed.append(f"{key[1]}-{v}: its function body could not be built here; listed unchecked")
                    entries.append((v, end, [], None))
                    continue
                ok = [o for o in range(v, top + 1) if self.runs(key, o)]
                if not ok:
                    continue
                lo, hi = ok[0], ok[-1]
                if ok != list(range(lo, hi + 1)):
                    self.mixed.append(f"{key[1]}-{v}: the function body runs at opsets {ok} of {v}-{top}; left out")
                    continue
                limit = None if (lo, hi) == (v, top) else (lo if lo > v else None, hi if hi < top else None)
                if limit:
                    self.mixed.append(f"{key[1]}-{v}: the function body runs at opsets {lo}-{hi} of {v}-{top} only")
                entries.append((v, end, self.dtype_constraints(key, sch), limit))
            if entries:
                out[key] = entries
        return out


# --------------------------------------------------------------------------- model limits

IR_REFUSAL = re.compile(r"Unsupported model IR version: (\d+), max supported IR version: (\d+)")
OPSET_REFUSAL = re.compile(r"Current official support for domain (\S+) is till opset (\d+)\.")


def session_error(ir_version, opsets):
    """ORT's error text for a one-node model (Identity, ai.onnx) with this IR version and these
    opset imports, or None when a CPU session is created."""
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "probe", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets.items()])
    model.ir_version = ir_version
    options = ort.SessionOptions()
    options.log_severity_level = 3
    try:
        ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
        return None
    except Exception as e:  # noqa: BLE001 (ORT raises its own exception types)
        return str(e)


def measure_model_limits():
    """The highest IR version and the highest opset per domain the installed onnxruntime loads,
    measured: a model with a far too high IR version (or opset import) is refused with a message
    naming the maximum (onnxruntime/core/graph/model.cc; ValidateOpsetForDomain in
    core/graph/model_load_utils.h), and the script checks that the maximum loads and the next
    version is refused. Domains: ai.onnx and every domain of onnxruntime's schema registry.
    -> (max IR version, {domain: max opset}); domains without a limit are left out."""
    from onnxruntime.capi import onnxruntime_pybind11_state as C
    base = {"": 21}
    text = session_error(1000, base) or ""
    m = IR_REFUSAL.search(text)
    if not m:
        raise SystemExit(f"IR version 1000 was not refused as expected: {text[:200]!r}")
    max_ir = int(m.group(2))
    if session_error(max_ir, base) is not None or session_error(max_ir + 1, base) is None:
        raise SystemExit(f"IR version {max_ir} does not load or {max_ir + 1} is not refused")
    # com.ms.internal.* are ORT's own layout-transformed copies of ops; no model imports them.
    domains = sorted({s.domain for s in C.get_all_operator_schema() if not s.domain.startswith("com.ms.internal.")} | {""})
    limits = {}
    for domain in domains:
        opsets = dict(base, **{domain: 1000})
        text = session_error(10, opsets)
        if text is None:
            continue  # the loader does not limit this domain
        m = OPSET_REFUSAL.search(text)
        if not m:
            raise SystemExit(f"opset 1000 of domain {domain!r} refused for another reason: {text[:200]!r}")
        top = int(m.group(2))
        if session_error(10, dict(base, **{domain: top})) is not None or session_error(10, dict(base, **{domain: top + 1})) is None:
            raise SystemExit(f"domain {domain!r}: opset {top} does not load or {top + 1} is not refused")
        limits[domain] = top
    return max_ir, limits


# --------------------------------------------------------------------------- output

FIXED_BODY_REASON = ("ONNX Runtime inlines the function body written for one opset only into models whose "
                     "opset resolves the body's ops to the same schema versions; in later opsets the node "
                     "is left without an implementation")

# Checks ONNX Runtime's kernels make when they are created (OpKernel constructors), which the
# kernel table does not show: target -> op -> constraints (each names a source of KERNEL_CHECK_SOURCES).
LAYOUT_REASON = ("batchwise layout (layout=1) is refused when the kernel is created: 'Batchwise recurrent "
                 "operations (layout == 1) are not supported'")
KERNEL_CHECKS = {
    "cpu": {op: [dict(attribute="layout", equals=0, reason=LAYOUT_REASON, source="ort-rnn-cpu")] for op in ("GRU", "LSTM", "RNN")},
    "cuda": {op: [dict(attribute="layout", equals=0, reason=LAYOUT_REASON, source="ort-rnn-cuda")] for op in ("GRU", "LSTM", "RNN")},
}
KERNEL_CHECK_SOURCES = {
    "ort-rnn-cpu": dict(
        title="ONNX Runtime CPU RNN kernels: ORT_ENFORCE(layout_ == 0) in the constructors of LSTMBase "
              "(lstm_base.h), DeepCpuGruOp (deep_cpu_gru.h) and RNN (rnn.h), under onnxruntime/core/providers/cpu/rnn/",
        repository="microsoft/onnxruntime", path="onnxruntime/core/providers/cpu/rnn/lstm_base.h",
        version="lstm_base.h @015378288db7, deep_cpu_gru.h @017ed86586e1; observed with onnxruntime {ort}"),
    "ort-rnn-cuda": dict(
        title="ONNX Runtime CUDA RNN kernels: ORT_ENFORCE(layout_ == 0) in the CudnnRnnBase constructor",
        repository="microsoft/onnxruntime", path="onnxruntime/core/providers/cuda/rnn/cudnn_rnn_base.h",
        version="microsoft/onnxruntime@10689c5475ac"),
}

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


def emit(target, ops, functions, schemas, source_lines, notes, default_source, problems, limits):
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
        for k in ("title", "url", "repository", "path", "version", "retrieved"):
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
    max_ir, max_opsets = limits
    w.append("model:")
    w.append(f"  ir_version: {{max: {max_ir}}}")
    w.append("  opset:")
    w.append("    max:")
    for domain in sorted(max_opsets):
        w.append(f"      {q(domain)}: {max_opsets[domain]}")
    w.append(f"  reason: {q(source_lines['limits_reason'])}")
    w.append("  source: ort-loader")
    w.append(f"notes: {q(notes)}")
    w.append("ops:")
    checks = KERNEL_CHECKS.get(target, {})
    for (domain, op) in sorted(set(ops) | set(functions) | {("", "Constant")}, key=lambda k: (k[0] != "", k[0], k[1])):
        name = key(domain, op)
        if (domain, op) == ("", "Constant"):
            w.append("  Constant:")
            w.append("    source: ort-graph")
            continue
        fn = functions.get((domain, op), [])
        fn_ranges = [(a, b) for a, b, _, _ in fn]
        constraints = []
        if (domain, op) in ops:
            if domain not in ("", "ai.onnx.ml") and not schemas.known(domain, op):
                problems.append(f"{domain}::{op}: no schema in this onnxruntime build")
            kernel_versions, constraints = op_entry(domain, op, ops[(domain, op)], schemas, problems,
                                                    fp16_via_cast=(target == "cpu"))
            for c in constraints:
                if c["versions"] is None and fn:
                    c["versions"] = kernel_versions  # the function versions are not the kernels'
        versions = version_text(list(ops.get((domain, op), {}).keys()) + fn_ranges)
        per_subject = defaultdict(list)
        for a, b, cons, _ in fn:
            for kind, idx, ds in cons:
                per_subject[(kind, idx, tuple(ds))].append((a, b))
        for (kind, idx, ds), rs in sorted(per_subject.items()):
            vt = version_text(rs)
            constraints.append({"subject": (kind, idx), "dtype": list(ds), "versions": None if vt == versions else vt,
                                "source": "onnx-functions" if (domain, op) in ops else None})
        w.append(f"  {q(name) if ':' in name else name}:")
        if (domain, op) not in ops:
            w.append("    source: onnx-functions")
        w.append(f"    versions: {q(versions)}")
        if (domain, op) in ops and fn:
            w.append(f"    notes: {q('versions ' + version_text(fn_ranges) + ' have no kernel: they run as the ONNX function body (onnx-functions)')}")
        extra = checks.get(op, []) if domain == "" else []
        if constraints or extra or any(limit for *_, limit in fn):
            w.append("    constraints:")
            for c in constraints:
                kind, idx = c["subject"]
                w.append(f"      - {kind}: {idx}")
                w.append(f"        dtype: [{', '.join(c['dtype'])}]")
                if c["versions"]:
                    w.append(f"        versions: {q(c['versions'])}")
                if c.get("source"):
                    w.append(f"        source: {c['source']}")
            for a, b, _, limit in fn:
                if not limit:
                    continue
                w.append("      - opset: import")
                if limit[0] is not None:
                    w.append(f"        min: {limit[0]}")
                if limit[1] is not None:
                    w.append(f"        max: {limit[1]}")
                w.append(f"        versions: {q(version_text([(a, b)]))}")
                w.append(f"        reason: {q(FIXED_BODY_REASON)}")
                w.append("        source: onnx-functions")
            for c in extra:
                w.append(f"      - attribute: {c['attribute']}")
                w.append(f"        equals: {c['equals']}")
                w.append(f"        reason: {q(c['reason'])}")
                w.append(f"        source: {c['source']}")
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
    args = ap.parse_args()

    import onnxruntime
    ort_version = onnxruntime.__version__
    schemas = Schemas()
    # The loader's limits are the same whichever EP runs the nodes: measured on this wheel.
    limits = measure_model_limits()
    max_opset = limits[1][""]
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
        runtime_versions = args.md_version or (f"kernel table of main at {args.md_commit[:12]}; model limits and "
                                               f"function bodies of onnxruntime {ort_version}")
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
    bodies = FunctionBodies(fallback_sets, schemas, max_opset, fp16_via_cast=(args.target == "cpu"))
    functions = bodies.ops()
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
        "Graph optimisations (constant folding, fusions into com.microsoft ops) run "
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
    sources.append(dict(
        id="ort-loader",
        title=f"ONNX Runtime model loading: the IR version check and ValidateOpsetForDomain "
              f"(onnxruntime/core/graph/model_load_utils.h); the limits were measured with onnxruntime "
              f"{ort_version} by loading one-node models with higher IR versions and opset imports "
              "(scripts/opsets_ort_kernels.py, measure_model_limits)",
        url="https://github.com/microsoft/onnxruntime/blob/07b0152f2a8ed2d07683703c659e346740f61d3b/"
            "onnxruntime/core/graph/model_load_utils.h",
        version=f"measured with onnxruntime {ort_version}; model_load_utils.h at microsoft/onnxruntime@07b0152f2a8e"))
    limits_reason = (
        f"ONNX Runtime {ort_version} refuses to load newer files: 'Unsupported model IR version' above IR "
        f"{limits[0]}, and opsets past the last released one of a domain ('Current official support for "
        "domain ai.onnx is till opset N'; setting ALLOW_RELEASED_ONNX_OPSET_ONLY=0 turns the opset refusal "
        "into a warning)")
    for sid, src in KERNEL_CHECK_SOURCES.items():
        if any(c["source"] == sid for cs in KERNEL_CHECKS.get(args.target, {}).values() for c in cs):
            sources.append(dict(id=sid, **{k: v.format(ort=ort_version) for k, v in src.items()}))
    problems = list(bodies.mixed)
    sys.stdout.write(emit(args.target, ops, functions, schemas,
                          dict(runtime_versions=runtime_versions, sources=sources, limits_reason=limits_reason),
                          notes, default, problems, limits))
    for p in problems:
        print(f"opsets_ort_kernels: note: {p}", file=sys.stderr)


if __name__ == "__main__":
    main()
