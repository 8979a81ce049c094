#!/usr/bin/env python3
"""Writes Sources/Compatibility/Generated/OpSchemaData.swift: the op vocabulary the Compatibility
module checks target files and models against.

- ONNX: every schema (all since-versions) of the domains onnx ships ("" = ai.onnx, ai.onnx.ml,
  ai.onnx.preview, ai.onnx.preview.training) from the pinned `onnx` package, plus the contrib
  domains onnxruntime registers (com.microsoft, com.microsoft.nchwc) from the pinned
  `onnxruntime` wheel (`get_all_operator_schema`), and the ai.onnx schemas only onnxruntime still
  registers (the experimental opset-1 ops Affine, Crop, ImageScaler, …). Per schema: inputs and outputs (name, type
  string, single/optional/variadic), type constraints (allowed element types) and attributes with
  their defaults. Used to validate op names in opsets/, to resolve a node's since-version, to fill
  in default attribute values and to infer element types of values a model does not declare.
- TFLite: the BuiltinOperator enum of schemas/tflite.fbs (the project's schema).

Run in the shared venv (scripts/bootstrap.sh): the output depends only on the pinned versions
in scripts/requirements.txt and on schemas/tflite.fbs.

    ~/.cache/lockstep/venv/bin/python scripts/generate-op-schemas.py
"""
import os
import re
import sys

import onnx
import onnx.defs
import onnxruntime
from onnxruntime.capi import onnxruntime_pybind11_state as ort_c

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Sources", "Compatibility", "Generated", "OpSchemaData.swift")

# ONNX type strings -> Lockstep DType names (Sources/LockstepCore/DType.swift).
DTYPES = {
    "float": "float32", "float16": "float16", "bfloat16": "bfloat16", "double": "float64",
    "float8e4m3fn": "float8e4m3fn", "float8e4m3fnuz": "float8e4m3fnuz", "float8e5m2": "float8e5m2",
    "float8e5m2fnuz": "float8e5m2fnuz", "float8e8m0": "float8e8m0", "float4e2m1": "float4e2m1",
    "float6e2m3": "float6e2m3", "float6e3m2": "float6e3m2",
    "int2": "int2", "uint2": "uint2", "int4": "int4", "uint4": "uint4",
    "int8": "int8", "uint8": "uint8", "int16": "int16", "uint16": "uint16", "int32": "int32",
    "uint32": "uint32", "int64": "int64", "uint64": "uint64", "bool": "bool", "string": "string",
    "complex64": "complex64", "complex128": "complex128",
}


def type_code(type_str):
    """`tensor(float)` -> `float32`; a type parameter (`T`) stays as is; other types are kept
    with their element types translated (`seq(tensor(float))` -> `seq(float32)`)."""
    s = type_str.replace(" ", "")
    m = re.fullmatch(r"tensor\((\w+)\)", s)
    if m:
        return DTYPES.get(m.group(1), "?" + m.group(1))
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", s):
        return "$" + s  # a type parameter
    return re.sub(r"tensor\((\w+)\)", lambda m: DTYPES.get(m.group(1), "?" + m.group(1)), s)


OPTION = {0: "s", 1: "o", 2: "v"}


def option_code(option):
    return OPTION[int(option.value) if hasattr(option, "value") else int(option)]


def escape(text):
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def attribute_default(attr):
    """(kind, text) of an attribute's default value, text empty when it has none."""
    kind = str(attr.type).split(".")[-1]
    value = attr.default_value
    if value is None or not value.name:
        return kind, None
    if kind == "INT":
        return kind, str(value.i)
    if kind == "FLOAT":
        return kind, repr(float(value.f))
    if kind == "STRING":
        return kind, escape(value.s.decode("utf-8", "replace"))
    if kind == "INTS":
        return kind, ",".join(str(v) for v in value.ints)
    if kind == "FLOATS":
        return kind, ",".join(repr(float(v)) for v in value.floats)
    if kind == "STRINGS":
        return kind, ",".join(escape(v.decode("utf-8", "replace")) for v in value.strings)
    if kind == "TENSOR":
        return kind, DTYPES.get(onnx.helper.tensor_dtype_to_np_dtype(value.t.data_type).name, "")
    return kind, None


