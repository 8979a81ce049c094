import LockstepCore

/// Helpers shared by the neural-network op adapters of this folder (argument checks, typed
/// pointer access, float dispatch). Kernels themselves live in `Kernels/`.
enum NNSupport {
    /// Normalises `axis` (negative counts from the end) for `rank`, or throws naming the attribute.
    static func axis(_ axis: Int, rank: Int, name: String = "axis") throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < rank else { throw KernelError("attribute '\(name)' \(axis) is out of range for rank \(rank)") }
        return a
    }

    /// The elements of an integer tensor (int64 or int32) as `Int`.
    static func ints(_ t: Tensor, name: String) throws -> [Int] {
        switch t.dtype {
        case .int64: return try t.scalars(as: Int64.self).map { Int($0) }
        case .int32: return try t.scalars(as: Int32.self).map { Int($0) }
        default: throw KernelError("input '\(name)' must be int64, found \(t.dtype)")
        }
    }

    /// Throws unless `t` has a floating-point type the NN kernels compute (float32/64, float16, bfloat16).
    static func requireFloat(_ t: Tensor, _ name: String) throws {
        guard t.dtype.isComputedAsFloat else {
            throw KernelError("input '\(name)' must be float16, bfloat16, float32 or float64, found \(t.dtype)")
        }
    }

    /// Throws unless `t` has element type `dtype`.
    static func requireSameType(_ t: Tensor, _ name: String, as dtype: DType) throws {
        guard t.dtype == dtype else { throw KernelError("input '\(name)' must have the element type of the first input (\(dtype)), found \(t.dtype)") }
    }

    /// Computes a float op: half-precision inputs are widened to float32, `make(inputs)`'s visitor
    /// runs with `Float` or `Double`, and float32 outputs are rounded back to the half type.
    static func compute<V: BLASFloatVisitor>(_ inputs: [Tensor?], _ make: ([Tensor?]) -> V) throws -> [Value?] where V.Result == [Tensor?] {
        guard let dtype = inputs.compactMap({ $0 }).first?.dtype else { throw KernelError("internal error: no input") }
        if dtype == .float16 || dtype == .bfloat16 {
            let wide = try inputs.map { t in try t.map { $0.dtype == dtype ? try $0.widenedToFloat() : $0 } }
            return try Float.dtype.dispatchBLASFloat(make(wide)).map { t in try t.map { .tensor(try $0.narrowed(to: dtype)) } }
        }
        return try dtype.dispatchBLASFloat(make(inputs)).map { $0.map(Value.tensor) }
    }

    /// Typed read access to `t` as a non-nil pointer (a dummy one for empty tensors).
    @inline(__always)
    static func read<T, R>(_ t: Tensor, as _: T.Type, _ body: (UnsafePointer<T>) throws -> R) throws -> R {
        try t.withElements(as: T.self) { buffer in
            if let base = buffer.baseAddress { return try body(base) }
            let dummy = UnsafeMutablePointer<T>.allocate(capacity: 1)
            defer { dummy.deallocate() }
            return try body(UnsafePointer(dummy))
        }
    }

    /// Like `read` for an optional tensor.
    @inline(__always)
    static func readOptional<T, R>(_ t: Tensor?, as _: T.Type, _ body: (UnsafePointer<T>?) throws -> R) throws -> R {
        guard let t else { return try body(nil) }
        return try read(t, as: T.self) { try body($0) }
    }

    /// A new tensor of `dtype`/`shape` whose elements `fill` writes through a non-nil pointer.
    /// The memory starts uninitialised (no zeroing pass): `fill` must write every element.
    @inline(__always)
    static func build<T: BitwiseCopyable>(_ dtype: DType, _ shape: [Int], as _: T.Type, _ fill: (UnsafeMutablePointer<T>) throws -> Void) throws -> Tensor {
        let buffer = try OutputBuffer<T>(dtype, shape: shape)
        try fill(buffer.pointer)
        return try buffer.tensor(dtype, shape: shape)
    }

    /// Like `build`, for kernels that write only some elements: the storage starts zeroed.
    @inline(__always)
    static func buildZeroed<T: BitwiseCopyable>(_ dtype: DType, _ shape: [Int], as _: T.Type, _ fill: (UnsafeMutablePointer<T>) throws -> Void) throws -> Tensor {
        try Tensor.build(dtype, shape: shape, as: T.self) { out in
            guard let base = out.baseAddress else { return }
            try fill(base)
        }
    }
}

