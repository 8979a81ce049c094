import LockstepCore

/// A numpy (multidirectional) broadcast of several inputs, walked row by row.
///
/// Output dimensions of size 1 are dropped and adjacent dimensions that every input reads
/// contiguously (or broadcasts together) are merged, so the innermost loop runs over as many
/// elements as possible with a fixed step per input (0 where the input is broadcast). For
/// same-shape inputs the whole tensor is one row.
public struct BroadcastLoop: Sendable {
    /// The broadcast output shape.
    public let shape: [Int]
    /// Number of output elements.
    public let count: Int
    /// Merged dimensions, outermost first (never empty; `[1]` for a scalar output).
    let dims: [Int]
    /// `strides[k][d]`: element step of input `k` along merged dimension `d` (0 = broadcast).
    let strides: [[Int]]

    /// Plans the broadcast of `shapes`; throws `KernelError` when they are incompatible.
    public init(_ shapes: [[Int]]) throws {
        let shape = try Broadcast.shape(shapes)
        self.shape = shape
        self.count = shape.reduce(1, *)
        let aligned = shapes.map { Broadcast.strides(of: $0, in: shape) }
        var dims: [Int] = []
        var strides = [[Int]](repeating: [], count: shapes.count)
        for d in shape.indices where shape[d] != 1 {
            let n = shape[d]
            let mergeable = !dims.isEmpty && (0..<shapes.count).allSatisfy { k in strides[k][dims.count - 1] == aligned[k][d] * n }
            if mergeable {
                dims[dims.count - 1] *= n
                for k in 0..<shapes.count { strides[k][dims.count - 1] = aligned[k][d] }
            } else {
                dims.append(n)
                for k in 0..<shapes.count { strides[k].append(aligned[k][d]) }
            }
        }
        if dims.isEmpty {
            dims = [1]
            strides = [[Int]](repeating: [0], count: shapes.count)
        }
        self.dims = dims
        self.strides = strides
    }

    /// Length of every row (the innermost merged dimension).
    public var rowLength: Int { dims[dims.count - 1] }

    /// Step of each input along a row (0 where the input is broadcast along it).
    public var rowSteps: [Int] { strides.map { $0[$0.count - 1] } }

    /// Calls `body(outputOffset, inputOffsets)` for each row: output elements
    /// `outputOffset ..< outputOffset + rowLength`, input `k` starting at `inputOffsets[k]` and
    /// advancing by `rowSteps[k]`.
    public func forEachRow(_ body: (Int, UnsafeBufferPointer<Int>) throws -> Void) rethrows {
        var rows = self.rows()
        while rows.next() {
            try rows.offsets.withUnsafeBufferPointer { try body(rows.output, $0) }
        }
    }

    /// A cursor over the rows, for loops that must not run inside a closure.
    public func rows() -> Rows { Rows(loop: self) }

    /// Row cursor: call `next()` until it returns false; after each true `next()`, `output` and
    /// `offsets` hold the row's first output and input element offsets.
    public struct Rows {
        let dims: [Int], strides: [[Int]]
        let rowCount: Int, length: Int
        var row = -1
        var index: [Int]
        public private(set) var output = 0
        public private(set) var offsets: [Int]

        init(loop: BroadcastLoop) {
            dims = loop.dims
            strides = loop.strides
            length = loop.rowLength
            rowCount = loop.count == 0 ? 0 : loop.count / loop.rowLength
            index = [Int](repeating: 0, count: max(dims.count - 1, 1))
            offsets = [Int](repeating: 0, count: loop.strides.count)
        }

        /// Moves to the next row; false when there is none.
        public mutating func next() -> Bool {
            row += 1
            guard row < rowCount else { return false }
            guard row > 0 else { return true }
            output = row * length
            var d = dims.count - 2
            while d >= 0 {
                index[d] += 1
                if index[d] < dims[d] {
                    for k in offsets.indices { offsets[k] += strides[k][d] }
                    return true
                }
                for k in offsets.indices { offsets[k] -= strides[k][d] * (dims[d] - 1) }
                index[d] = 0
                d -= 1
            }
            return true
        }
    }
}

extension Elementwise {
    /// `out[i] = f(a[i])`, like `unary`, but always inlined and looping in the caller, so `f`
    /// (a closure literal at the call site) is inlined into the loop instead of being called
    /// per element. The output is not zero-filled first.
    @inline(__always)
    public static func map<T: BitwiseCopyable, R: BitwiseCopyable>(
        _ a: Tensor, as: T.Type, output dtype: DType, _ f: (T) -> R
    ) throws -> Tensor {
        let input = try ElementReader(a, as: T.self)
        let out = try OutputBuffer<R>(dtype, shape: a.shape)
        let x = input.pointer, y = out.pointer
        for i in 0..<out.count { y[i] = f(x[i]) }
        withExtendedLifetime(input) {}
        return try out.tensor(dtype, shape: a.shape)
    }

