import Foundation
import LockstepCore
import LockstepTestSupport
import TFLiteFormat
import TensorIO

@testable import Interpreter

/// One committed LiteRT case (`Tests/Fixtures/tflite-op-tests/<case>`): the model read with
/// `TFLiteLoader`, the seeded inputs and LiteRT's outputs (scripts/make-tflite-op-tests.py).
struct LiteRTCase {
    static let directory = Repo.path("Tests/Fixtures/tflite-op-tests")

    let name: String
    let model: Model
    let inputs: [Tensor]
    let outputs: [Tensor]

    init(_ name: String) throws {
        self.name = name
        let dir = "\(Self.directory)/\(name)"
        model = try TFLiteLoader.load(path: "\(dir)/model.tflite")
        func read(_ prefix: String) throws -> [Tensor] {
            var out: [Tensor] = []
            while FileManager.default.fileExists(atPath: "\(dir)/test_data_set_0/\(prefix)_\(out.count).npy") {
                out.append(try Npy.read(path: "\(dir)/test_data_set_0/\(prefix)_\(out.count).npy"))
            }
            return out
        }
        inputs = try read("input")
        outputs = try read("output")
    }

    /// Every case folder whose name starts with `prefix`.
    static func names(_ prefix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix(prefix) }.sorted()
    }

    /// The builtins LiteRT ran for case `name` (`ops` of its case.json).
    static func ops(_ name: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: "\(directory)/\(name)/case.json"),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        return json["ops"] as? [String] ?? []
    }

    var graph: Graph { model.graph }

    /// The declared value of `name` (quantisation lives here for activations).
    func info(_ name: String) -> ValueInfo? {
        (graph.inputs + graph.outputs + graph.valueInfo).first { $0.name == name }
    }

    func constant(_ name: String) -> Tensor? { graph.initializers.first { $0.name == name }?.tensor }

    /// Quantisation of a value: its own (constants) or its declared one.
    func quantization(_ name: String) -> QuantizationParameters? {
        constant(name)?.quantization ?? info(name)?.quantization
    }
}

/// A small evaluator over the quantised kernels, one op at a time, in TFLite's graph order:
/// enough to run the committed single-op cases and the MLP/CNN models end to end and compare
/// with LiteRT. It is test scaffolding — the real TFLite executor lives in
/// `Sources/Interpreter/TFLite` and calls the same kernels.
struct QuantizedEvaluator {
    let c: LiteRTCase
    var values: [String: Tensor] = [:]

    init(_ c: LiteRTCase) {
        self.c = c
        for (info, t) in zip(c.graph.inputs, c.inputs) { values[info.name] = t }
        for i in c.graph.initializers { values[i.name] = i.tensor }
    }

    struct Unsupported: Error, CustomStringConvertible { var description: String }

    mutating func run() throws -> [Tensor] {
        for node in c.graph.nodes { values[node.outputs[0]] = try evaluate(node) }
        return try c.graph.outputs.map { try XCTUnwrapValue(values[$0.name], $0.name) }
    }

    func XCTUnwrapValue(_ t: Tensor?, _ name: String) throws -> Tensor {
        guard let t else { throw Unsupported(description: "no value for \(name)") }
        return t
    }

    func tensor(_ node: Node, _ i: Int) throws -> Tensor { try XCTUnwrapValue(values[node.inputs[i]], node.inputs[i]) }

    func q(_ name: String) throws -> (scale: Float, zero: Int32) {
        guard let p = c.quantization(name), let s = p.scales.first else { throw Unsupported(description: "\(name) is not quantised") }
        return (s, Int32(p.zeroPoints.first ?? 0))
    }

    func string(_ node: Node, _ name: String) -> String? {
        if case .string(let b)? = node.attribute(name) { return String(decoding: b, as: UTF8.self) }
        return nil
    }

    func int(_ node: Node, _ name: String) -> Int? {
        if case .int(let v)? = node.attribute(name) { return Int(v) }
        return nil
    }

