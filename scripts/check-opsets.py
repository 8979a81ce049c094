#!/usr/bin/env python3
"""Checks opsets/**/*.yaml against opsets/README.md (schema 1) without building Swift.

Also accepts the refinements drafted for the compatibility engine (fallback_target, constant_through,
partitioning.stop_at_first_unsupported, dtype_inputs, attribute `default`, sources by repository,
constraint `versions`, `notes` on sources, ops and constraints, `model:` limits and the
`opset: import` constraint subject).

A stand-in until the Compatibility module's loader runs in CI: keys, enums, version syntax,
DType names (Sources/LockstepCore/DType.swift), TFLite builtin names (schemas/tflite.fbs),
source ids, duplicate keys and constraint shapes. Prints `opsets/<path>:<line>: <reason>` per
problem and exits 1 if there is any.

    PY="$(bash scripts/generator-venv.sh)"; "$PY" scripts/check-opsets.py [FILES...]
"""
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TOP_KEYS = {"schema", "id", "name", "format", "kind", "runtime", "accelerator", "sources",
            "default_source", "unsupported", "fallback_target", "constant_through", "partitioning",
            "model", "notes", "ops"}
REQUIRED = {"schema", "id", "name", "format", "kind", "runtime", "sources", "unsupported", "ops"}
FORMATS = {"onnx", "tflite", "tensorrt"}
KINDS = {"builtin", "delegate", "execution-provider", "parser", "compiler", "accelerator"}
ACCELERATORS = {"cpu", "gpu", "npu", "dsp", "tpu", "dla"}
ACTIONS = {"fallback", "error"}
FALLBACK_TO = {"cpu", "gpu"}
SOURCE_KEYS = {"id", "title", "url", "repository", "path", "version", "retrieved", "notes"}
OP_KEYS = {"source", "versions", "dtypes", "dtype_inputs", "constraints", "unsupported", "supported",
           "reason", "notes"}
ATTR_CHECKS = {"in", "not_in", "equals", "range", "min", "max", "present", "default"}
TENSOR_CHECKS = {"dtype", "rank", "constant", "static_shape", "quantized", "per_channel", "dim",
                 "max_elements", "present"}
COUNT_CHECKS = {"min", "max", "equals"}
VERSION_ITEM = re.compile(r"^\s*(\d+)(\s*-\s*(\d+)|\+)?\s*$")
RUNTIME_VERSION = re.compile(r"^\d+(\.\d+)*$")


class LineLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys and records each mapping's line."""


def _construct_mapping(loader, node, deep=False):
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen[key] = key_node
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    lines = {k: n.start_mark.line + 1 for k, n in seen.items()}
    return LineDict(mapping, lines, node.start_mark.line + 1)


class LineDict(dict):
    def __init__(self, mapping, lines, line):
        super().__init__(mapping)
        self.lines = lines
        self.line = line

    def line_of(self, key):
        return self.lines.get(key, self.line)


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def dtype_names():
    text = (ROOT / "Sources/LockstepCore/DType.swift").read_text()
    enum = text.split("public enum DType", 1)[1].split("public var description", 1)[0]
    names = set()
    for line in enum.splitlines():
        line = line.strip()
        if line.startswith("case "):
            names.update(n.strip() for n in line[5:].split(","))
    return names


def tflite_builtins():
    text = (ROOT / "schemas/tflite.fbs").read_text()
    body = text.split("enum BuiltinOperator", 1)[1].split("}", 1)[0]
    return set(re.findall(r"^\s*([A-Z0-9_]+)\s*=", body, re.M))


def parse_versions(value):
    """Returns None when valid, else a reason."""
    if isinstance(value, int):
        return None if value >= 1 else f"bad version {value}"
    if isinstance(value, list):
        bad = [v for v in value if not isinstance(v, int) or v < 1]
        return f"bad versions {bad}" if bad else None
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, int) or k < 1:
                return f"bad op version key {k!r}"
            if v is not None and not (isinstance(v, str) and RUNTIME_VERSION.match(v)):
                return f"bad runtime version {v!r} for op version {k}"
        return None
    if isinstance(value, str):
        for item in value.split(","):
            m = VERSION_ITEM.match(item)
            if not m:
                return f"bad version range {item.strip()!r}"
            if m.group(3) and int(m.group(3)) < int(m.group(1)):
                return f"bad version range {item.strip()!r}"
        return None
    return f"bad versions {value!r}"


