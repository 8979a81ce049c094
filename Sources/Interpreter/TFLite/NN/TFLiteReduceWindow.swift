import LockstepCore

/// REDUCE_WINDOW (1, deprecated by the schema but registered by LiteRT 2.3.0): reduces every
/// window of `window_shape` (int64, constant), moved by `window_strides` and spread by
/// `window_dilations`, without padding, starting from the scalar `init_value`; the function is
/// `ReduceWindowOptions.reduce_function` (ADD, MUL, MINIMUM, MAXIMUM, ALL, ANY) — `reduce_window_op`
/// (`TFLiteData` semantics) of google-ai-edge/LiteRT `tflite/kernels/reduce_window.cc`, shared with
/// STABLEHLO_REDUCE_WINDOW (`TFLiteReduceWindowKernel`).
struct TFLiteReduceWindow: Kernel {
    static let registration = TFLiteOps.op("REDUCE_WINDOW") { context in
        try TFLiteSupport.arity(context, inputs: 5...5)
        let name = try context.attributes.string("reduce_function") ?? "UNSUPPORTED"
        guard let function = TFLiteReduceWindowKernel.Function(rawValue: name) else {
            throw KernelError("reduce_function \(name) is not supported")
        }
        return TFLiteReduceWindow(function: function)
    }

    let function: TFLiteReduceWindowKernel.Function

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0), initial = try Inputs.tensor(inputs, 1)
        var params: [[Int]] = []
        for (k, name) in [(2, "window_shape"), (3, "window_strides"), (4, "window_dilations")] {
            let t = try Inputs.tensor(inputs, k)
            guard t.dtype == .int64, t.count == x.rank else { throw KernelError("\(name) must be int64 with \(x.rank) values, found \(t.dtype) \(t.shape)") }
            params.append(try TFLiteSupport.integers(t, name))
        }
        return [.tensor(try TFLiteReduceWindowKernel.reduce(x, initial: initial, function: function, window: params[0], strides: params[1],
                                                            dilations: params[2]))]
    }
}

/// The strided window reduction of `reduce_window.cc` (`ReduceWindowImpl` / `StridedReduce`): each
/// output element starts from the initial value and folds the window's elements in row-major
/// order with `op(accumulator, element)`; `MAXIMUM` is `a >= b ? a : b`, `MINIMUM` `a <= b ? a : b`,
/// ADD / MUL wrap for integers, ALL / ANY give 0 or 1. An output dimension is
/// `(n − ((w − 1)·d + 1)) / s + 1`, or 0 when the dilated window is larger than the input.
/// Types: bool, int8, int16, int32, int64, uint8, float32, float64 (bool folds as int8 codes).
enum TFLiteReduceWindowKernel {
    enum Function: String, Sendable { case add = "ADD", mul = "MUL", minimum = "MINIMUM", maximum = "MAXIMUM", all = "ALL", any = "ANY" }

    static func outputShape(_ shape: [Int], window: [Int], strides: [Int], dilations: [Int]) throws -> [Int] {
        guard window.count == shape.count, strides.count == shape.count, dilations.count == shape.count,
              window.allSatisfy({ $0 > 0 }), strides.allSatisfy({ $0 > 0 }), dilations.allSatisfy({ $0 > 0 }) else {
            throw KernelError("window \(window), strides \(strides) and dilations \(dilations) must hold \(shape.count) positive values")
        }
        guard !shape.isEmpty, shape.count <= 6 else { throw KernelError("input rank must be 1 to 6, found \(shape.count)") }
        return shape.indices.map { i in
            let extent = (window[i] - 1) * dilations[i] + 1
            return shape[i] < extent ? 0 : (shape[i] - extent) / strides[i] + 1
        }
    }

    static func reduce(_ x: Tensor, initial: Tensor, function: Function, window: [Int], strides: [Int], dilations: [Int]) throws -> Tensor {
        try TFLiteSupport.requireType(initial, "init_value", x.dtype)
        guard initial.count == 1 else { throw KernelError("init_value must hold one element, found shape \(initial.shape)") }
        let shape = try outputShape(x.shape, window: window, strides: strides, dilations: dilations)
        let inStrides = DataMovement.strides(x.shape)
        let windowOffsets: [Int] = {
            var offsets = [0]
            for d in 0..<x.rank {
                offsets = offsets.flatMap { o in (0..<window[d]).map { o + $0 * dilations[d] * inStrides[d] } }
            }
            return offsets
        }()
        func run<T: BitwiseCopyable>(_: T.Type, _ op: (T, T) -> T) throws -> Tensor {
            let start = try initial.scalars(as: T.self)[0]
            return try NNSupport.read(x, as: T.self) { src in
                try NNSupport.build(x.dtype, shape, as: T.self) { y in
                    let n = shape.reduce(1, *)
                    guard n > 0 else { return }
                    var index = [Int](repeating: 0, count: shape.count)
                    for o in 0..<n {
                        var base = 0
                        for d in 0..<shape.count { base += index[d] * strides[d] * inStrides[d] }
                        var acc = start
                        for w in windowOffsets { acc = op(acc, src[base + w]) }
                        y[o] = acc
                        var d = shape.count - 1
                        while d >= 0 {
                            index[d] += 1
                            if index[d] < shape[d] { break }
                            index[d] = 0
                            d -= 1
                        }
                    }
                }
            }
        }
        func numeric<T: BitwiseCopyable & Comparable>(_ t: T.Type, add: @escaping (T, T) -> T, mul: @escaping (T, T) -> T, zero: T, one: T) throws -> Tensor {
            switch function {
            case .add: return try run(T.self, add)
            case .mul: return try run(T.self, mul)
            case .maximum: return try run(T.self) { $0 >= $1 ? $0 : $1 }
            case .minimum: return try run(T.self) { $0 <= $1 ? $0 : $1 }
            case .all: return try run(T.self) { $0 != zero && $1 != zero ? one : zero }
            case .any: return try run(T.self) { $0 != zero || $1 != zero ? one : zero }
            }
        }
        switch x.dtype {
        case .bool, .int8: return try numeric(Int8.self, add: (&+), mul: (&*), zero: 0, one: 1)
        case .int16: return try numeric(Int16.self, add: (&+), mul: (&*), zero: 0, one: 1)
        case .int32: return try numeric(Int32.self, add: (&+), mul: (&*), zero: 0, one: 1)
        case .int64: return try numeric(Int64.self, add: (&+), mul: (&*), zero: 0, one: 1)
        case .uint8: return try numeric(UInt8.self, add: (&+), mul: (&*), zero: 0, one: 1)
        case .float32: return try numeric(Float.self, add: (+), mul: (*), zero: 0, one: 1)
        case .float64: return try numeric(Double.self, add: (+), mul: (*), zero: 0, one: 1)
        default: throw KernelError("\(x.dtype) reduce-window is not implemented", unsupported: true)
        }
    }
}
