#!/usr/bin/env python3
"""Prints, for every builtin of the installed LiteRT's schema, the op versions (1-16) that its two
CPU op resolvers resolve: BUILTIN_REF (reference kernels, what Lockstep's goldens use) and
BUILTIN_WITHOUT_DEFAULT_DELEGATES (the builtin kernels). A pair resolves when building an
interpreter for a one-node model does not fail with "Didn't find op for builtin opcode". The
numbers behind docs/tflite-builtins.md ("Which builtins LiteRT resolves").

Usage: "$(bash scripts/bootstrap.sh >/dev/null; echo ~/.cache/lockstep/venv/bin/python)" scripts/probe-litert-resolvers.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from litert_probe import T, build  # noqa: E402

from ai_edge_litert import schema_py_generated as S  # noqa: E402
from ai_edge_litert.interpreter import Interpreter, OpResolverType  # noqa: E402


def resolves(name, version, resolver):
    model = build(name, [T([1])], [T([1])], version=version)
    try:
        Interpreter(model_content=model, experimental_op_resolver_type=resolver)
        return True
    except Exception as error:  # a failure after resolution still means the kernel exists
        return "Didn't find op for" not in str(error)


def span(versions):
    return f"{min(versions)}-{max(versions)}" if versions else "-"


def main():
    names = {v: k for k, v in vars(S.BuiltinOperator).items() if not k.startswith("_")}
    print("builtin reference builtin")
    for code, name in sorted(names.items()):
        if name in ("CUSTOM", "DELEGATE", "PLACEHOLDER_FOR_GREATER_OP_CODES"):
            continue
        ref = [v for v in range(1, 17) if resolves(name, v, OpResolverType.BUILTIN_REF)]
        builtin = [v for v in range(1, 17) if resolves(name, v, OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)]
        print(name, span(ref), span(builtin))


if __name__ == "__main__":
    main()
