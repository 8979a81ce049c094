#!/usr/bin/env python3
"""Runs single-node TFLite models through the installed LiteRT (ai-edge-litert) and reports which
ones its default XNNPACK delegate takes, next to the outcome recorded when opsets/tflite/xnnpack.yaml
was written. The YAML cites these case names (source `litert-probe`).

    ~/.cache/lockstep/venv/bin/python scripts/probe-litert-xnnpack.py            # all cases
    ~/.cache/lockstep/venv/bin/python scripts/probe-litert-xnnpack.py CONV FC    # names containing CONV or FC
    ~/.cache/lockstep/venv/bin/python scripts/probe-litert-xnnpack.py --models a.tflite ...  # real models

Exit status 1 when a case's outcome differs from the recorded one (a LiteRT upgrade changed the
delegate: update the YAML and EXPECTED together). `--models` prints, per model, how many nodes the
delegate replaced and in how many partitions, found from the DELEGATE nodes' inputs and outputs.
Models are built with the FlatBuffers object API of the wheel's own schema module; nothing is
written to disk.
"""
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from litert_probe import *  # noqa: F401,F403  (T, C, Q, S, np, build, delegated, model_delegation)


cases = []
seen = set()


def case(name, *a, **k):
    if name not in seen:  # first definition wins
        seen.add(name)
        cases.append((name, a, k))