    func float(_ node: Node, _ name: String) -> Float? {
        if case .float(let v)? = node.attribute(name) { return v }
        return nil
    }

    /// The output clamp of a fused activation on output `name` of integer type `T`.
    func activationRange<T: FixedWidthInteger & BitwiseCopyable>(_ node: Node, _ name: String, _: T.Type) throws -> (Int32, Int32) {
        let act = TFLiteQuantizationParams.FusedActivation(rawValue: string(node, "fused_activation_function") ?? "NONE") ?? .none
        let (s, z) = try q(name)
        guard let r = TFLiteQuantizationParams.activationRange(act, scale: s, zeroPoint: z, qmin: Int32(T.min), qmax: Int32(T.max)) else {
            throw Unsupported(description: "activation \(act)")
        }
        return r
    }

    func build<T: BitwiseCopyable>(_ dtype: DType, _ shape: [Int], _: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws -> Void) throws -> Tensor {
        let buffer = try OutputBuffer<T>(dtype, shape: shape)
        try body(UnsafeMutableBufferPointer(start: buffer.pointer, count: buffer.count))
        return try buffer.tensor(dtype, shape: shape)
    }

    func elements<T>(_ t: Tensor, _: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> Void) throws {
        try t.withElements(as: T.self) { try body($0) }
    }