    /// `out[i] = f(a[i'], b[i''])` with numpy broadcasting, where `a` holds `A` and `b` holds `B`
    /// (the element types may differ, e.g. Pow's base and exponent); the result holds `R`.
    /// Always inlined and looping in the caller, like `map`.
    @inline(__always)
    public static func binary<A: BitwiseCopyable, B: BitwiseCopyable, R: BitwiseCopyable>(
        _ a: Tensor, _ b: Tensor, as: A.Type, and: B.Type, output dtype: DType, _ f: (A, B) -> R
    ) throws -> Tensor {
        let loop = try BroadcastLoop([a.shape, b.shape])
        let inputA = try ElementReader(a, as: A.self), inputB = try ElementReader(b, as: B.self)
        let out = try OutputBuffer<R>(dtype, shape: loop.shape)
        let x = inputA.pointer, y = inputB.pointer, z = out.pointer
        let steps = loop.rowSteps, length = loop.rowLength
        let sa = steps[0], sb = steps[1]
        var rows = loop.rows()
        while rows.next() {
            // Row steps are 0 (broadcast) or 1; each case is a loop over plain pointers with no
            // index arithmetic that could trap, so it vectorises.
            let zr = z + rows.output, xr = x + rows.offsets[0], yr = y + rows.offsets[1]
            if sa != 0 && sb != 0 {
                for n in 0..<length { zr[n] = f(xr[n], yr[n]) }
            } else if sa != 0 {
                let s = yr[0]
                for n in 0..<length { zr[n] = f(xr[n], s) }
            } else if sb != 0 {
                let s = xr[0]
                for n in 0..<length { zr[n] = f(s, yr[n]) }
            } else {
                let v = f(xr[0], yr[0])
                for n in 0..<length { zr[n] = v }
            }
        }
        withExtendedLifetime((inputA, inputB)) {}
        return try out.tensor(dtype, shape: loop.shape)
    }

    /// `out[i] = f(a[·], b[·], c[·])` with numpy broadcasting of all three inputs (Where, Clip
    /// with tensor bounds). Each input has its own element type. Always inlined, like `map`.
    @inline(__always)
    public static func ternary<A: BitwiseCopyable, B: BitwiseCopyable, C: BitwiseCopyable, R: BitwiseCopyable>(
        _ a: Tensor, _ b: Tensor, _ c: Tensor, as: A.Type, _: B.Type, _: C.Type, output dtype: DType,
        _ f: (A, B, C) -> R
    ) throws -> Tensor {
        let loop = try BroadcastLoop([a.shape, b.shape, c.shape])
        let inputA = try ElementReader(a, as: A.self), inputB = try ElementReader(b, as: B.self)
        let inputC = try ElementReader(c, as: C.self)
        let out = try OutputBuffer<R>(dtype, shape: loop.shape)
        let x = inputA.pointer, y = inputB.pointer, w = inputC.pointer, z = out.pointer
        let steps = loop.rowSteps, length = loop.rowLength
        let sa = steps[0], sb = steps[1], sc = steps[2]
        var rows = loop.rows()
        while rows.next() {
            let zr = z + rows.output
            var i = rows.offsets[0], j = rows.offsets[1], k = rows.offsets[2]
            for n in 0..<length {
                zr[n] = f(x[i], y[j], w[k])
                i &+= sa; j &+= sb; k &+= sc
            }
        }
        withExtendedLifetime((inputA, inputB, inputC)) {}
        return try out.tensor(dtype, shape: loop.shape)
    }

    /// Broadcasting over tensors of any element kind: calls `body(outputIndex, inputIndices)`
    /// for every output element (for string tensors and other non-numeric cases).
    public static func forEachBroadcast(_ shapes: [[Int]], _ body: (Int, UnsafeBufferPointer<Int>) throws -> Void) throws {
        let loop = try BroadcastLoop(shapes)
        let steps = loop.rowSteps, length = loop.rowLength
        var indices = [Int](repeating: 0, count: max(shapes.count, 1))
        var rows = loop.rows()
        while rows.next() {
            for k in 0..<shapes.count { indices[k] = rows.offsets[k] }
            for n in 0..<length {
                try indices.withUnsafeBufferPointer { try body(rows.output + n, $0) }
                for k in 0..<shapes.count { indices[k] += steps[k] }
            }
        }
    }
}