ci = lambda v: T([len(v)], 'int32', np.array(v, np.int32))
A = lambda act='NONE': getattr(S.ActivationFunctionType, act)
x4 = T([1, 8, 8, 4]); y4 = T([1, 8, 8, 4])
case('ADD f32', 'ADD', [x4, T([1,8,8,4])], [y4], ('AddOptions', dict(fusedActivationFunction=A())))
case('ADD f32 fused TANH', 'ADD', [x4, T([1,8,8,4])], [y4], ('AddOptions', dict(fusedActivationFunction=A('TANH'))))
case('ADD f32 fused RELU6', 'ADD', [x4, T([1,8,8,4])], [y4], ('AddOptions', dict(fusedActivationFunction=A('RELU6'))))
case('ADD u8', 'ADD', [T([1,8,8,4],'uint8',q=Q(0.1,128)), T([1,8,8,4],'uint8',q=Q(0.1,128))], [T([1,8,8,4],'uint8',q=Q(0.2,128))], ('AddOptions', {}), version=1)
case('ADD i8', 'ADD', [T([1,8,8,4],'int8',q=Q(0.1,0)), T([1,8,8,4],'int8',q=Q(0.1,0))], [T([1,8,8,4],'int8',q=Q(0.2,0))], ('AddOptions', {}), version=2)
case('ADD i16', 'ADD', [T([1,8,8,4],'int16',q=Q(0.1,0)), T([1,8,8,4],'int16',q=Q(0.1,0))], [T([1,8,8,4],'int16',q=Q(0.2,0))], ('AddOptions', {}), version=3)
case('ADD i32', 'ADD', [T([1,8,8,4],'int32'), T([1,8,8,4],'int32')], [T([1,8,8,4],'int32')], ('AddOptions', {}))
case('ADD f32 rank7', 'ADD', [T([1,1,1,1,1,2,2]), T([1,1,1,1,1,2,2])], [T([1,1,1,1,1,2,2])], ('AddOptions', {}))
case('ADD f32 rank6', 'ADD', [T([1,1,1,1,2,2]), T([1,1,1,1,2,2])], [T([1,1,1,1,2,2])], ('AddOptions', {}))
case('ADD f16', 'ADD', [T([1,8,8,4],'float16'), T([1,8,8,4],'float16')], [T([1,8,8,4],'float16')], ('AddOptions', {}))
case('ADD i8 scale ratio', 'ADD', [T([4],'int8',q=Q(1.0,0)), T([4],'int8',q=Q(1.0,0))], [T([4],'int8',q=Q(0.001,0))], ('AddOptions', {}), version=2)
case('DIV i8', 'DIV', [T([4],'int8',q=Q()), T([4],'int8',q=Q())], [T([4],'int8',q=Q())], ('DivOptions', {}), version=2)
case('MAXIMUM f32', 'MAXIMUM', [T([4]), T([4])], [T([4])])
case('SQUARED_DIFFERENCE f32', 'SQUARED_DIFFERENCE', [T([4]), T([4])], [T([4])])
case('PRELU const slope', 'PRELU', [x4, C([1,1,4])], [y4])
case('PRELU dynamic slope', 'PRELU', [x4, T([1,1,4])], [y4])
w = C([8, 3, 3, 4]); b = C([8])
case('CONV f32', 'CONV_2D', [x4, w, b], [T([1,8,8,8])], ('Conv2DOptions', dict(padding=0, strideW=1, strideH=1)))
case('CONV f32 no bias', 'CONV_2D', [x4, w, None], [T([1,8,8,8])], ('Conv2DOptions', dict(padding=0, strideW=1, strideH=1)))
case('CONV f32 dynamic filter', 'CONV_2D', [x4, T([8,3,3,4]), b], [T([1,8,8,8])], ('Conv2DOptions', dict(padding=0, strideW=1, strideH=1)))
case('CONV f32 dynamic bias', 'CONV_2D', [x4, w, T([8])], [T([1,8,8,8])], ('Conv2DOptions', dict(padding=0, strideW=1, strideH=1)))
case('CONV f32 TANH', 'CONV_2D', [x4, w, b], [T([1,8,8,8])], ('Conv2DOptions', dict(padding=0, strideW=1, strideH=1, fusedActivationFunction=A('TANH'))))
case('CONV f32 dilation2', 'CONV_2D', [x4, w, b], [T([1,8,8,8])], ('Conv2DOptions', dict(padding=0, strideW=1, strideH=1, dilationWFactor=2, dilationHFactor=2)))
case('CONV f32 grouped', 'CONV_2D', [T([1,8,8,8]), w, b], [T([1,8,8,8])], ('Conv2DOptions', dict(padding=0, strideW=1, strideH=1)), version=6)
case('CONV f32 in, i8 filter (hybrid)', 'CONV_2D', [x4, C([8,3,3,4],'int8',q=([0.1]*8,[0]*8,0)), b], [T([1,8,8,8])], ('Conv2DOptions', dict(padding=0, strideW=1, strideH=1)), version=2)
case('CONV i8 per-channel', 'CONV_2D', [T([1,8,8,4],'int8',q=Q(0.1,0)), C([8,3,3,4],'int8',q=([0.1]*8,[0]*8,0)), C([8],'int32',q=([0.01]*8,[0]*8,0))], [T([1,8,8,8],'int8',q=Q(0.5,0))], ('Conv2DOptions', dict(padding=0, strideW=1, strideH=1)), version=3)
case('CONV i8 per-channel axis3', 'CONV_2D', [T([1,8,8,4],'int8',q=Q(0.1,0)), C([8,3,3,4],'int8',q=([0.1]*4,[0]*4,3)), C([8],'int32',q=([0.01]*8,[0]*8,0))], [T([1,8,8,8],'int8',q=Q(0.5,0))], ('Conv2DOptions', dict(padding=0, strideW=1, strideH=1)), version=3)
case('CONV u8', 'CONV_2D', [T([1,8,8,4],'uint8',q=Q(0.1,128)), C([8,3,3,4],'uint8',q=Q(0.1,128)), C([8],'int32',q=Q(0.01,0))], [T([1,8,8,8],'uint8',q=Q(0.5,128))], ('Conv2DOptions', dict(padding=0, strideW=1, strideH=1)))
case('CONV i16x8', 'CONV_2D', [T([1,8,8,4],'int16',q=Q(0.1,0)), C([8,3,3,4],'int8',q=([0.1]*8,[0]*8,0)), C([8],'int64',q=([0.01]*8,[0]*8,0))], [T([1,8,8,8],'int16',q=Q(0.5,0))], ('Conv2DOptions', dict(padding=0, strideW=1, strideH=1)), version=4)
case('CONV f32 rank3 input', 'CONV_2D', [T([8,8,4]), w, b], [T([8,8,8])], ('Conv2DOptions', dict(padding=0, strideW=1, strideH=1)))
dw = C([1,3,3,4]); db = C([4])
case('DWCONV f32', 'DEPTHWISE_CONV_2D', [x4, dw, db], [y4], ('DepthwiseConv2DOptions', dict(padding=0, strideW=1, strideH=1, depthMultiplier=1)))
case('DWCONV f32 dynamic filter', 'DEPTHWISE_CONV_2D', [x4, T([1,3,3,4]), db], [y4], ('DepthwiseConv2DOptions', dict(padding=0, strideW=1, strideH=1, depthMultiplier=1)))
case('DWCONV f32 SIGN_BIT', 'DEPTHWISE_CONV_2D', [x4, dw, db], [y4], ('DepthwiseConv2DOptions', dict(padding=0, strideW=1, strideH=1, depthMultiplier=1, fusedActivationFunction=A('SIGN_BIT'))))
case('DWCONV f32 in, i8 filter', 'DEPTHWISE_CONV_2D', [x4, C([1,3,3,4],'int8',q=([0.1]*4,[0]*4,3)), db], [y4], ('DepthwiseConv2DOptions', dict(padding=0, strideW=1, strideH=1, depthMultiplier=1)), version=2)
fw = C([16, 32]); fb = C([16])
case('FC f32', 'FULLY_CONNECTED', [T([2,32]), fw, fb], [T([2,16])], ('FullyConnectedOptions', {}))
case('FC f32 no bias', 'FULLY_CONNECTED', [T([2,32]), fw, None], [T([2,16])], ('FullyConnectedOptions', {}))
case('FC f32 dynamic weights', 'FULLY_CONNECTED', [T([2,32]), T([16,32]), fb], [T([2,16])], ('FullyConnectedOptions', {}))
case('FC f32 in i8 weights (hybrid)', 'FULLY_CONNECTED', [T([2,32]), C([16,32],'int8',q=([0.1]*16,[0]*16,0)), fb], [T([2,16])], ('FullyConnectedOptions', {}), version=3)
case('FC f32 shuffled weights', 'FULLY_CONNECTED', [T([2,32]), fw, fb], [T([2,16])], ('FullyConnectedOptions', dict(weightsFormat=1)), version=2)
case('FC f32 TANH', 'FULLY_CONNECTED', [T([2,32]), fw, fb], [T([2,16])], ('FullyConnectedOptions', dict(fusedActivationFunction=A('TANH'))))
case('FC f32 rank3 filter', 'FULLY_CONNECTED', [T([2,32]), C([16,32,1]), fb], [T([2,16])], ('FullyConnectedOptions', {}))
case('FC f32 3D input keep dims', 'FULLY_CONNECTED', [T([2,3,32]), fw, fb], [T([2,3,16])], ('FullyConnectedOptions', dict(keepNumDims=True)), version=5)
case('FC i8', 'FULLY_CONNECTED', [T([2,32],'int8',q=Q()), C([16,32],'int8',q=([0.1]*16,[0]*16,0)), C([16],'int32',q=([0.01]*16,[0]*16,0))], [T([2,16],'int8',q=Q(0.5,0))], ('FullyConnectedOptions', {}), version=4)
case('FC i8 in i4 weights', 'FULLY_CONNECTED', [T([2,32],'int8',q=Q()), C([16,32],'int8',q=([0.1]*16,[0]*16,0)), C([16],'int32',q=([0.01]*16,[0]*16,0))], [T([2,16],'int8',q=Q(0.5,0))], ('FullyConnectedOptions', {}), version=4)
case('FC f16 weights direct', 'FULLY_CONNECTED', [T([2,32]), C([16,32],'float16'), fb], [T([2,16])], ('FullyConnectedOptions', {}))
p = lambda act='NONE', f=2, s=2, pad=1: ('Pool2DOptions', dict(padding=pad, strideW=s, strideH=s, filterWidth=f, filterHeight=f, fusedActivationFunction=A(act)))
case('MAXPOOL f32 2x2/2', 'MAX_POOL_2D', [x4], [T([1,4,4,4])], p())
case('MAXPOOL f32 1x1/2', 'MAX_POOL_2D', [x4], [T([1,4,4,4])], p(f=1, s=2))
case('MAXPOOL f32 2x2/3', 'MAX_POOL_2D', [x4], [T([1,3,3,4])], p(f=2, s=3))
case('MAXPOOL f32 TANH', 'MAX_POOL_2D', [x4], [T([1,4,4,4])], p('TANH'))
case('MAXPOOL i8', 'MAX_POOL_2D', [T([1,8,8,4],'int8',q=Q())], [T([1,4,4,4],'int8',q=Q())], p(), version=2)
case('AVGPOOL f32', 'AVERAGE_POOL_2D', [x4], [T([1,4,4,4])], p())
case('AVGPOOL i8', 'AVERAGE_POOL_2D', [T([1,8,8,4],'int8',q=Q())], [T([1,4,4,4],'int8',q=Q())], p(), version=2)
case('AVGPOOL f32 rank3?', 'AVERAGE_POOL_2D', [T([8,8,4])], [T([4,4,4])], p())
case('SOFTMAX beta1', 'SOFTMAX', [T([2,10])], [T([2,10])], ('SoftmaxOptions', dict(beta=1.0)))
case('SOFTMAX beta0.5', 'SOFTMAX', [T([2,10])], [T([2,10])], ('SoftmaxOptions', dict(beta=0.5)))
case('SOFTMAX i8', 'SOFTMAX', [T([2,10],'int8',q=Q())], [T([2,10],'int8',q=([1/256],[-128],0))], ('SoftmaxOptions', dict(beta=1.0)), version=2)
case('CONCAT 2', 'CONCATENATION', [T([1,4]), T([1,4])], [T([1,8])], ('ConcatenationOptions', dict(axis=1)))
case('CONCAT 5', 'CONCATENATION', [T([1,4])]*5, [T([1,20])], ('ConcatenationOptions', dict(axis=1)))
case('CONCAT 6', 'CONCATENATION', [T([1,4])]*6, [T([1,24])], ('ConcatenationOptions', dict(axis=1)))
case('CONCAT const input', 'CONCATENATION', [T([1,4]), C([1,4])], [T([1,8])], ('ConcatenationOptions', dict(axis=1)))
case('CONCAT fused RELU', 'CONCATENATION', [T([1,4]), T([1,4])], [T([1,8])], ('ConcatenationOptions', dict(axis=1, fusedActivationFunction=A('RELU'))))
case('RESHAPE const shape', 'RESHAPE', [T([2,8]), C([2],'int32', fill=4)], [T([4,4])])
case('RESHAPE dynamic shape', 'RESHAPE', [T([2,8]), T([2],'int32')], [T([4,4])])
case('RESHAPE options only', 'RESHAPE', [T([2,8])], [T([4,4])], ('ReshapeOptions', dict(newShape=[4,4])))
case('RESHAPE i32', 'RESHAPE', [T([2,8],'int32'), C([2],'int32', fill=4)], [T([4,4],'int32')])
case('TRANSPOSE const perm', 'TRANSPOSE', [T([2,3,4]), T([3],'int32',np.array([2,0,1],np.int32))], [T([4,2,3])])
case('TRANSPOSE dynamic perm', 'TRANSPOSE', [T([2,3,4]), T([3],'int32')], [T([4,2,3])])
case('PAD const', 'PAD', [x4, T([4,2],'int32',np.array([[0,0],[1,1],[1,1],[0,0]],np.int32))], [T([1,10,10,4])])
case('PAD dynamic', 'PAD', [x4, T([4,2],'int32')], [T([1,10,10,4])])
case('PADV2', 'PADV2', [x4, T([4,2],'int32',np.array([[0,0],[1,1],[1,1],[0,0]],np.int32)), C([],'float32',fill=0)], [T([1,10,10,4])])
case('MEAN const axes', 'MEAN', [x4, T([2],'int32',np.array([1,2],np.int32))], [T([1,4])], ('ReducerOptions', dict(keepDims=False)))
case('MEAN dynamic axes', 'MEAN', [x4, T([2],'int32')], [T([1,4])], ('ReducerOptions', dict(keepDims=False)))
case('MEAN channel axis', 'MEAN', [x4, T([1],'int32',np.array([3],np.int32))], [T([1,8,8])], ('ReducerOptions', dict(keepDims=False)))
case('SUM', 'SUM', [x4, T([1],'int32',np.array([3],np.int32))], [T([1,8,8,1])], ('ReducerOptions', dict(keepDims=True)))
case('REDUCE_MAX', 'REDUCE_MAX', [x4, T([1],'int32',np.array([3],np.int32))], [T([1,8,8,1])], ('ReducerOptions', dict(keepDims=True)))
case('REDUCE_PROD', 'REDUCE_PROD', [x4, T([1],'int32',np.array([3],np.int32))], [T([1,8,8,1])], ('ReducerOptions', dict(keepDims=True)))
ss = lambda **k: ('StridedSliceOptions', k)
ci = lambda v: T([len(v)],'int32',np.array(v,np.int32))
case('STRIDED_SLICE stride1', 'STRIDED_SLICE', [T([4,8]), ci([0,0]), ci([2,4]), ci([1,1])], [T([2,4])], ss())
case('STRIDED_SLICE stride2', 'STRIDED_SLICE', [T([4,8]), ci([0,0]), ci([4,8]), ci([2,2])], [T([2,4])], ss())
case('STRIDED_SLICE shrink', 'STRIDED_SLICE', [T([4,8]), ci([0,0]), ci([1,8]), ci([1,1])], [T([8])], ss(shrinkAxisMask=1))
case('SLICE', 'SLICE', [T([4,8]), ci([0,0]), ci([2,4])], [T([2,4])])
case('SLICE dynamic begin', 'SLICE', [T([4,8]), T([2],'int32'), ci([2,4])], [T([2,4])])
case('SPLIT 2', 'SPLIT', [ci([1]) | {'shape': []} , T([4,8])], [T([4,4]), T([4,4])], ('SplitOptions', dict(numSplits=2)))
case('SPLIT 5', 'SPLIT', [T([], 'int32', np.array(1, np.int32)), T([4,10])], [T([4,2])]*5, ('SplitOptions', dict(numSplits=5)))
case('SPLIT_V', 'SPLIT_V', [T([4,8]), ci([4,4]), T([],'int32',np.array(1,np.int32))], [T([4,4]), T([4,4])], ('SplitVOptions', dict(numSplits=2)))
case('RESIZE_BILINEAR const', 'RESIZE_BILINEAR', [x4, ci([16,16])], [T([1,16,16,4])], ('ResizeBilinearOptions', {}))
case('RESIZE_BILINEAR dynamic size', 'RESIZE_BILINEAR', [x4, T([2],'int32')], [T([1,16,16,4])], ('ResizeBilinearOptions', {}))
case('RESIZE_NEAREST', 'RESIZE_NEAREST_NEIGHBOR', [x4, ci([16,16])], [T([1,16,16,4])], ('ResizeNearestNeighborOptions', {}))
case('DEPTH_TO_SPACE 2', 'DEPTH_TO_SPACE', [x4], [T([1,16,16,1])], ('DepthToSpaceOptions', dict(blockSize=2)))
case('SPACE_TO_DEPTH 2', 'SPACE_TO_DEPTH', [x4], [T([1,4,4,16])], ('SpaceToDepthOptions', dict(blockSize=2)))
case('BATCH_MATMUL f32', 'BATCH_MATMUL', [T([2,3,4]), T([2,4,5])], [T([2,3,5])], ('BatchMatMulOptions', {}))
case('BATCH_MATMUL adj_x', 'BATCH_MATMUL', [T([2,4,3]), T([2,4,5])], [T([2,3,5])], ('BatchMatMulOptions', dict(adjX=True)))
case('BATCH_MATMUL i8', 'BATCH_MATMUL', [T([2,3,4],'int8',q=Q()), T([2,4,5],'int8',q=Q())], [T([2,3,5],'int8',q=Q())], ('BatchMatMulOptions', {}), version=2)
case('LEAKY_RELU 0.2', 'LEAKY_RELU', [T([4])], [T([4])], ('LeakyReluOptions', dict(alpha=0.2)))
case('LEAKY_RELU 0', 'LEAKY_RELU', [T([4])], [T([4])], ('LeakyReluOptions', dict(alpha=0.0)))
for op in ['ABS','CEIL','COS','EXP','FLOOR','HARD_SWISH','NEG','RELU','RELU6','RELU_N1_TO_1','ROUND','RSQRT','SIN','SQRT','SQUARE','TANH','LOGISTIC','ELU','GELU','LOG','LOG_SOFTMAX','SIGN','ZEROS_LIKE','RELU_0_TO_1','CAST','SQUEEZE','EXPAND_DIMS']:
    ins = [T([2,4])] + ([T([],'int32',np.array(0,np.int32))] if op == 'EXPAND_DIMS' else [])
    outs = [T([1,2,4])] if op == 'EXPAND_DIMS' else [T([2,4])]
    opts = ('LogSoftmaxOptions', {}) if op == 'LOG_SOFTMAX' else None
    case(op + ' f32', op, ins, outs, opts)