    func evaluate(_ node: Node) throws -> Tensor {
        let x = try tensor(node, 0)
        let out = node.outputs[0]
        switch (node.op.name, x.dtype) {
        case ("CONV_2D", .int8), ("DEPTHWISE_CONV_2D", .int8), ("CONV_2D", .int16), ("DEPTHWISE_CONV_2D", .int16):
            return try conv(node, x, depthwise: node.op.name == "DEPTHWISE_CONV_2D")
        case ("FULLY_CONNECTED", .int8), ("FULLY_CONNECTED", .int16):
            return try fullyConnected(node, x)
        case ("AVERAGE_POOL_2D", .int8), ("MAX_POOL_2D", .int8):
            return try pool(node, x, Int8.self)
        case ("AVERAGE_POOL_2D", .int16), ("MAX_POOL_2D", .int16):
            return try pool(node, x, Int16.self)
        case ("ADD", .int8), ("SUB", .int8), ("MUL", .int8):
            return try binary(node, Int8.self)
        case ("ADD", .int16), ("SUB", .int16), ("MUL", .int16):
            return try binary(node, Int16.self)
        case ("SOFTMAX", .int8):
            let p = TFLiteQuantizedSoftmax.Params8(beta: float(node, "beta") ?? 1, inputScale: try q(node.inputs[0]).scale)
            return try build(.int8, x.shape, Int8.self) { o in
                try elements(x, Int8.self) { TFLiteQuantizedSoftmax.softmax8($0, depth: x.shape.last!, params: p, output: o) }
            }
        case ("LOG_SOFTMAX", .int8):
            let p = TFLiteQuantizedSoftmax.LogParams8(inputScale: try q(node.inputs[0]).scale)
            return try build(.int8, x.shape, Int8.self) { o in
                try elements(x, Int8.self) { TFLiteQuantizedSoftmax.logSoftmax8($0, depth: x.shape.last!, params: p, output: o) }
            }
        case ("L2_NORMALIZATION", .int8):
            let zeroPoint = try q(node.inputs[0]).zero
            return try build(.int8, x.shape, Int8.self) { o in
                try elements(x, Int8.self) { TFLiteQuantizedMath.l2Normalization8($0, depth: x.shape.last!, inputZeroPoint: zeroPoint, output: o) }
            }
        case ("SOFTMAX", .int16):
            let p = TFLiteQuantizedSoftmax.Params16(beta: float(node, "beta") ?? 1, inputScale: try q(node.inputs[0]).scale)
            return try build(.int16, x.shape, Int16.self) { o in
                try elements(x, Int16.self) { TFLiteQuantizedSoftmax.softmax16($0, depth: x.shape.last!, params: p, output: o) }
            }
        case ("LOGISTIC", .int8), ("TANH", .int8):
            let (si, zi) = try q(node.inputs[0]), (so, zo) = try q(out)
            let lut = TFLiteLookupTable.populate8(Int8.self, inputScale: si, inputZeroPoint: zi, outputScale: so, outputZeroPoint: zo,
                                                  node.op.name == "TANH" ? TFLiteLookupTable.Function.tanh.callAsFunction : TFLiteLookupTable.Function.logistic.callAsFunction)
            return try build(.int8, x.shape, Int8.self) { o in try elements(x, Int8.self) { TFLiteLookupTable.apply8($0, lut: lut, into: o) } }
        case ("LOGISTIC", .int16), ("TANH", .int16):
            let (si, zi) = try q(node.inputs[0]), (so, zo) = try q(out)
            let tanh = node.op.name == "TANH"
            guard let r = TFLiteQuantizedActivations.int16Rescaling(isTanh: tanh, inputScale: si, inputZeroPoint: zi, outputScale: so, outputZeroPoint: zo) else {
                throw Unsupported(description: "int16 \(node.op.name) parameters")
            }
            return try build(.int16, x.shape, Int16.self) { o in
                try elements(x, Int16.self) {
                    if tanh { TFLiteQuantizedActivations.tanh16($0, multiplier: r.multiplier, leftShift: r.leftShift, output: o) } else {
                        TFLiteQuantizedActivations.logistic16($0, multiplier: r.multiplier, leftShift: r.leftShift, output: o)
                    }
                }
            }
        case ("HARD_SWISH", .int8):
            let (si, zi) = try q(node.inputs[0]), (so, zo) = try q(out)
            let p = TFLiteQuantizedActivations.HardSwishParams(inputScale: si, inputZeroPoint: zi, outputScale: so, outputZeroPoint: zo)
            return try build(.int8, x.shape, Int8.self) { o in try elements(x, Int8.self) { TFLiteQuantizedActivations.hardSwish($0, p, output: o) } }
        case ("LEAKY_RELU", .int8): return try leakyRelu(node, x, Int8.self)
        case ("LEAKY_RELU", .int16): return try leakyRelu(node, x, Int16.self)
        case ("RELU", .int8), ("RELU6", .int8): return try relu(node, x, Int8.self)
        case ("RELU", .int16), ("RELU6", .int16): return try relu(node, x, Int16.self)
        case ("PRELU", .int8):
            let alpha = try tensor(node, 1)
            let (si, zi) = try q(node.inputs[0]), (sa, za) = try q(node.inputs[1]), (so, zo) = try q(out)
            let positive = TFLiteQuantizationParams.Multiplier(Double(si) / Double(so))
            let negative = TFLiteQuantizationParams.Multiplier(Double(si) * Double(sa) / Double(so))
            return try build(.int8, x.shape, Int8.self) { o in
                try elements(x, Int8.self) { xs in
                    try elements(alpha, Int8.self) { al in
                        try TFLiteQuantizedElementwise.broadcast(lhs: xs, lhsShape: x.shape, rhs: al, rhsShape: alpha.shape, output: o) {
                            TFLiteQuantizedActivations.prelu($0, $1, inputOffset: -zi, alphaOffset: -za, outputOffset: zo,
                                                             positive: positive, negative: negative, qmin: -128, qmax: 127)
                        }
                    }
                }
            }
        case ("MEAN", .int8), ("SUM", .int8): return try reduce(node, x, Int8.self)
        case ("MEAN", .int16), ("SUM", .int16): return try reduce(node, x, Int16.self)
        case ("QUANTIZE", .float32):
            let (s, z) = try q(out)
            return try build(.int8, x.shape, Int8.self) { o in try elements(x, Float.self) { TFLiteQuantize.quantize($0, scale: s, zeroPoint: z, output: o) } }
        case ("QUANTIZE", .int8):
            let (si, zi) = try q(node.inputs[0]), (so, zo) = try q(out)
            return try build(.int8, x.shape, Int8.self) { o in
                try elements(x, Int8.self) { TFLiteQuantize.requantize($0, inputScale: si, inputZeroPoint: zi, outputScale: so, outputZeroPoint: zo, output: o) }
            }
        case ("QUANTIZE", .int16):
            let (si, zi) = try q(node.inputs[0]), (so, zo) = try q(out)
            return try build(.int16, x.shape, Int16.self) { o in
                try elements(x, Int16.self) { TFLiteQuantize.requantize($0, inputScale: si, inputZeroPoint: zi, outputScale: so, outputZeroPoint: zo, output: o) }
            }
        case ("BATCH_MATMUL", .int8):
            return try batchMatMul(node)
        case ("DEQUANTIZE", .int8):
            let (s, z) = try q(node.inputs[0])
            return try build(.float32, x.shape, Float.self) { o in try elements(x, Int8.self) { TFLiteQuantize.dequantize($0, scale: s, zeroPoint: z, output: o) } }
        case ("CONCATENATION", .int8), ("CONCATENATION", .int16):
            return try concatenation(node)
        default:
            throw Unsupported(description: "\(node.op.name) on \(x.dtype)")
        }
    }