class Checker:
    def __init__(self):
        self.dtypes = dtype_names()
        self.builtins = tflite_builtins()
        self.problems = []
        self.ids = {}
        self.formats = {}
        self.fallback_targets = []

    def err(self, path, line, reason):
        self.problems.append(f"{path.relative_to(ROOT)}:{line}: {reason}")

    def check_file(self, path):
        try:
            doc = yaml.load(path.read_text(), Loader=LineLoader)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
            self.err(path, mark.line + 1 if mark else 1, f"not valid YAML: {e}")
            return
        if not isinstance(doc, LineDict):
            self.err(path, 1, "the file is not a mapping")
            return
        for key in doc:
            if key not in TOP_KEYS:
                self.err(path, doc.line_of(key), f"unknown key {key!r}")
        for key in REQUIRED - set(doc):
            self.err(path, 1, f"missing required key {key!r}")
        if doc.get("schema") != 1:
            self.err(path, doc.line_of("schema"), "schema must be 1")
        fid = doc.get("id")
        if not isinstance(fid, str) or not re.fullmatch(r"[a-z0-9-]+", fid):
            self.err(path, doc.line_of("id"), f"bad id {fid!r}")
        elif fid in self.ids:
            self.err(path, doc.line_of("id"), f"id {fid!r} also used by {self.ids[fid]}")
        else:
            self.ids[fid] = path.relative_to(ROOT)
            self.formats[fid] = doc.get("format")
        fmt = doc.get("format")
        if fmt not in FORMATS:
            self.err(path, doc.line_of("format"), f"unknown format {fmt!r}")
        if doc.get("kind") not in KINDS:
            self.err(path, doc.line_of("kind"), f"unknown kind {doc.get('kind')!r}")
        if "accelerator" in doc and doc["accelerator"] not in ACCELERATORS:
            self.err(path, doc.line_of("accelerator"), f"unknown accelerator {doc['accelerator']!r}")
        runtime = doc.get("runtime")
        if not isinstance(runtime, dict) or set(runtime) != {"name", "versions"}:
            self.err(path, doc.line_of("runtime"), "runtime needs exactly name and versions")
        sources = doc.get("sources") or []
        source_ids = set()
        if not isinstance(sources, list) or not sources:
            self.err(path, doc.line_of("sources"), "sources must be a non-empty list")
            sources = []
        for s in sources:
            if not isinstance(s, LineDict):
                self.err(path, doc.line_of("sources"), "a source must be a mapping")
                continue
            for key in s:
                if key not in SOURCE_KEYS:
                    self.err(path, s.line_of(key), f"unknown source key {key!r}")
            for key in ("id", "title"):
                if key not in s:
                    self.err(path, s.line, f"source without {key}")
            if ("url" not in s and "repository" not in s) or "version" not in s:
                self.err(path, s.line, "a source needs a url or a repository, and a version")
            if s.get("id") in source_ids:
                self.err(path, s.line_of("id"), f"duplicate source id {s.get('id')!r}")
            source_ids.add(s.get("id"))
        default_source = doc.get("default_source")
        if default_source is not None and default_source not in source_ids:
            self.err(path, doc.line_of("default_source"), f"undeclared source {default_source!r}")
        self.check_unsupported(path, doc.get("unsupported"), doc.line_of("unsupported"), top=True)
        part = doc.get("partitioning")
        if part is not None:
            if not isinstance(part, LineDict):
                self.err(path, doc.line_of("partitioning"), "partitioning must be a mapping")
            else:
                for key in part:
                    if key not in {"min_nodes_per_partition", "max_partitions", "whole_graph_only",
                                   "stop_at_first_unsupported"}:
                        self.err(path, part.line_of(key), f"unknown partitioning key {key!r}")
        model = doc.get("model")
        if model is not None:
            if not isinstance(model, LineDict):
                self.err(path, doc.line_of("model"), "model must be a mapping")
            else:
                for key in model:
                    if key not in {"ir_version", "opset", "reason", "source"}:
                        self.err(path, model.line_of(key), f"unknown model key {key!r}")
                for key in ("ir_version", "opset"):
                    limit = model.get(key)
                    if limit is not None and not (isinstance(limit, dict) and set(limit) == {"max"}):
                        self.err(path, model.line_of(key), f"model.{key} must be {{max: ...}}")
                if "source" in model and model["source"] not in source_ids:
                    self.err(path, model.line_of("source"), f"undeclared source {model['source']!r}")
        ct = doc.get("constant_through")
        if ct is not None:
            if not isinstance(ct, list):
                self.err(path, doc.line_of("constant_through"), "constant_through must be a list of ops")
            else:
                for name in ct:
                    self.check_op_name(path, doc.line_of("constant_through"), fmt, name)
        ft = doc.get("fallback_target")
        if ft is not None and not (isinstance(ft, str) and re.fullmatch(r"[a-z0-9-]+", ft)):
            self.err(path, doc.line_of("fallback_target"), f"bad fallback_target {ft!r}")
        if ft is not None:
            self.fallback_targets.append((path, doc.line_of("fallback_target"), ft, fmt))
        ops = doc.get("ops")
        if not isinstance(ops, LineDict):
            self.err(path, doc.line_of("ops"), "ops must be a mapping")
            return
        for name, rule in ops.items():
            line = ops.line_of(name)
            self.check_op_name(path, line, fmt, name)
            if rule is None:
                rule = LineDict({}, {}, line)
            if not isinstance(rule, LineDict):
                self.err(path, line, f"{name}: rule must be a mapping")
                continue
            self.check_rule(path, name, rule, source_ids, default_source)

    def check_op_name(self, path, line, fmt, name):
        if not isinstance(name, str):
            self.err(path, line, f"op name {name!r} is not a string")
        elif fmt == "tflite" and not name.startswith("custom::") and name not in self.builtins:
            self.err(path, line, f"unknown TFLite builtin {name!r}")

    def check_source(self, path, line, name, obj, source_ids, default_source):
        src = obj.get("source")
        if src is not None and src not in source_ids:
            self.err(path, line, f"{name}: undeclared source {src!r}")
        return src or default_source

    def check_rule(self, path, name, rule, source_ids, default_source):
        for key in rule:
            if key not in OP_KEYS:
                self.err(path, rule.line_of(key), f"{name}: unknown key {key!r}")
        src = self.check_source(path, rule.line, name, rule, source_ids, default_source)
        if src is None:
            self.err(path, rule.line, f"{name}: no source and no default_source")
        if rule.get("supported") is False and not rule.get("reason"):
            self.err(path, rule.line, f"{name}: supported: false needs a reason")
        if "versions" in rule:
            problem = parse_versions(rule["versions"])
            if problem:
                self.err(path, rule.line_of("versions"), f"{name}: {problem}")
        if "dtypes" in rule:
            self.check_dtypes(path, rule.line_of("dtypes"), name, rule["dtypes"])
        if "unsupported" in rule:
            self.check_unsupported(path, rule["unsupported"], rule.line_of("unsupported"))
        for c in rule.get("constraints") or []:
            self.check_constraint(path, name, c, source_ids)

    def check_dtypes(self, path, line, name, value):
        if not isinstance(value, list) or not value:
            self.err(path, line, f"{name}: dtypes must be a non-empty list")
            return
        for d in value:
            if d not in self.dtypes:
                self.err(path, line, f"{name}: unknown DType {d!r}")

    def check_constraint(self, path, name, c, source_ids):
        if not isinstance(c, LineDict):
            self.err(path, 0, f"{name}: a constraint must be a mapping")
            return
        line = c.line
        self.check_source(path, line, name, c, source_ids, None)
        subjects = [k for k in ("attribute", "input", "output", "inputs", "outputs", "opset") if k in c]
        if len(subjects) != 1:
            self.err(path, line, f"{name}: a constraint names exactly one subject, found {subjects}")
            return
        subject = subjects[0]
        checks = set(c) - {subject, "reason", "source", "versions", "notes"}
        if "versions" in c:
            problem = parse_versions(c["versions"])
            if problem:
                self.err(path, line, f"{name}: constraint {problem}")
        if not checks:
            self.err(path, line, f"{name}: constraint on {subject} has no check")
        if subject == "attribute":
            allowed = ATTR_CHECKS
        elif subject in ("inputs", "outputs"):
            allowed = COUNT_CHECKS
            if c[subject] != "count":
                self.err(path, line, f"{name}: {subject}: must be 'count'")
        elif subject == "opset":
            allowed = COUNT_CHECKS
            if c[subject] != "import":
                self.err(path, line, f"{name}: opset: must be 'import'")
        else:
            allowed = TENSOR_CHECKS
            if not isinstance(c[subject], int) or c[subject] < -1:
                self.err(path, line, f"{name}: {subject} index must be an integer >= -1")
        for k in checks - allowed:
            self.err(path, line, f"{name}: {k!r} is not a check for {subject}")
        if "dtype" in checks:
            self.check_dtypes(path, line, name, c["dtype"])
        if "rank" in checks:
            r = c["rank"]
            if not (isinstance(r, int) or (isinstance(r, dict) and set(r) <= {"min", "max"} and r)):
                self.err(path, line, f"{name}: rank must be N or {{min:, max:}}")
        if "dim" in checks:
            d = c["dim"]
            if not isinstance(d, dict) or "axis" not in d or not set(d) <= {"axis", "min", "max"}:
                self.err(path, line, f"{name}: dim needs axis and min/max")
        if "range" in checks:
            r = c["range"]
            if not (isinstance(r, list) and len(r) == 2 and r[0] <= r[1]):
                self.err(path, line, f"{name}: range must be [lo, hi] with lo <= hi")
        for k in ("in", "not_in"):
            if k in checks and not isinstance(c[k], list):
                self.err(path, line, f"{name}: {k} must be a list")
        for k in ("constant", "static_shape", "quantized", "per_channel", "present"):
            if k in checks and not isinstance(c[k], bool):
                self.err(path, line, f"{name}: {k} must be true or false")

    def check_unsupported(self, path, u, line, top=False):
        if not isinstance(u, dict):
            self.err(path, line, "unsupported must be a mapping")
            return
        for key in u:
            if key not in {"action", "to", "reason"}:
                self.err(path, line, f"unknown unsupported key {key!r}")
        if u.get("action") not in ACTIONS:
            self.err(path, line, f"unknown action {u.get('action')!r}")
        if u.get("action") == "fallback" and u.get("to") not in FALLBACK_TO:
            self.err(path, line, f"fallback needs to: cpu | gpu, found {u.get('to')!r}")
        if top and not u.get("reason"):
            self.err(path, line, "unsupported needs a reason")


def main(argv):
    # opsets/correspondence/ holds the dropped-op table, not targets (TargetCatalog skips it too).
    files = [Path(a).resolve() for a in argv] or sorted(
        p for p in (ROOT / "opsets").rglob("*.yaml") if "correspondence" not in p.relative_to(ROOT / "opsets").parts)
    checker = Checker()
    for f in files:
        checker.check_file(f)
    if not argv:  # fallback targets must be targets of the same format (needs every file)
        for path, line, ft, fmt in checker.fallback_targets:
            if checker.formats.get(ft) != fmt:
                checker.err(path, line, f"fallback_target {ft!r} is not a {fmt} target under opsets/")
    for p in checker.problems:
        print(p)
    print(f"check-opsets: {len(files)} file(s), {len(checker.problems)} problem(s)", file=sys.stderr)
    return 1 if checker.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