for op in ['RELU','TANH','LOGISTIC','ABS']:
    case(op + ' u8', op, [T([2,4],'uint8',q=Q(0.1,128))], [T([2,4],'uint8',q=Q(0.1,128) if op not in ('TANH','LOGISTIC') else ([1/128 if op=='TANH' else 1/256],[128 if op=='TANH' else 0],0))], version=2)
    case(op + ' i8', op, [T([2,4],'int8',q=Q(0.1,0))], [T([2,4],'int8',q=Q(0.1,0) if op not in ('TANH','LOGISTIC') else ([1/128 if op=='TANH' else 1/256],[0 if op=='TANH' else -128],0))], version=2)
case('RELU f16', 'RELU', [T([2,4],'float16')], [T([2,4],'float16')])
case('QUANTIZE f32->i8', 'QUANTIZE', [T([4])], [T([4],'int8',q=Q())])
case('QUANTIZE f32->u8', 'QUANTIZE', [T([4])], [T([4],'uint8',q=Q(0.1,128))])
case('QUANTIZE i8->i8', 'QUANTIZE', [T([4],'int8',q=Q(0.1,0))], [T([4],'int8',q=Q(0.2,0))], version=2)
case('QUANTIZE f32->i16', 'QUANTIZE', [T([4])], [T([4],'int16',q=Q())], version=3)
case('DEQUANTIZE i8 runtime', 'DEQUANTIZE', [T([4],'int8',q=Q())], [T([4])], version=2)
case('DEQUANTIZE u8 runtime', 'DEQUANTIZE', [T([4],'uint8',q=Q(0.1,128))], [T([4])])
case('DEQUANTIZE f16 runtime', 'DEQUANTIZE', [T([4],'float16')], [T([4])], version=3)
case('DEQUANTIZE i16 runtime', 'DEQUANTIZE', [T([4],'int16',q=Q())], [T([4])], version=4)
case('GATHER', 'GATHER', [T([4,8]), ci([0,1])], [T([2,8])], ('GatherOptions', {}))
case('MUL f32', 'MUL', [T([4]), T([4])], [T([4])], ('MulOptions', {}))
case('SUB f32 const rhs', 'SUB', [T([4]), C([4])], [T([4])], ('SubOptions', {}))
case('MINIMUM i8', 'MINIMUM', [T([4],'int8',q=Q()), T([4],'int8',q=Q())], [T([4],'int8',q=Q())], version=2)
case('TRANSPOSE_CONV f32', 'TRANSPOSE_CONV', [ci([1,16,16,8]), C([8,2,2,4]), x4, C([8])], [T([1,16,16,8])], ('TransposeConvOptions', dict(padding=0, strideW=2, strideH=2)), version=4)
case('TRANSPOSE_CONV f32 no bias', 'TRANSPOSE_CONV', [ci([1,16,16,8]), C([8,2,2,4]), x4], [T([1,16,16,8])], ('TransposeConvOptions', dict(padding=0, strideW=2, strideH=2)), version=1)
case('TRANSPOSE_CONV dynamic filter', 'TRANSPOSE_CONV', [ci([1,16,16,8]), T([8,2,2,4]), x4, C([8])], [T([1,16,16,8])], ('TransposeConvOptions', dict(padding=0, strideW=2, strideH=2)), version=4)
case('TRANSPOSE_CONV dynamic out shape', 'TRANSPOSE_CONV', [T([4],'int32'), C([8,2,2,4]), x4, C([8])], [T([1,16,16,8])], ('TransposeConvOptions', dict(padding=0, strideW=2, strideH=2)), version=4)