    func conv(_ node: Node, _ x: Tensor, depthwise: Bool) throws -> Tensor {
        let w = try tensor(node, 1)
        let bias = node.inputs.count > 2 && !node.inputs[2].isEmpty ? try tensor(node, 2) : nil
        let g = try TFLiteQuantizedConvolution.Geometry.make(
            input: x.shape, filter: w.shape, strides: (int(node, "stride_h") ?? 1, int(node, "stride_w") ?? 1),
            dilations: (int(node, "dilation_h_factor") ?? 1, int(node, "dilation_w_factor") ?? 1),
            padding: TFLiteQuantizedConvolution.Padding(rawValue: string(node, "padding") ?? "SAME") ?? .same, depthwise: depthwise)
        guard let wq = c.quantization(node.inputs[1]) else { throw Unsupported(description: "float weights") }
        let (si, zi) = try q(node.inputs[0]), (so, zo) = try q(node.outputs[0])
        let multipliers = TFLiteQuantizationParams.perChannelMultipliers(inputScale: si, filterScales: wq.scales, outputScale: so, channels: g.outputDepth)
        if x.dtype == .int16 {
            let (lo, hi) = try activationRange(node, node.outputs[0], Int16.self)
            let b64: [Int64]? = try bias.map { b in b.dtype == .int64 ? try b.scalars(as: Int64.self) : try b.scalars(as: Int32.self).map(Int64.init) }
            return try build(.int16, g.outputShape, Int16.self) { o in
                try elements(x, Int16.self) { xs in
                    try elements(w, Int8.self) { ws in
                        if depthwise {
                            TFLiteQuantizedConvolution.depthwise16x8(g, input: xs, filter: ws, bias: b64, multipliers: multipliers, activationMin: lo, activationMax: hi, output: o)
                        } else {
                            TFLiteQuantizedConvolution.conv16x8(g, input: xs, filter: ws, bias: b64, multipliers: multipliers, activationMin: lo, activationMax: hi, output: o)
                        }
                    }
                }
            }
        }
        let (lo, hi) = try activationRange(node, node.outputs[0], Int8.self)
        let offsets = TFLiteQuantizedConvolution.Offsets(inputOffset: -zi, outputOffset: zo, activationMin: lo, activationMax: hi)
        let b32 = try bias?.scalars(as: Int32.self)
        return try build(.int8, g.outputShape, Int8.self) { o in
            try elements(x, Int8.self) { xs in
                try elements(w, Int8.self) { ws in
                    try withOptional(b32) { bs in
                        if depthwise {
                            TFLiteQuantizedConvolution.depthwise(g, input: xs, filter: ws, bias: bs, multipliers: multipliers, offsets: offsets, output: o)
                        } else {
                            TFLiteQuantizedConvolution.conv(g, input: xs, filter: ws, bias: bs, multipliers: multipliers, offsets: offsets, output: o)
                        }
                    }
                }
            }
        }
    }