extension NNSupport {
    /// A float tensor of `like`'s type and shape holding `values` (rounded to that type).
    static func tensor(_ values: [Double], like: Tensor) throws -> Tensor {
        try tensor(values, dtype: like.dtype, shape: like.shape)
    }

    /// A float tensor of `dtype` (float16, bfloat16, float32 or float64) holding `values`.
    static func tensor(_ values: [Double], dtype: DType, shape: [Int]) throws -> Tensor {
        switch dtype {
        case .float64: return try Tensor(dtype: .float64, shape: shape, values: values)
        case .float32: return try Tensor(float32: values.map { Float($0) }, shape: shape)
        case .float16, .bfloat16: return try Tensor(float32: values.map { Float($0) }, shape: shape).narrowed(to: dtype)
        default: throw KernelError("internal error: \(dtype) is not a float type")
        }
    }
}

extension NNSupport {
    /// `t` broadcast (numpy rules, unidirectional) to `shape`, as a flat row-major array.
    static func expanded<T: BitwiseCopyable>(_ t: Tensor, to shape: [Int], as _: T.Type) throws -> [T] {
        let values = try t.scalars(as: T.self)
        if t.shape == shape { return values }
        let count = shape.reduce(1, *)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            Broadcast.forEach(shape, inputs: [t.shape]) { i, off in buffer[i] = values[off[0]] }
            initialized = count
        }
    }

}

extension NNSupport {
    /// `[outer, axis, inner]` of Softmax-like ops: before opset 13 (`coerced`) the 2-D coercion
    /// `[prod(shape[..<axis]), prod(shape[axis...]), 1]`; from 13 the single axis.
    static func softmaxSplit(_ shape: [Int], axis: Int, coerced: Bool) throws -> (outer: Int, axis: Int, inner: Int) {
        let rank = shape.count
        if coerced {
            // The 2-D coercion accepts axis == rank (everything in `outer`).
            let a = axis < 0 ? axis + rank : axis
            guard a >= 0, a <= rank else { throw KernelError("attribute 'axis' \(axis) is out of range for rank \(rank)") }
            return (shape[..<a].reduce(1, *), shape[a...].reduce(1, *), 1)
        }
        if rank == 0 { return (1, 1, 1) }
        return Reduction.split(shape, axis: try NNSupport.axis(axis, rank: rank))
    }
}

extension NNSupport {
    /// `values` converted to a tensor of any real `dtype`: floats round to nearest, integers round
    /// half to even and saturate, bool is `value != 0`.
    static func tensor(rounding values: [Double], dtype: DType, shape: [Int]) throws -> Tensor {
        if dtype.isComputedAsFloat { return try tensor(values, dtype: dtype, shape: shape) }
        if dtype == .bool {
            return try build(.bool, shape, as: UInt8.self) { p in for i in 0..<values.count { p[i] = values[i] != 0 ? 1 : 0 } }
        }
        struct Visitor: IntegerVisitor {
            let values: [Double], dtype: DType, shape: [Int]
            func visit<T: TensorInteger>(_: T.Type) throws -> Tensor {
                try NNSupport.build(dtype, shape, as: T.self) { p in
                    for i in 0..<values.count { p[i] = T(clampingDouble: values[i].rounded(.toNearestOrEven)) }
                }
            }
        }
        return try dtype.dispatchInteger(Visitor(values: values, dtype: dtype, shape: shape))
    }

    /// The bit pattern of `value` stored as one element of `dtype` (zero-extended to 64 bits).
    static func scalarBits(_ value: Double, dtype: DType) throws -> UInt64 {
        let t = try tensor(rounding: [value], dtype: dtype, shape: [])
        var bits: UInt64 = 0
        withUnsafeMutableBytes(of: &bits) { dst in
            dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: t.storage.bytes.prefix(min(8, t.storage.bytes.count))))
        }
        return bits
    }
}