ci = lambda v: T([len(v)],'int32',np.array(v,np.int32))
for op in ['POW','FLOOR_DIV','FLOOR_MOD','ATAN2','EQUAL','LESS','LOGICAL_AND','MAXIMUM','MINIMUM','DIV','MUL','SUB','SQUARED_DIFFERENCE']:
    case(op+' f32', op, [T([2,4]), T([2,4])], [T([2,4], 'bool' if op in ('EQUAL','LESS') else 'float32')])
for op in ['MUL','SUB','DIV','MAXIMUM','MINIMUM','SQUARED_DIFFERENCE']:
    case(op+' f16', op, [T([2,4],'float16'), T([2,4],'float16')], [T([2,4],'float16')])
for op in ['ABS','EXP','LOG','TANH','LOGISTIC','SQRT','RSQRT','HARD_SWISH','NEG','GELU','ELU','SIN','FLOOR','SQUARE']:
    case(op+' f16', op, [T([2,4],'float16')], [T([2,4],'float16')])
case('MUL i8', 'MUL', [T([4],'int8',q=Q()), T([4],'int8',q=Q())], [T([4],'int8',q=Q())], version=2)
case('SUB u8', 'SUB', [T([4],'uint8',q=Q(0.1,128)), T([4],'uint8',q=Q(0.1,128))], [T([4],'uint8',q=Q(0.2,128))], version=2)
case('L2_NORMALIZATION', 'L2_NORMALIZATION', [T([2,4])], [T([2,4])])
case('LRN', 'LOCAL_RESPONSE_NORMALIZATION', [T([1,2,2,4])], [T([1,2,2,4])], ('LocalResponseNormalizationOptions', dict(radius=2, bias=1.0, alpha=1.0, beta=0.5)))
case('TILE', 'TILE', [T([2,4]), ci([2,1])], [T([4,4])])
case('BROADCAST_TO', 'BROADCAST_TO', [T([1,4]), ci([3,4])], [T([3,4])], version=2)
case('REDUCE_MIN', 'REDUCE_MIN', [T([2,4]), ci([1])], [T([2])], ('ReducerOptions', {}))
case('MIRROR_PAD', 'MIRROR_PAD', [T([4,4]), T([2,2],'int32',np.ones((2,2),np.int32))], [T([6,6])], ('MirrorPadOptions', {}))
case('PACK', 'PACK', [T([4]), T([4])], [T([2,4])], ('PackOptions', dict(valuesCount=2, axis=0)))
case('UNPACK', 'UNPACK', [T([2,4])], [T([4]), T([4])], ('UnpackOptions', dict(num=2, axis=0)))
case('SPACE_TO_BATCH_ND', 'SPACE_TO_BATCH_ND', [T([1,4,4,1]), ci([2,2]), T([2,2],'int32',np.zeros((2,2),np.int32))], [T([4,2,2,1])])
case('BATCH_TO_SPACE_ND', 'BATCH_TO_SPACE_ND', [T([4,2,2,1]), ci([2,2]), T([2,2],'int32',np.zeros((2,2),np.int32))], [T([1,4,4,1])])
case('ARG_MAX', 'ARG_MAX', [T([2,4]), T([],'int32',np.array(1,np.int32))], [T([2],'int32')], ('ArgMaxOptions', dict(outputType=S.TensorType.INT32)))
case('CUMSUM', 'CUMSUM', [T([2,4]), T([],'int32',np.array(1,np.int32))], [T([2,4])], ('CumsumOptions', {}))
case('SELECT_V2', 'SELECT_V2', [T([2,4],'bool'), T([2,4]), T([2,4])], [T([2,4])])
case('REVERSE_V2', 'REVERSE_V2', [T([2,4]), ci([1])], [T([2,4])])
case('SQUEEZE opts', 'SQUEEZE', [T([1,4])], [T([4])], ('SqueezeOptions', dict(squeezeDims=[0])))
case('CONCAT f16', 'CONCATENATION', [T([1,4],'float16'), T([1,4],'float16')], [T([1,8],'float16')], ('ConcatenationOptions', dict(axis=1)))
case('RESHAPE f16', 'RESHAPE', [T([2,8],'float16')], [T([4,4],'float16')], ('ReshapeOptions', dict(newShape=[4,4])))
case('TRANSPOSE i8', 'TRANSPOSE', [T([2,3,4],'int8',q=Q()), ci([2,0,1])], [T([4,2,3],'int8',q=Q())], version=2)
case('SOFTMAX f16', 'SOFTMAX', [T([2,10],'float16')], [T([2,10],'float16')], ('SoftmaxOptions', dict(beta=1.0)))
case('BATCH_MATMUL f32 x i8 const', 'BATCH_MATMUL', [T([2,3,4]), C([2,4,5],'int8',q=([0.1],[0],0))], [T([2,3,5])], ('BatchMatMulOptions', {}))
case('BATCH_MATMUL rank1', 'BATCH_MATMUL', [T([4]), T([4,5])], [T([5])], ('BatchMatMulOptions', {}))
case('FC f32 in i8 per-tensor weights', 'FULLY_CONNECTED', [T([2,32]), C([16,32],'int8',q=([0.1],[0],0)), C([16])], [T([2,16])], ('FullyConnectedOptions', {}), version=3)
case('FC f32 in i4 weights', 'FULLY_CONNECTED', [T([2,32]), T([16,32],'int8',None,None) | {'dtype':'int8'}, C([16])], [T([2,16])], ('FullyConnectedOptions', {}), version=3)
case('FC u8', 'FULLY_CONNECTED', [T([2,32],'uint8',q=Q(0.1,128)), C([16,32],'uint8',q=Q(0.1,128)), C([16],'int32',q=Q(0.01,0))], [T([2,16],'uint8',q=Q(0.5,128))], ('FullyConnectedOptions', {}))
case('FC i16x8', 'FULLY_CONNECTED', [T([2,32],'int16',q=Q()), C([16,32],'int8',q=([0.1]*16,[0]*16,0)), C([16],'int64',q=([0.01]*16,[0]*16,0))], [T([2,16],'int16',q=Q(0.5,0))], ('FullyConnectedOptions', {}), version=7)
case('DWCONV i8 per-channel', 'DEPTHWISE_CONV_2D', [T([1,8,8,4],'int8',q=Q()), C([1,3,3,4],'int8',q=([0.1]*4,[0]*4,3)), C([4],'int32',q=([0.01]*4,[0]*4,0))], [T([1,8,8,4],'int8',q=Q(0.5,0))], ('DepthwiseConv2DOptions', dict(padding=0, strideW=1, strideH=1, depthMultiplier=1)), version=3)
case('DWCONV mult 2', 'DEPTHWISE_CONV_2D', [T([1,8,8,4]), C([1,3,3,8]), C([8])], [T([1,8,8,8])], ('DepthwiseConv2DOptions', dict(padding=0, strideW=1, strideH=1, depthMultiplier=2)))
case('CONV f16 filter direct', 'CONV_2D', [T([1,8,8,4]), C([8,3,3,4],'float16'), C([8])], [T([1,8,8,8])], ('Conv2DOptions', dict(padding=0, strideW=1, strideH=1)))
case('CONV f32 filter f16 bias', 'CONV_2D', [T([1,8,8,4]), C([8,3,3,4]), C([8],'float16')], [T([1,8,8,8])], ('Conv2DOptions', dict(padding=0, strideW=1, strideH=1)))
case('CONV f16 io', 'CONV_2D', [T([1,8,8,4],'float16'), C([8,3,3,4],'float16'), C([8],'float16')], [T([1,8,8,8],'float16')], ('Conv2DOptions', dict(padding=0, strideW=1, strideH=1)))
case('MAXPOOL u8', 'MAX_POOL_2D', [T([1,8,8,4],'uint8',q=Q(0.1,128))], [T([1,4,4,4],'uint8',q=Q(0.1,128))], ('Pool2DOptions', dict(padding=1, strideW=2, strideH=2, filterWidth=2, filterHeight=2)))
case('MAXPOOL f16', 'MAX_POOL_2D', [T([1,8,8,4],'float16')], [T([1,4,4,4],'float16')], ('Pool2DOptions', dict(padding=1, strideW=2, strideH=2, filterWidth=2, filterHeight=2)))
case('PAD i8', 'PAD', [T([1,8,8,4],'int8',q=Q()), T([4,2],'int32',np.array([[0,0],[1,1],[1,1],[0,0]],np.int32))], [T([1,10,10,4],'int8',q=Q())], version=2)
case('PAD negative', 'PAD', [T([1,8,8,4]), T([4,2],'int32',np.array([[0,0],[-1,0],[1,1],[0,0]],np.int32))], [T([1,7,10,4])])
case('MEAN i8', 'MEAN', [T([1,8,8,4],'int8',q=Q()), ci([1,2])], [T([1,4],'int8',q=Q())], ('ReducerOptions', {}), version=2)
case('RESIZE_BILINEAR i8', 'RESIZE_BILINEAR', [T([1,8,8,4],'int8',q=Q()), ci([16,16])], [T([1,16,16,4],'int8',q=Q())], ('ResizeBilinearOptions', {}), version=2)
case('RESIZE_BILINEAR align+half', 'RESIZE_BILINEAR', [T([1,8,8,4]), ci([16,16])], [T([1,16,16,4])], ('ResizeBilinearOptions', dict(alignCorners=True, halfPixelCenters=False)), version=3)
case('LEAKY_RELU i8', 'LEAKY_RELU', [T([4],'int8',q=Q())], [T([4],'int8',q=Q())], ('LeakyReluOptions', dict(alpha=0.2)), version=2)
case('PRELU i8', 'PRELU', [T([1,2,2,4],'int8',q=Q()), C([1,1,4],'int8',q=Q())], [T([1,2,2,4],'int8',q=Q())])
case('STRIDED_SLICE i8', 'STRIDED_SLICE', [T([4,8],'int8',q=Q()), ci([0,0]), ci([2,4]), ci([1,1])], [T([2,4],'int8',q=Q())], ('StridedSliceOptions', {}), version=2)
case('STRIDED_SLICE begin_mask', 'STRIDED_SLICE', [T([4,8]), ci([1,1]), ci([2,4]), ci([1,1])], [T([2,4])], ('StridedSliceOptions', dict(beginMask=3)))
case('STRIDED_SLICE ellipsis', 'STRIDED_SLICE', [T([4,8]), ci([0,0]), ci([2,4]), ci([1,1])], [T([2,4])], ('StridedSliceOptions', dict(ellipsisMask=1)))
case('STRIDED_SLICE dynamic begin', 'STRIDED_SLICE', [T([4,8]), T([2],'int32'), ci([2,4]), ci([1,1])], [T([2,4])], ('StridedSliceOptions', {}))
case('SPLIT 4', 'SPLIT', [T([], 'int32', np.array(1, np.int32)), T([4,8])], [T([4,2])]*4, ('SplitOptions', dict(numSplits=4)))
case('CONCAT i8', 'CONCATENATION', [T([1,4],'int8',q=Q()), T([1,4],'int8',q=Q())], [T([1,8],'int8',q=Q())], ('ConcatenationOptions', dict(axis=1)), version=2)
case('CONCAT u8 mismatched scale', 'CONCATENATION', [T([1,4],'uint8',q=Q(0.1,128)), T([1,4],'uint8',q=Q(0.2,128))], [T([1,8],'uint8',q=Q(0.1,128))], ('ConcatenationOptions', dict(axis=1)))
case('SOFTMAX rank4', 'SOFTMAX', [T([1,2,2,10])], [T([1,2,2,10])], ('SoftmaxOptions', dict(beta=1.0)))
case('DEPTH_TO_SPACE i8', 'DEPTH_TO_SPACE', [T([1,8,8,4],'int8',q=Q())], [T([1,16,16,1],'int8',q=Q())], ('DepthToSpaceOptions', dict(blockSize=2)), version=2)
case('TRANSPOSE_CONV i8', 'TRANSPOSE_CONV', [ci([1,16,16,8]), C([8,2,2,4],'int8',q=([0.1]*8,[0]*8,0)), T([1,8,8,4],'int8',q=Q()), C([8],'int32',q=([0.01]*8,[0]*8,0))], [T([1,16,16,8],'int8',q=Q(0.5,0))], ('TransposeConvOptions', dict(padding=0, strideW=2, strideH=2)), version=3)
case('TRANSPOSE_CONV RELU', 'TRANSPOSE_CONV', [ci([1,16,16,8]), C([8,2,2,4]), T([1,8,8,4]), C([8])], [T([1,16,16,8])], ('TransposeConvOptions', dict(padding=0, strideW=2, strideH=2, fusedActivationFunction=1)), version=4)
ci = lambda v: T([len(v)],'int32',np.array(v,np.int32))
h = 'float16'
case('DWCONV f16 io', 'DEPTHWISE_CONV_2D', [T([1,8,8,4],h), C([1,3,3,4],h), C([4],h)], [T([1,8,8,4],h)], ('DepthwiseConv2DOptions', dict(padding=0, strideW=1, strideH=1, depthMultiplier=1)))
case('FC f16 io', 'FULLY_CONNECTED', [T([2,32],h), C([16,32],h), C([16],h)], [T([2,16],h)], ('FullyConnectedOptions', {}))
case('AVGPOOL f16', 'AVERAGE_POOL_2D', [T([1,8,8,4],h)], [T([1,4,4,4],h)], ('Pool2DOptions', dict(padding=1, strideW=2, strideH=2, filterWidth=2, filterHeight=2)))
case('AVGPOOL u8', 'AVERAGE_POOL_2D', [T([1,8,8,4],'uint8',q=Q(0.1,128))], [T([1,4,4,4],'uint8',q=Q(0.1,128))], ('Pool2DOptions', dict(padding=1, strideW=2, strideH=2, filterWidth=2, filterHeight=2)))
case('PAD f16', 'PAD', [T([1,8,8,4],h), T([4,2],'int32',np.array([[0,0],[1,1],[1,1],[0,0]],np.int32))], [T([1,10,10,4],h)])
case('MEAN f16', 'MEAN', [T([1,8,8,4],h), ci([1,2])], [T([1,4],h)], ('ReducerOptions', {}))
case('TRANSPOSE f16', 'TRANSPOSE', [T([2,3,4],h), ci([2,0,1])], [T([4,2,3],h)])
case('PRELU f16', 'PRELU', [T([1,2,2,4],h), C([1,1,4],h)], [T([1,2,2,4],h)])
case('LEAKY_RELU f16', 'LEAKY_RELU', [T([4],h)], [T([4],h)], ('LeakyReluOptions', dict(alpha=0.2)))
case('RESIZE f16', 'RESIZE_BILINEAR', [T([1,8,8,4],h), ci([16,16])], [T([1,16,16,4],h)], ('ResizeBilinearOptions', {}))
case('STRIDED_SLICE f16', 'STRIDED_SLICE', [T([4,8],h), ci([0,0]), ci([2,4]), ci([1,1])], [T([2,4],h)], ('StridedSliceOptions', {}))
case('SLICE f16', 'SLICE', [T([4,8],h), ci([0,0]), ci([2,4])], [T([2,4],h)])
case('SLICE i8', 'SLICE', [T([4,8],'int8',q=Q()), ci([0,0]), ci([2,4])], [T([2,4],'int8',q=Q())], version=2)
case('SPLIT f16', 'SPLIT', [T([], 'int32', np.array(1, np.int32)), T([4,8],h)], [T([4,4],h)]*2, ('SplitOptions', dict(numSplits=2)))
case('DEPTH_TO_SPACE f16', 'DEPTH_TO_SPACE', [T([1,8,8,4],h)], [T([1,16,16,1],h)], ('DepthToSpaceOptions', dict(blockSize=2)))
case('SPACE_TO_DEPTH f16', 'SPACE_TO_DEPTH', [T([1,8,8,4],h)], [T([1,4,4,16],h)], ('SpaceToDepthOptions', dict(blockSize=2)))
case('SPACE_TO_DEPTH odd H', 'SPACE_TO_DEPTH', [T([1,9,8,4])], [T([1,4,4,16])], ('SpaceToDepthOptions', dict(blockSize=2)))
case('BMM f16', 'BATCH_MATMUL', [T([2,3,4],h), T([2,4,5],h)], [T([2,3,5],h)], ('BatchMatMulOptions', {}))
case('TRANSPOSE_CONV f16', 'TRANSPOSE_CONV', [ci([1,16,16,8]), C([8,2,2,4],h), T([1,8,8,4],h), C([8],h)], [T([1,16,16,8],h)], ('TransposeConvOptions', dict(padding=0, strideW=2, strideH=2)), version=4)
case('QUANTIZE f16->i8', 'QUANTIZE', [T([4],h)], [T([4],'int8',q=Q())])
case('QUANTIZE i8->u8', 'QUANTIZE', [T([4],'int8',q=Q())], [T([4],'uint8',q=Q(0.1,128))], version=2)
case('SUM i8', 'SUM', [T([1,8,8,4],'int8',q=Q()), ci([3])], [T([1,8,8],'int8',q=Q())], ('ReducerOptions', {}), version=2)
case('MEAN axes int64', 'MEAN', [T([1,8,8,4]), T([2],'int64',np.array([1,2],np.int64))], [T([1,4])], ('ReducerOptions', {}))
case('RESHAPE i16', 'RESHAPE', [T([2,8],'int16',q=Q())], [T([4,4],'int16',q=Q())], ('ReshapeOptions', dict(newShape=[4,4])))
case('RESHAPE 2 inputs shape rank2', 'RESHAPE', [T([2,8]), T([1,2],'int32',np.array([[4,4]],np.int32))], [T([4,4])])
case('ELU i8', 'ELU', [T([4],'int8',q=Q())], [T([4],'int8',q=Q())])
case('GELU approx', 'GELU', [T([4])], [T([4])], ('GeluOptions', dict(approximate=True)))
case('HARD_SWISH u8 v1', 'HARD_SWISH', [T([4],'uint8',q=Q(0.1,128))], [T([4],'uint8',q=Q(0.1,128))])
case('HARD_SWISH i8 v1', 'HARD_SWISH', [T([4],'int8',q=Q())], [T([4],'int8',q=Q())])
case('CONV i8 per-tensor filter', 'CONV_2D', [T([1,8,8,4],'int8',q=Q(0.1,0)), C([8,3,3,4],'int8',q=Q(0.1,0)), C([8],'int32',q=Q(0.01,0))], [T([1,8,8,8],'int8',q=Q(0.5,0))], ('Conv2DOptions', dict(padding=0, strideW=1, strideH=1)), version=3)
case('CONV i8 filter zp!=0 per-channel', 'CONV_2D', [T([1,8,8,4],'int8',q=Q(0.1,0)), C([8,3,3,4],'int8',q=([0.1]*8,[1]*8,0)), C([8],'int32',q=([0.01]*8,[0]*8,0))], [T([1,8,8,8],'int8',q=Q(0.5,0))], ('Conv2DOptions', dict(padding=0, strideW=1, strideH=1)), version=3)
case('CONV stride 0?', 'CONV_2D', [T([1,8,8,4]), C([8,3,3,4]), C([8])], [T([1,8,8,8])], ('Conv2DOptions', dict(padding=0, strideW=0, strideH=1)))
case('CONV dynamic input dims', 'CONV_2D', [T([1,8,8,4]), C([8,3,3,4]), C([8])], [T([1,8,8,8])], ('Conv2DOptions', dict(padding=0, strideW=1, strideH=1)))

