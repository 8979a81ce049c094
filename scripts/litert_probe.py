"""Builds single-node TFLite models in memory and runs them through the installed LiteRT
(ai-edge-litert). Shared by scripts/probe-litert-xnnpack.py, scripts/gen-tflite-builtin-opset.py and
scripts/compat-reality.py (which nodes the default delegate replaced).
Models are made with the FlatBuffers object API of the wheel's own schema module."""
import collections

import flatbuffers
import numpy as np
from ai_edge_litert import schema_py_generated as S
from ai_edge_litert.interpreter import Interpreter, OpResolverType

TT = {'float32': S.TensorType.FLOAT32, 'float16': S.TensorType.FLOAT16, 'int8': S.TensorType.INT8,
      'uint8': S.TensorType.UINT8, 'int32': S.TensorType.INT32, 'int16': S.TensorType.INT16,
      'int64': S.TensorType.INT64, 'bool': S.TensorType.BOOL, 'bfloat16': S.TensorType.BFLOAT16,
      'float64': S.TensorType.FLOAT64, 'uint16': S.TensorType.UINT16, 'uint32': S.TensorType.UINT32}
NP = {'float32': np.float32, 'float16': np.float16, 'int8': np.int8, 'uint8': np.uint8,
      'int32': np.int32, 'int16': np.int16, 'int64': np.int64, 'bool': np.bool_, 'float64': np.float64,
      'uint16': np.uint16, 'uint32': np.uint32}

def T(shape, dtype='float32', data=None, q=None):
    """data: None = runtime tensor; array-like = constant. q: (scales, zero_points, axis)."""
    return dict(shape=list(shape), dtype=dtype, data=data, q=q)

def C(shape, dtype='float32', q=None, fill=None):
    n = int(np.prod(shape)) if shape else 1
    arr = np.full(n, fill) if fill is not None else (np.arange(n) % 5 + 1)
    return T(shape, dtype, np.asarray(arr, dtype=NP[dtype]).reshape(shape), q)

def Q(scale=0.1, zp=0):  # per-tensor quantisation
    return ([scale], [zp], 0)

def build(op, inputs, outputs, opts=None, version=1, custom=None, nodes=None):
    m = S.ModelT(); m.version = 3; m.buffers = [S.BufferT()]
    sg = S.SubGraphT(); sg.tensors = []; sg.inputs = []; sg.outputs = []
    def add(t):
        if t is None: return -1
        tt = S.TensorT(); tt.shape = t['shape']; tt.type = TT[t['dtype']]; tt.name = f"t{len(sg.tensors)}"
        tt.buffer = 0
        if t['q'] is not None:
            qp = S.QuantizationParametersT(); qp.scale = list(map(float, t['q'][0]))
            qp.zeroPoint = list(map(int, t['q'][1])); qp.quantizedDimension = t['q'][2]; tt.quantization = qp
        if t['data'] is not None:
            b = S.BufferT(); b.data = list(np.ascontiguousarray(t['data']).tobytes()); m.buffers.append(b)
            tt.buffer = len(m.buffers) - 1
        sg.tensors.append(tt); return len(sg.tensors) - 1
    ids_in = [add(t) for t in inputs]; ids_out = [add(t) for t in outputs]
    sg.inputs = [i for i, t in zip(ids_in, inputs) if t is not None and t['data'] is None]
    sg.outputs = ids_out
    oc = S.OperatorCodeT()
    code = getattr(S.BuiltinOperator, op) if custom is None else S.BuiltinOperator.CUSTOM
    oc.builtinCode = code; oc.deprecatedBuiltinCode = min(code, 127); oc.version = version
    if custom: oc.customCode = custom
    m.operatorCodes = [oc]
    o = S.OperatorT(); o.opcodeIndex = 0; o.inputs = ids_in; o.outputs = ids_out
    if opts:
        name, fields = opts
        obj = getattr(S, name + 'T')()
        for k, v in fields.items(): setattr(obj, k, v)
        o.builtinOptionsType = getattr(S.BuiltinOptions, name); o.builtinOptions = obj
    sg.operators = [o]; m.subgraphs = [sg]
    b = flatbuffers.Builder(1024); b.Finish(m.Pack(b), file_identifier=b"TFL3"); return bytes(b.Output())

def delegated(model):
    it = Interpreter(model_content=model)
    err = None
    try: it.allocate_tensors()
    except Exception as e: err = str(e).splitlines()[0]
    ops = it._get_ops_details()
    return any(o['op_name'] == 'DELEGATE' for o in ops), err



def runs_on_cpu_kernels(model):
    """(True, None) when the builtin kernels (no delegate) prepare and invoke the model."""
    try:
        it = Interpreter(model_content=model,
                         experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
        it.allocate_tensors()
        for d in it.get_input_details():  # ones, so that division and similar ops are defined
            it.set_tensor(d['index'], np.ones(d['shape'], dtype=d['dtype']))
        it.invoke()
        return True, None
    except Exception as e:
        return False, str(e).splitlines()[0] if str(e) else type(e).__name__


def delegated_interpreter(path):
    """The interpreter with LiteRT's default delegate applied, and the first line of the error
    allocate_tensors raised (None when it did not): with unresolved custom ops delegation has
    already happened."""
    it = Interpreter(model_path=path)
    error = None
    try:
        it.allocate_tensors()
    except Exception as e:
        error = str(e).splitlines()[0]
    return it, error


def replaced_nodes(original, delegated_ops):
    """Indices of the original nodes (`_get_ops_details()` of subgraph 0 without delegates) that
    DELEGATE nodes replaced, and the number of DELEGATE nodes: each covers the original nodes
    between its inputs and its outputs, found by walking back from its outputs."""
    producer = {int(t): o['index'] for o in original for t in o['outputs'] if t >= 0}
    replaced, delegate_nodes = set(), 0
    for d in delegated_ops:
        if d['op_name'] != 'DELEGATE' or d['index'] < len(original):
            continue
        delegate_nodes += 1
        boundary = {int(t) for t in d['inputs']}
        stack = [int(t) for t in d['outputs']]
        while stack:
            t = stack.pop()
            if t in boundary or t not in producer or producer[t] in replaced:
                continue
            replaced.add(producer[t])
            stack.extend(int(x) for x in original[producer[t]]['inputs'] if x >= 0)
    return replaced, delegate_nodes


def model_delegation(path):
    """Nodes of subgraph 0 the default delegate replaced, and its partitions."""
    base = Interpreter(model_path=path,
                       experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    orig = base._get_ops_details()
    it, error = delegated_interpreter(path)
    delegated, partitions = replaced_nodes(orig, it._get_ops_details())
    per_op = collections.defaultdict(lambda: [0, 0])
    for o in orig:
        per_op[o['op_name']][0 if o['index'] in delegated else 1] += 1
    return {'model': path, 'nodes': len(orig), 'delegated': len(delegated), 'partitions': partitions,
            'error': error, 'not_delegated': {k: v[1] for k, v in sorted(per_op.items()) if v[1]}}
