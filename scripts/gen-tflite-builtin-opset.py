#!/usr/bin/env python3
"""Writes opsets/tflite/builtin.yaml: the TFLite builtin CPU kernels of the installed LiteRT.

Three inputs, each cited in the file it writes:
  * which op versions the runtime's BuiltinOpResolver registers, measured by asking the installed
    ai-edge-litert interpreter to resolve every builtin code at versions 1..MAX_VERSION (the
    InterpreterBuilder fails with "Didn't find op for builtin opcode" for an unregistered pair);
  * the first runtime version of each op version, the facts of
    google-ai-edge/LiteRT tflite/tools/versioning/runtime_version.cc (FIRST_RUNTIME below, one line
    per op: `OP v:runtime ...`); a registered version that file does not list gets null;
  * the element types the kernels accept for the element-wise ops in DTYPE_PROBES, measured by
    preparing and invoking a one-node model per type with the builtin kernels only (no delegate).

    ~/.cache/lockstep/venv/bin/python scripts/gen-tflite-builtin-opset.py > opsets/tflite/builtin.yaml
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from litert_probe import S, T, Q, build, runs_on_cpu_kernels, Interpreter, OpResolverType  # noqa: E402

MAX_VERSION = 16
RETRIEVED = "2026-12-01"
RUNTIME_VERSION_COMMIT = "05215c291e48a7c2fe164566cedd678b80e9eb8c"
REGISTER_COMMIT = "02c75e3a183c3356771cc3efdfaf1c7b53beb0fb"

# google-ai-edge/LiteRT tflite/tools/versioning/runtime_version.cc @ RUNTIME_VERSION_COMMIT:
# op version -> the first TFLite runtime version that runs it.
FIRST_RUNTIME = """
AVERAGE_POOL_2D 1:1.5.0 2:1.14.0 3:2.3.0
BATCH_MATMUL 1:2.3.0 2:2.3.0 3:2.4.0 4:2.5.0
BROADCAST_TO 2:2.5.0 3:2.5.0
CONV_2D 1:1.5.0 2:1.14.0 3:1.14.0 4:2.3.0 5:2.4.0 6:2.9.0 7:2.11.0 8:2.15.0
DEPTHWISE_CONV_2D 1:1.5.0 2:1.12.0 3:1.14.0 4:2.2.0 5:2.3.0 6:2.3.0 7:2.11.0
ADD 1:1.5.0 2:1.14.0 3:2.4.0 4:2.6.0 5:2.13.0
ADD_N 1:1.14.0
SPACE_TO_BATCH_ND 1:1.6.0 2:1.14.0 3:2.3.0 4:2.12.0
SUB 1:1.6.0 2:1.14.0 3:2.3.0 4:2.4.0 5:2.4.0
DENSIFY 1:2.2.0
DIV 1:1.6.0 2:2.3.0
BATCH_TO_SPACE_ND 1:1.6.0 2:1.14.0 3:2.3.0 4:2.12.0
CAST 1:1.5.0 2:2.7.0 3:2.8.0 4:2.9.0 5:2.12.0 6:2.15.0 7:2.17.0
CONCATENATION 1:1.5.0 2:1.14.0 3:2.3.0 4:2.14.0
DEPTH_TO_SPACE 1:2.1.0 2:2.5.0
EMBEDDING_LOOKUP 1:1.13.0 2:1.14.0 3:1.14.0 4:2.18.0
EMBEDDING_LOOKUP_SPARSE 1:1.5.0
FAKE_QUANT 1:1.5.0 2:1.10.0
FULLY_CONNECTED 1:1.5.0 2:1.10.0 3:1.14.0 4:1.14.0 5:2.0.0 6:2.1.0 7:2.3.0 8:2.3.0 9:2.3.0 10:2.11.0 11:2.15.0 12:2.17.0 13:2.18.0
GATHER 1:1.6.0 2:1.14.0 3:1.15.0 4:2.4.0 5:2.5.0 6:2.13.0 7:2.15.0
GATHER_ND 1:1.14.0 2:2.3.0 3:2.5.0 4:2.13.0 5:2.16.0
HASHTABLE_LOOKUP 1:1.5.0
SVDF 1:1.5.0 2:1.14.0 3:2.2.0 4:2.3.0
L2_NORMALIZATION 1:1.5.0 2:1.14.0
L2_POOL_2D 1:1.5.0
LOCAL_RESPONSE_NORMALIZATION 1:1.5.0
MAX_POOL_2D 1:1.5.0 2:1.14.0 3:2.3.0
MAXIMUM 1:1.14.0 2:1.14.0 3:2.3.0 4:2.3.0
MINIMUM 1:1.14.0 2:1.14.0 3:2.3.0 4:2.3.0
MUL 1:1.5.0 2:1.14.0 3:1.15.0 4:2.3.0 5:2.6.0 6:2.11.0 7:2.13.0
NON_MAX_SUPPRESSION_V4 1:2.1.0
NON_MAX_SUPPRESSION_V5 1:2.1.0
PAD 1:1.5.0 2:1.14.0 3:2.4.0 4:2.6.0
TILE 1:1.10.1 2:2.2.0 3:2.8.0
PADV2 1:1.9.0 2:1.14.0 3:2.4.0 4:2.6.0
RESHAPE 1:1.5.0
SOFTMAX 1:1.5.0 2:1.14.0 3:2.3.0
SPACE_TO_DEPTH 1:1.5.0 2:1.14.0
TRANSPOSE 1:1.6.0 2:1.14.0 3:1.15.0 4:2.3.0 5:2.4.0 6:2.12.0 7:2.14.4
LSTM 1:1.7.0 2:1.10.0 3:1.14.0 4:2.3.0
UNIDIRECTIONAL_SEQUENCE_LSTM 1:1.13.1 2:1.14.0 3:2.3.0 4:2.12.0
BIDIRECTIONAL_SEQUENCE_LSTM 1:1.14.0 2:1.14.0 3:1.14.0
BIDIRECTIONAL_SEQUENCE_RNN 1:1.14.0 2:1.14.0 3:2.3.0
MEAN 1:1.6.0 2:1.14.0 3:2.4.0
SUM 1:1.10.0 2:1.15.0
REDUCE_MAX 1:1.11.0 2:1.14.0 3:2.5.0
REDUCE_MIN 1:1.11.0 2:1.14.0 3:2.5.0
REDUCE_PROD 1:1.11.0 2:2.6.0
REDUCE_ANY 1:1.11.0
RELU6 1:1.5.0 2:1.14.0 3:2.5.0
RESIZE_BILINEAR 1:1.7.0 2:1.14.0 3:2.2.0 4:2.5.0
RESIZE_NEAREST_NEIGHBOR 1:1.13.1 2:1.14.0 3:2.3.0 4:2.4.0
RNN 1:1.5.0 2:1.14.0 3:2.3.0
SKIP_GRAM 1:1.5.0
SQUEEZE 1:1.6.0 2:2.5.0
SPLIT 1:1.5.0 2:1.14.0 3:1.14.0 4:2.3.0
SPLIT_V 1:1.13.1 2:2.3.0
STRIDED_SLICE 1:1.6.0 2:1.14.0 3:2.1.0 4:2.2.0 5:2.5.0 6:2.6.0 7:2.14.0 8:2.14.0
TOPK_V2 1:1.7.0 2:1.14.0 3:2.13.0
ARG_MAX 1:1.9.0 2:1.14.0 3:2.9.0
ARG_MIN 1:1.9.0 2:1.14.0 3:2.9.0
TRANSPOSE_CONV 1:1.9.0 2:2.2.0 3:2.3.0 4:2.13.0 5:2.15.0
SPARSE_TO_DENSE 1:1.9.0 2:1.14.0 3:1.15.0
EXPAND_DIMS 1:1.10.0
PACK 1:1.11.0 2:1.14.0 3:2.3.0 4:2.13.0
SHAPE 1:1.10.0
SLICE 1:1.14.0 2:1.14.0 3:1.14.0 4:2.4.0 5:2.5.0 6:2.14.0
TANH 1:1.14.0 2:1.14.0 3:2.3.0
ONE_HOT 1:1.11.0
UNPACK 1:1.11.0 2:1.14.0 3:2.2.0 4:2.3.0
LEAKY_RELU 1:1.13.1 2:2.3.0
LOGISTIC 1:1.14.0 2:1.14.0 3:2.3.0
LOG_SOFTMAX 1:1.14.0 2:1.14.0
LSH_PROJECTION 1:1.5.0
SQUARED_DIFFERENCE 1:1.13.1 2:2.5.0
MIRROR_PAD 1:1.13.1 2:2.3.0 3:2.12.0
UNIQUE 1:1.14.0
UNIDIRECTIONAL_SEQUENCE_RNN 1:1.14.0 2:1.14.0 3:2.3.0
WHERE 1:1.14.0 2:2.8.0
DEQUANTIZE 1:1.13.1 2:1.14.0 3:1.15.0 4:2.2.0 5:2.7.0 6:2.18.0
REVERSE_SEQUENCE 1:1.14.0
EQUAL 1:1.14.0 2:1.14.0 3:2.3.0 4:2.13.0
NOT_EQUAL 1:1.14.0 2:1.14.0 3:2.3.0
GREATER 1:1.14.0 2:1.14.0
GREATER_EQUAL 1:1.14.0 2:1.14.0 3:2.13.0
LESS 1:1.14.0 2:1.14.0 3:2.13.0
LESS_EQUAL 1:1.14.0 2:1.14.0
SCATTER_ND 1:2.1.0
SEGMENT_SUM 1:2.2.0
SELECT 1:1.14.0 2:1.14.0 3:2.12.0 4:2.12.0
SELECT_V2 1:2.2.0 2:2.12.0
IF 1:1.15.0
FLOOR_DIV 1:1.14.0 2:1.14.0 3:2.13.0
FLOOR 1:1.9.0
CEIL 1:1.14.0
MATRIX_DIAG 1:1.14.0
MATRIX_SET_DIAG 1:1.14.0
ELU 1:1.14.0
QUANTIZE 1:1.14.0 2:1.15.0 3:2.7.0
ROUND 1:1.14.0
RELU 1:1.5.0 2:2.1.0 3:2.5.0
RELU_N1_TO_1 1:1.5.0
RELU_0_TO_1 1:2.10.0
PRELU 1:1.8.0
EXP 1:1.7.0 2:2.12.0
COS 1:1.14.0
NEG 1:1.9.0
POW 1:1.10.0
LOGICAL_OR 1:1.11.0
LOGICAL_AND 1:1.11.0
LOGICAL_NOT 1:1.11.0
FLOOR_MOD 1:1.13.0 2:2.13.0
RANGE 1:1.13.0 2:2.14.0
SIN 1:1.9.0
LOG 1:1.14.0 2:2.15.0
SQRT 1:1.10.0
RSQRT 1:1.10.0 2:2.5.0 3:2.15.0
SQUARE 1:1.12.0
ZEROS_LIKE 1:1.12.0
ABS 1:1.13.0 2:2.4.0 3:2.5.0 4:2.6.0 5:2.12.0
HARD_SWISH 1:1.15.0
FILL 1:1.13.0 2:2.3.0 3:2.5.0 4:2.12.0
REVERSE_V2 1:1.14.0 2:2.2.0 3:2.5.0
RANK 1:1.14.0
WHILE 1:1.15.0
CUMSUM 1:2.4.0
CALL_ONCE 1:2.5.0
RFFT2D 1:2.5.0
CONV_3D 1:2.5.0
IMAG 1:2.5.0
REAL 1:2.5.0
COMPLEX_ABS 1:2.5.0
HASHTABLE 1:2.5.0
HASHTABLE_FIND 1:2.5.0
HASHTABLE_IMPORT 1:2.5.0
HASHTABLE_SIZE 1:2.5.0
REDUCE_ALL 1:2.6.0
CONV_3D_TRANSPOSE 1:2.6.0
VAR_HANDLE 1:2.6.0
READ_VARIABLE 1:2.6.0
ASSIGN_VARIABLE 1:2.6.0
BROADCAST_ARGS 1:2.6.0
RANDOM_STANDARD_NORMAL 1:2.8.0
BUCKETIZE 1:2.8.0
RANDOM_UNIFORM 1:2.8.0
MULTINOMIAL 1:2.8.0
GELU 1:2.9.0 2:2.9.0
DYNAMIC_UPDATE_SLICE 1:2.9.0 2:2.17.0 3:2.19.0 4:2.20.0
UNSORTED_SEGMENT_PROD 1:2.10.0
UNSORTED_SEGMENT_MAX 1:2.10.0
UNSORTED_SEGMENT_MIN 1:2.11.0
UNSORTED_SEGMENT_SUM 1:2.10.0
ATAN2 1:2.10.0
SIGN 1:2.11.0 2:2.12.0
BITCAST 1:2.13.0
BITWISE_XOR 1:2.13.0
RIGHT_SHIFT 1:2.13.0
STABLEHLO_SCATTER 1:2.15.0
DILATE 1:2.15.0
STABLEHLO_RNG_BIT_GENERATOR 1:2.15.0
REDUCE_WINDOW 1:2.15.0
STABLEHLO_GATHER 1:2.16.0
STABLEHLO_ADD 1:2.16.0
STABLEHLO_MULTIPLY 1:2.16.0
STABLEHLO_REDUCE_WINDOW 1:2.16.0
STABLEHLO_MAXIMUM 1:2.16.0
STABLEHLO_MINIMUM 1:2.16.0
STABLEHLO_PAD 1:2.16.0
STABLEHLO_COMPOSITE 1:2.17.0
STABLEHLO_AND 1:2.17.0
STABLEHLO_SHIFT_LEFT 1:2.17.0
STABLEHLO_CBRT 1:2.17.0
STABLEHLO_CASE 1:2.17.0
"""

# Custom ops the BuiltinOpResolver also registers (register.cc @ REGISTER_COMMIT).
RESOLVER_CUSTOM_OPS = ["NumericVerify", "Mfcc", "AudioSpectrogram", "TFLite_Detection_PostProcess",
                       "aeq.hadamard_rotation"]

DTYPES = ["float32", "float16", "bfloat16", "float64", "int8", "uint8", "int16", "uint16", "int32",
          "uint32", "int64", "bool"]
QUANTIZED = {"int8": Q(0.1, 0), "uint8": Q(0.1, 128), "int16": Q(0.1, 0)}
# Output quantisation the kernels require for these ops (fixed output ranges).
FIXED_OUTPUT_Q = {
    ("LOGISTIC", "int8"): ([1 / 256], [-128], 0), ("LOGISTIC", "uint8"): ([1 / 256], [0], 0),
    ("LOGISTIC", "int16"): ([1 / 32768], [0], 0), ("TANH", "int8"): ([1 / 128], [0], 0),
    ("TANH", "uint8"): ([1 / 128], [128], 0), ("TANH", "int16"): ([1 / 32768], [0], 0),
}
UNARY = ["ABS", "CEIL", "COS", "ELU", "EXP", "FLOOR", "GELU", "HARD_SWISH", "LOG", "LOGISTIC", "NEG",
         "RELU", "RELU6", "RELU_N1_TO_1", "RELU_0_TO_1", "ROUND", "RSQRT", "SIGN", "SIN", "SQRT",
         "SQUARE", "TANH", "ZEROS_LIKE", "LOGICAL_NOT"]
BINARY = ["ADD", "SUB", "MUL", "DIV", "MAXIMUM", "MINIMUM", "POW", "FLOOR_DIV", "FLOOR_MOD",
          "SQUARED_DIFFERENCE", "ATAN2", "BITWISE_XOR", "RIGHT_SHIFT", "LOGICAL_AND", "LOGICAL_OR"]
COMPARISON = ["EQUAL", "NOT_EQUAL", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL"]
DTYPE_PROBES = UNARY + BINARY + COMPARISON


def names():
    return {v: k for k, v in vars(S.BuiltinOperator).items() if not k.startswith("_")}


def resolves(code, version):
    model = build(names()[code], [T([1])], [T([1])], version=version)
    try:
        Interpreter(model_content=model,
                    experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
        return True
    except Exception as e:  # a parse error after resolution still means the kernel exists
        return "Didn't find op for" not in str(e)


def registered_versions():
    out = {}
    for code, name in sorted(names().items()):
        if name in ("CUSTOM", "DELEGATE", "PLACEHOLDER_FOR_GREATER_OP_CODES"):
            continue
        out[name] = [v for v in range(1, MAX_VERSION + 1) if resolves(code, v)]
    return out


def probe_dtypes(op, version):
    ok = []
    for dt in DTYPES:
        q = QUANTIZED.get(dt)
        out_dt = "bool" if op in COMPARISON else dt
        out_q = FIXED_OUTPUT_Q.get((op, dt), q if out_dt == dt else None)
        n = 1 if op in UNARY else 2
        model = build(op, [T([2, 3], dt, q=q) for _ in range(n)], [T([2, 3], out_dt, q=out_q)],
                      version=version)
        if runs_on_cpu_kernels(model)[0]:
            ok.append(dt)
    return ok


def version_map(first, versions):
    items = []
    for v in versions:
        r = first.get(v)
        items.append(f'{v}: "{r}"' if r else f"{v}: null")
    return "{" + ", ".join(items) + "}"


def main():
    first = {}
    for line in FIRST_RUNTIME.strip().splitlines():
        op, *pairs = line.split()
        first[op] = {int(p.split(":")[0]): p.split(":")[1] for p in pairs}
    regs = registered_versions()
    w = sys.stdout.write
    w("# Generated by scripts/gen-tflite-builtin-opset.py from the installed ai-edge-litert; do not edit.\n")
    w("schema: 1\nid: tflite-builtin\nname: TFLite builtin CPU kernels (LiteRT 2.3)\nformat: tflite\n")
    w("kind: builtin\nruntime:\n  name: LiteRT interpreter, BuiltinOpResolver (reference CPU kernels)\n")
    w('  versions: "ai-edge-litert 2.3.0 (TFLite kernels 2.22.0-dev0)"\naccelerator: cpu\nsources:\n')
    w("  - id: litert-register\n    title: LiteRT BuiltinOpResolver — which builtin op versions have a CPU kernel\n")
    w(f"    url: https://github.com/google-ai-edge/LiteRT/blob/{REGISTER_COMMIT}/tflite/core/kernels/register.cc\n")
    w(f'    version: "google-ai-edge/LiteRT tflite/core/kernels/register.cc @ {REGISTER_COMMIT}; the versions listed are what the installed 2.3.0 wheel resolves (it registers newer versions than this commit)"\n')
    w(f"    retrieved: {RETRIEVED}\n")
    w("  - id: runtime-version\n    title: LiteRT op version → first TFLite runtime version (FindMinimumRuntimeVersionForOp)\n")
    w(f"    url: https://github.com/google-ai-edge/LiteRT/blob/{RUNTIME_VERSION_COMMIT}/tflite/tools/versioning/runtime_version.cc\n")
    w(f'    version: "google-ai-edge/LiteRT tflite/tools/versioning/runtime_version.cc @ {RUNTIME_VERSION_COMMIT}"\n')
    w(f"    retrieved: {RETRIEVED}\n")
    w("  - id: litert-kernel-probe\n    title: One-node models prepared and invoked by the installed wheel's builtin kernels, no delegate (scripts/gen-tflite-builtin-opset.py)\n")
    w("    url: https://pypi.org/project/ai-edge-litert/2.3.0/\n")
    w(f'    version: "ai-edge-litert 2.3.0, linux x86_64; measured {RETRIEVED}"\n    retrieved: {RETRIEVED}\n')
    w("default_source: litert-register\nunsupported:\n  action: error\n")
    w("  reason: the interpreter cannot be built when an op (or op version) has no registered kernel (\"Didn't find op for builtin opcode\")\n")
    w("notes: >-\n")
    w("  Versions are the op versions the installed runtime's BuiltinOpResolver resolves; each maps to the first\n")
    w("  TFLite runtime version that runs it per runtime_version.cc, or null where that file has no entry (versions\n")
    w("  added after it, in LiteRT, whose first release is not recorded). dtype constraints, where given, are the element types\n")
    w("  of the inputs for which the kernel both prepared and ran a one-node model; 8/16-bit integer\n")
    w("  types were tried with per-tensor quantisation. Ops without them were not probed: their kernels check types\n")
    w("  in Prepare, and the model still fails at run time with the kernel's own message when a type is unsupported.\n")
    w("  The resolver also registers the custom ops listed as custom::NAME.\n")
    w("ops:\n")
    for name in sorted(regs):
        versions = regs[name]
        if not versions:
            w(f"  {name}:\n    supported: false\n")
            w(f"    reason: the installed runtime's BuiltinOpResolver resolves no version of this builtin (measured at versions 1-{MAX_VERSION})\n")
            continue
        w(f"  {name}:\n")
        w(f"    source: runtime-version\n    versions: {version_map(first.get(name, {}), versions)}\n")
        if name in DTYPE_PROBES:
            dts = probe_dtypes(name, max(versions))
            if dts:
                w("    constraints:\n")
                for i in range(1 if name in UNARY else 2):
                    w(f"      - input: {i}\n        dtype: [{', '.join(dts)}]\n        source: litert-kernel-probe\n")
                    w(f"        reason: the element types the kernel prepared and ran at op version {max(versions)} (measured)\n")
    for c in RESOLVER_CUSTOM_OPS:  # not probed: their Init parses custom options a dummy node lacks
        w(f"  custom::{c}: {{}}\n")


if __name__ == "__main__":
    main()