# Outcomes measured with ai-edge-litert 2.3.0 on linux x86_64 (2026-12-01).
EXPECTED = {
    'ABS f16': True,
    'ABS f32': True,
    'ABS i8': False,
    'ABS u8': False,
    'ADD f16': True,
    'ADD f32': True,
    'ADD f32 fused RELU6': True,
    'ADD f32 fused TANH': False,
    'ADD f32 rank6': True,
    'ADD f32 rank7': False,
    'ADD i16': False,
    'ADD i32': False,
    'ADD i8': True,
    'ADD i8 scale ratio': False,
    'ADD u8': True,
    'ARG_MAX': False,
    'ATAN2 f32': False,
    'AVGPOOL f16': True,
    'AVGPOOL f32': True,
    'AVGPOOL f32 rank3?': True,
    'AVGPOOL i8': False,
    'AVGPOOL u8': False,
    'BATCH_MATMUL adj_x': True,
    'BATCH_MATMUL f32': True,
    'BATCH_MATMUL f32 x i8 const': True,
    'BATCH_MATMUL i8': True,
    'BATCH_MATMUL rank1': False,
    'BATCH_TO_SPACE_ND': False,
    'BMM f16': True,
    'BROADCAST_TO': False,
    'CAST f32': False,
    'CEIL f32': True,
    'CONCAT 2': True,
    'CONCAT 5': True,
    'CONCAT 6': False,
    'CONCAT const input': True,
    'CONCAT f16': True,
    'CONCAT fused RELU': True,
    'CONCAT i8': True,
    'CONCAT u8 mismatched scale': False,
    'CONV dynamic input dims': True,
    'CONV f16 filter direct': False,
    'CONV f16 io': True,
    'CONV f32': True,
    'CONV f32 TANH': False,
    'CONV f32 dilation2': True,
    'CONV f32 dynamic bias': False,
    'CONV f32 dynamic filter': False,
    'CONV f32 filter f16 bias': False,
    'CONV f32 grouped': True,
    'CONV f32 in, i8 filter (hybrid)': True,
    'CONV f32 no bias': False,
    'CONV f32 rank3 input': False,
    'CONV i16x8': False,
    'CONV i8 filter zp!=0 per-channel': False,
    'CONV i8 per-channel': True,
    'CONV i8 per-channel axis3': False,
    'CONV i8 per-tensor filter': True,
    'CONV stride 0?': False,
    'CONV u8': True,
    'COS f32': True,
    'CUMSUM': False,
    'DEPTH_TO_SPACE 2': True,
    'DEPTH_TO_SPACE f16': True,
    'DEPTH_TO_SPACE i8': True,
    'DEQUANTIZE f16 runtime': False,
    'DEQUANTIZE i16 runtime': False,
    'DEQUANTIZE i8 runtime': True,
    'DEQUANTIZE u8 runtime': True,
    'DIV f16': True,
    'DIV f32': True,
    'DIV i8': False,
    'DWCONV f16 io': True,
    'DWCONV f32': True,
    'DWCONV f32 SIGN_BIT': False,
    'DWCONV f32 dynamic filter': False,
    'DWCONV f32 in, i8 filter': False,
    'DWCONV i8 per-channel': True,
    'DWCONV mult 2': True,
    'ELU f16': True,
    'ELU f32': True,
    'ELU i8': True,
    'EQUAL f32': False,
    'EXP f16': True,
    'EXP f32': True,
    'EXPAND_DIMS f32': False,
    'FC f16 io': True,
    'FC f16 weights direct': False,
    'FC f32': True,
    'FC f32 3D input keep dims': True,
    'FC f32 TANH': False,
    'FC f32 dynamic weights': False,
    'FC f32 in i4 weights': False,
    'FC f32 in i8 per-tensor weights': True,
    'FC f32 in i8 weights (hybrid)': True,
    'FC f32 no bias': True,
    'FC f32 rank3 filter': False,
    'FC f32 shuffled weights': False,
    'FC i16x8': False,
    'FC i8': True,
    'FC i8 in i4 weights': True,
    'FC u8': True,
    'FLOOR f16': True,
    'FLOOR f32': True,
    'FLOOR_DIV f32': False,
    'FLOOR_MOD f32': False,
    'GATHER': False,
    'GELU approx': True,
    'GELU f16': True,
    'GELU f32': True,
    'HARD_SWISH f16': True,
    'HARD_SWISH f32': True,
    'HARD_SWISH i8 v1': False,
    'HARD_SWISH u8 v1': False,
    'L2_NORMALIZATION': False,
    'LEAKY_RELU 0': False,
    'LEAKY_RELU 0.2': True,
    'LEAKY_RELU f16': True,
    'LEAKY_RELU i8': True,
    'LESS f32': False,
    'LOG f16': True,
    'LOG f32': True,
    'LOGICAL_AND f32': False,
    'LOGISTIC f16': True,
    'LOGISTIC f32': True,
    'LOGISTIC i8': True,
    'LOGISTIC u8': True,
    'LOG_SOFTMAX f32': False,
    'LRN': False,
    'MAXIMUM f16': True,
    'MAXIMUM f32': True,
    'MAXPOOL f16': False,
    'MAXPOOL f32 1x1/2': False,
    'MAXPOOL f32 2x2/2': True,
    'MAXPOOL f32 2x2/3': False,
    'MAXPOOL f32 TANH': False,
    'MAXPOOL i8': True,
    'MAXPOOL u8': True,
    'MEAN axes int64': False,
    'MEAN channel axis': True,
    'MEAN const axes': True,
    'MEAN dynamic axes': False,
    'MEAN f16': True,
    'MEAN i8': True,
    'MINIMUM f16': True,
    'MINIMUM f32': True,
    'MINIMUM i8': False,
    'MIRROR_PAD': False,
    'MUL f16': True,
    'MUL f32': True,
    'MUL i8': True,
    'NEG f16': True,
    'NEG f32': True,
    'PACK': False,
    'PAD const': True,
    'PAD dynamic': False,
    'PAD f16': True,
    'PAD i8': True,
    'PAD negative': False,
    'PADV2': False,
    'POW f32': False,
    'PRELU const slope': True,
    'PRELU dynamic slope': False,
    'PRELU f16': True,
    'PRELU i8': False,
    'QUANTIZE f16->i8': True,
    'QUANTIZE f32->i16': False,
    'QUANTIZE f32->i8': True,
    'QUANTIZE f32->u8': True,
    'QUANTIZE i8->i8': True,
    'QUANTIZE i8->u8': False,
    'REDUCE_MAX': True,
    'REDUCE_MIN': True,
    'REDUCE_PROD': False,
    'RELU f16': True,
    'RELU f32': True,
    'RELU i8': False,
    'RELU u8': False,
    'RELU6 f32': True,
    'RELU_0_TO_1 f32': False,
    'RELU_N1_TO_1 f32': True,
    'RESHAPE 2 inputs shape rank2': True,
    'RESHAPE const shape': True,
    'RESHAPE dynamic shape': False,
    'RESHAPE f16': True,
    'RESHAPE i16': False,
    'RESHAPE i32': False,
    'RESHAPE options only': True,
    'RESIZE f16': False,
    'RESIZE_BILINEAR align+half': True,
    'RESIZE_BILINEAR const': True,
    'RESIZE_BILINEAR dynamic size': False,
    'RESIZE_BILINEAR i8': True,
    'RESIZE_NEAREST': False,
    'REVERSE_V2': False,
    'ROUND f32': True,
    'RSQRT f16': True,
    'RSQRT f32': True,
    'SELECT_V2': False,
    'SIGN f32': False,
    'SIN f16': True,
    'SIN f32': True,
    'SLICE': True,
    'SLICE dynamic begin': False,
    'SLICE f16': True,
    'SLICE i8': True,
    'SOFTMAX beta0.5': False,
    'SOFTMAX beta1': True,
    'SOFTMAX f16': True,
    'SOFTMAX i8': False,
    'SOFTMAX rank4': True,
    'SPACE_TO_BATCH_ND': False,
    'SPACE_TO_DEPTH 2': True,
    'SPACE_TO_DEPTH f16': False,
    'SPACE_TO_DEPTH odd H': False,
    'SPLIT 2': True,
    'SPLIT 4': True,
    'SPLIT 5': False,
    'SPLIT f16': True,
    'SPLIT_V': False,
    'SQRT f16': True,
    'SQRT f32': True,
    'SQUARE f16': True,
    'SQUARE f32': True,
    'SQUARED_DIFFERENCE f16': True,
    'SQUARED_DIFFERENCE f32': True,
    'SQUEEZE f32': False,
    'SQUEEZE opts': False,
    'STRIDED_SLICE begin_mask': True,
    'STRIDED_SLICE dynamic begin': False,
    'STRIDED_SLICE ellipsis': False,
    'STRIDED_SLICE f16': True,
    'STRIDED_SLICE i8': True,
    'STRIDED_SLICE shrink': False,
    'STRIDED_SLICE stride1': True,
    'STRIDED_SLICE stride2': False,
    'SUB f16': True,
    'SUB f32': True,
    'SUB f32 const rhs': True,
    'SUB u8': True,
    'SUM': True,
    'SUM i8': True,
    'TANH f16': True,
    'TANH f32': True,
    'TANH i8': True,
    'TANH u8': True,
    'TILE': False,
    'TRANSPOSE const perm': True,
    'TRANSPOSE dynamic perm': False,
    'TRANSPOSE f16': True,
    'TRANSPOSE i8': True,
    'TRANSPOSE_CONV RELU': True,
    'TRANSPOSE_CONV dynamic filter': False,
    'TRANSPOSE_CONV dynamic out shape': False,
    'TRANSPOSE_CONV f16': False,
    'TRANSPOSE_CONV f32': True,
    'TRANSPOSE_CONV f32 no bias': True,
    'TRANSPOSE_CONV i8': True,
    'UNPACK': False,
    'ZEROS_LIKE f32': False,
}


def main(argv):
    if argv[:1] == ['--models']:
        for path in argv[1:]:
            print(json.dumps(model_delegation(path)))
        return 0
    mismatches = 0
    for name, a, k in cases:
        if argv and not any(o in name for o in argv):
            continue
        got, err = delegated(build(*a, **k))
        want = EXPECTED.get(name)
        flag = 'ok' if got == want else 'CHANGED'
        mismatches += got != want
        print(f"{name:40s} delegated={got!s:5s} recorded={want!s:5s} {flag}  {(err or '')[:90]}")
    print(f"probe-litert-xnnpack: {len(cases)} case(s), {mismatches} changed", file=sys.stderr)
    return 1 if mismatches else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