    func withOptional<T>(_ a: [T]?, _ body: (UnsafeBufferPointer<T>?) throws -> Void) rethrows {
        if let a { try a.withUnsafeBufferPointer { try body($0) } } else { try body(nil) }
    }

    func fullyConnected(_ node: Node, _ x: Tensor) throws -> Tensor {
        let w = try tensor(node, 1)
        let bias = node.inputs.count > 2 && !node.inputs[2].isEmpty ? try tensor(node, 2) : nil
        guard let wq = c.quantization(node.inputs[1]) else { throw Unsupported(description: "float weights") }
        let (si, zi) = try q(node.inputs[0]), (so, zo) = try q(node.outputs[0])
        let units = w.shape[0], depth = w.shape[1], batches = x.count / depth
        let multipliers = wq.scales.count > 1
            ? TFLiteQuantizationParams.perChannelMultipliers(inputScale: si, filterScales: wq.scales, outputScale: so, channels: units)
            : [TFLiteQuantizationParams.convolutionMultiplier(inputScale: si, filterScale: wq.scales[0], outputScale: so)]
        let scales = TFLiteQuantizedFullyConnected.effectiveScales(inputScale: si, filterScales: wq.scales, outputScale: so)
        let keep = (int(node, "keep_num_dims") ?? 0) != 0
        let shape = keep ? Array(x.shape.dropLast()) + [units] : [batches, units]
        if x.dtype == .int16 {
            let (lo, hi) = try activationRange(node, node.outputs[0], Int16.self)
            let b64: [Int64]? = try bias.map { b in b.dtype == .int64 ? try b.scalars(as: Int64.self) : try b.scalars(as: Int32.self).map(Int64.init) }
            return try build(.int16, shape, Int16.self) { o in
                try elements(x, Int16.self) { xs in
                    try elements(w, Int8.self) { ws in
                        TFLiteQuantizedFullyConnected.fullyConnected16x8(batches: batches, accumDepth: depth, outputDepth: units, input: xs, filter: ws,
                                                                          bias: b64, multipliers: multipliers, activationMin: lo, activationMax: hi,
                                                                          effectiveScales: scales, output: o)
                    }
                }
            }
        }
        let (lo, hi) = try activationRange(node, node.outputs[0], Int8.self)
        let offsets = TFLiteQuantizedConvolution.Offsets(inputOffset: -zi, filterOffset: -Int32(wq.zeroPoints.first ?? 0), outputOffset: zo,
                                                         activationMin: lo, activationMax: hi)
        let b32 = try bias?.scalars(as: Int32.self)
        return try build(.int8, shape, Int8.self) { o in
            try elements(x, Int8.self) { xs in
                try elements(w, Int8.self) { ws in
                    try withOptional(b32) { bs in
                        TFLiteQuantizedFullyConnected.fullyConnected(batches: batches, accumDepth: depth, outputDepth: units, input: xs, filter: ws,
                                                                     bias: bs, multipliers: multipliers, offsets: offsets,
                                                                     effectiveScales: scales, output: o)
                    }
                }
            }
        }
    }