def schema_lines(s, type_str, attribute_line):
    """One schema's lines. onnx's and onnxruntime's pybind schemas differ in the name of a formal
    parameter's type string (`type_str` / `typeStr`) and in what their attributes expose."""
    lines = [f"@\t{s.domain}\t{s.name}\t{s.since_version}\t{1 if s.deprecated else 0}"]
    for i in s.inputs:
        lines.append(f"i\t{i.name}\t{type_code(type_str(i))}\t{option_code(i.option)}")
    for o in s.outputs:
        lines.append(f"o\t{o.name}\t{type_code(type_str(o))}\t{option_code(o.option)}")
    for t in s.type_constraints:
        lines.append(f"t\t{t.type_param_str}\t" + ",".join(type_code(a) for a in t.allowed_type_strs))
    for name in sorted(s.attributes):
        lines.append(attribute_line(name, s.attributes[name]))
    return lines


def onnx_attribute_line(name, attr):
    kind, default = attribute_default(attr)
    return f"a\t{name}\t{kind}" + (f"\t{default}" if default is not None else "")


def ort_attribute_line(name, attr):
    return f"a\t{name}\t{str(attr.type).split('.')[-1]}"


def onnx_lines():
    lines = []
    schemas = [s for s in onnx.defs.get_all_schemas_with_history()]
    contrib = [s for s in ort_c.get_all_operator_schema() if s.domain in ("", "com.microsoft", "com.microsoft.nchwc")]
    seen = set()
    for group, type_str, attribute_line in ((schemas, lambda p: p.type_str, onnx_attribute_line),
                                            (contrib, lambda p: p.typeStr, ort_attribute_line)):
        for s in sorted(group, key=lambda s: (s.domain, s.name, s.since_version)):
            key = (s.domain, s.name, s.since_version)
            if key in seen:
                continue
            seen.add(key)
            lines.extend(schema_lines(s, type_str, attribute_line))
    return lines


def tflite_lines():
    with open(os.path.join(ROOT, "schemas", "tflite.fbs"), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"enum BuiltinOperator\s*:\s*int32\s*\{(.*?)\}", text, re.S)
    if not m:
        sys.exit("schemas/tflite.fbs: enum BuiltinOperator not found")
    body = re.sub(r"//[^\n]*", "", m.group(1))
    out = []
    for name, code in re.findall(r"([A-Z0-9_]+)\s*=\s*(-?\d+)", body):
        out.append(f"{name}\t{code}")
    return out


def main():
    onnx_data = "\n".join(onnx_lines())
    tflite_data = "\n".join(tflite_lines())
    for text in (onnx_data, tflite_data):
        if '"""#' in text:
            sys.exit("generated data contains the raw-string terminator")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(
            "// Generated by scripts/generate-op-schemas.py; do not edit.\n"
            f"// ONNX schemas: onnx {onnx.__version__} (domains '', ai.onnx.ml, ai.onnx.preview, ai.onnx.preview.training)\n"
            f"// and onnxruntime {onnxruntime.__version__} contrib schemas (com.microsoft, com.microsoft.nchwc).\n"
            "// TFLite builtins: enum BuiltinOperator of schemas/tflite.fbs.\n"
            "// Line format: docs/compatibility.md (\"The op vocabulary\").\n\n"
            "enum OpSchemaData {\n"
            f"    static let onnxPackageVersion = \"{onnx.__version__}\"\n"
            f"    static let onnxruntimePackageVersion = \"{onnxruntime.__version__}\"\n\n"
            "    static let onnx = #\"\"\"\n" + onnx_data + "\n\"\"\"#\n\n"
            "    static let tfliteBuiltins = #\"\"\"\n" + tflite_data + "\n\"\"\"#\n"
            "}\n"
        )
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