    func pool<T: FixedWidthInteger & BitwiseCopyable>(_ node: Node, _ x: Tensor, _: T.Type) throws -> Tensor {
        let g = try TFLiteQuantizedPooling.geometry(input: x.shape, filter: (int(node, "filter_height") ?? 1, int(node, "filter_width") ?? 1),
                                                    strides: (int(node, "stride_h") ?? 1, int(node, "stride_w") ?? 1),
                                                    padding: TFLiteQuantizedConvolution.Padding(rawValue: string(node, "padding") ?? "SAME") ?? .same)
        let (lo, hi) = try activationRange(node, node.outputs[0], T.self)
        return try build(x.dtype, g.outputShape, T.self) { o in
            try elements(x, T.self) { xs in
                if node.op.name == "MAX_POOL_2D" {
                    try TFLiteQuantizedPooling.maxPool(g, input: xs, activationMin: lo, activationMax: hi, output: o)
                } else {
                    try TFLiteQuantizedPooling.averagePool(g, input: xs, activationMin: lo, activationMax: hi, output: o)
                }
            }
        }
    }

    func binary<T: FixedWidthInteger & BitwiseCopyable>(_ node: Node, _: T.Type) throws -> Tensor {
        let a = try tensor(node, 0), b = try tensor(node, 1)
        let (s1, z1) = try q(node.inputs[0]), (s2, z2) = try q(node.inputs[1]), (so, zo) = try q(node.outputs[0])
        let (lo, hi) = try activationRange(node, node.outputs[0], T.self)
        let shape = try Broadcast.shape([a.shape, b.shape])
        let op: (Int32, Int32) -> Int32
        switch node.op.name {
        case "MUL":
            let m = TFLiteQuantizationParams.Multiplier(Double(s1) * Double(s2) / Double(so))
            op = { TFLiteQuantizedElementwise.mul($0, $1, input1Offset: -z1, input2Offset: -z2, multiplier: m, outputOffset: zo, activationMin: lo, activationMax: hi) }
        default:
            if T.self == Int16.self, (int(node, "pot_scale_int16") ?? 1) != 0 {
                throw Unsupported(description: "int16 \(node.op.name) with pot_scale_int16")
            }
            let p = TFLiteQuantizationParams.AddParams(leftShift: T.self == Int16.self ? 15 : 20, input1Scale: s1, input1ZeroPoint: z1,
                                                       input2Scale: s2, input2ZeroPoint: z2, outputScale: so, outputZeroPoint: zo,
                                                       activationMin: lo, activationMax: hi)
            op = node.op.name == "ADD" ? { TFLiteQuantizedElementwise.add($0, $1, p) } : { TFLiteQuantizedElementwise.sub($0, $1, p) }
        }
        return try build(a.dtype, shape, T.self) { o in
            try elements(a, T.self) { xs in
                try elements(b, T.self) { ys in
                    try TFLiteQuantizedElementwise.broadcast(lhs: xs, lhsShape: a.shape, rhs: ys, rhsShape: b.shape, output: o, op)
                }
            }
        }
    }

    func leakyRelu<T: FixedWidthInteger & BitwiseCopyable>(_ node: Node, _ x: Tensor, _: T.Type) throws -> Tensor {
        let (si, zi) = try q(node.inputs[0]), (so, zo) = try q(node.outputs[0])
        let alpha = float(node, "alpha") ?? 0.2
        let identity = TFLiteQuantizationParams.Multiplier(Double(si) / Double(so))
        let alphaM = TFLiteQuantizationParams.Multiplier(Double(si) * Double(alpha) / Double(so))
        return try build(x.dtype, x.shape, T.self) { o in
            try elements(x, T.self) { TFLiteQuantizedActivations.leakyRelu($0, inputZeroPoint: zi, outputZeroPoint: zo, identity: identity, alpha: alphaM, output: o) }
        }
    }

    func relu<T: FixedWidthInteger & BitwiseCopyable>(_ node: Node, _ x: Tensor, _: T.Type) throws -> Tensor {
        let (si, zi) = try q(node.inputs[0]), (so, zo) = try q(node.outputs[0])
        let m = TFLiteQuantizationParams.Multiplier(Double(si) / Double(so))
        return try build(x.dtype, x.shape, T.self) { o in
            try elements(x, T.self) {
                TFLiteQuantizedActivations.reluX($0, lower: 0, upper: node.op.name == "RELU6" ? 6 : nil, inputZeroPoint: zi, outputScale: so,
                                                 outputZeroPoint: zo, multiplier: m, output: o)
            }
        }
    }

    func reduce<T: FixedWidthInteger & BitwiseCopyable>(_ node: Node, _ x: Tensor, _: T.Type) throws -> Tensor {
        let axes = try tensor(node, 1).scalars(as: Int32.self).map { Int($0) < 0 ? Int($0) + x.shape.count : Int($0) }
        let (si, zi) = try q(node.inputs[0]), (so, zo) = try q(node.outputs[0])
        let keep = (int(node, "keep_dims") ?? 0) != 0
        let outShape = keep ? x.shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
            : x.shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
        let m = TFLiteQuantizationParams.Multiplier(Double(si) / Double(so))
        return try build(x.dtype, outShape, T.self) { o in
            try elements(x, T.self) {
                TFLiteQuantizedReduce.meanOrSum($0, shape: x.shape, axes: axes, inputZeroPoint: zi, outputZeroPoint: zo, multiplier: m,
                                                sum: node.op.name == "SUM", output: o)
            }
        }
    }

    func batchMatMul(_ node: Node) throws -> Tensor {
        var a = try tensor(node, 0), b = try tensor(node, 1)
        if (int(node, "adj_x") ?? 0) != 0 { a = try transposeLast(a) }
        if (int(node, "adj_y") ?? 0) != 0 { b = try transposeLast(b) }
        let shape = try IntegerKernels.matMulShape(a.shape, b.shape)
        let (s1, z1) = try q(node.inputs[0]), (s2, z2) = try q(node.inputs[1]), (so, zo) = try q(node.outputs[0])
        let m = TFLiteQuantizationParams.Multiplier(Double(s1) * Double(s2) / Double(so))
        return try build(.int8, shape.output, Int8.self) { o in
            try elements(a, Int8.self) { xs in
                try elements(b, Int8.self) { ys in
                    TFLiteQuantizedFullyConnected.batchMatMul(shape: shape, lhs: xs, rhs: ys, lhsOffset: -z1, rhsOffset: -z2, multiplier: m,
                                                              outputOffset: zo, activationMin: -128, activationMax: 127, output: o)
                }
            }
        }
    }

    func transposeLast(_ t: Tensor) throws -> Tensor {
        let r = t.shape.count, rows = t.shape[r - 2], cols = t.shape[r - 1], batch = t.count / max(rows * cols, 1)
        var shape = t.shape
        shape.swapAt(r - 2, r - 1)
        let v = try t.scalars(as: Int8.self)
        var out = v
        for b in 0..<batch { for i in 0..<rows { for j in 0..<cols { out[b * rows * cols + j * rows + i] = v[b * rows * cols + i * cols + j] } } }
        return try out.withUnsafeBytes { try Tensor(dtype: .int8, shape: shape, storage: TensorStorage(copying: $0)) }
    }

    func concatenation(_ node: Node) throws -> Tensor {
        let inputs = try (0..<node.inputs.count).map { try tensor(node, $0) }
        let out = try q(node.outputs[0])
        for name in node.inputs where try q(name) != out {
            throw Unsupported(description: "CONCATENATION with differing input parameters")
        }
        var axis = int(node, "axis") ?? 0
        if axis < 0 { axis += inputs[0].shape.count }
        var shape = inputs[0].shape
        shape[axis] = inputs.map { $0.shape[axis] }.reduce(0, +)
        let outer = shape[..<axis].reduce(1, *), width = inputs[0].dtype.byteWidth!
        var bytes: [UInt8] = []
        for o in 0..<outer {
            for t in inputs {
                let chunk = t.shape[axis...].reduce(1, *) * width
                bytes += t.storage.bytes[(o * chunk)..<((o + 1) * chunk)]
            }
        }
        return try bytes.withUnsafeBytes { try Tensor(dtype: inputs[0].dtype, shape: shape, storage: TensorStorage(copying: $0)) }
    }
}
