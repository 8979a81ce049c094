import LockstepCore

/// Dtype-agnostic data movement: reshaping views, gathers over per-axis index tables and
/// concatenation. Elements are copied by their byte width (1, 2, 4, 8 or 16 bytes), so every
/// byte-addressable type (float16, bfloat16, float8, complex …) moves the same way; packed
/// sub-byte types (int4, uint4, int2, uint2, float4e2m1, float6) are unpacked to one code per byte,
/// moved, and packed again; string tensors move their byte strings.
///
/// Hot loops run over raw buffers; contiguous rows are copied with one `memcpy`.
public enum DataMovement {
    /// Marks an index-table entry whose output element takes the fill value.
    public static let outside = -1

    /// Largest output a kernel may build (2³³ elements): a hostile shape gets an error instead of
    /// an allocation that takes the process down.
    public static let maxElements = 1 << 33

    /// The element count of an output `shape`, or a `KernelError` for negative dimensions, an
    /// overflowing product or more than `maxElements` elements.
    @discardableResult
    public static func checkedCount(_ shape: [Int]) throws -> Int {
        guard let n = Shape.elementCount(shape) else {
            throw KernelError("output shape \(shape) has a negative dimension or too many elements")
        }
        guard n <= maxElements else { throw KernelError("output shape \(shape) has \(n) elements, more than the limit of \(maxElements)") }
        return n
    }

    /// Row-major element strides of `shape`.
    public static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = step
            step *= shape[i]
        }
        return strides
    }

    /// The same elements under a new shape with the same element count; no copy.
    public static func reshape(_ t: Tensor, to shape: [Int]) throws -> Tensor {
        guard let n = Shape.elementCount(shape), n == t.count else {
            throw KernelError("cannot reshape \(t.shape) (\(t.count) elements) to \(shape)")
        }
        if t.dtype == .string { return try Tensor(strings: t.strings, shape: shape) }
        return try Tensor(dtype: t.dtype, shape: shape, storage: t.storage)
    }

    /// Packing of sub-byte types: bits per element, or nil for byte-addressable types and strings.
    static func packedBits(_ dtype: DType) -> Int? {
        switch dtype {
        case .int4, .uint4, .float4e2m1: return 4
        case .int2, .uint2: return 2
        case .float6e2m3, .float6e3m2: return 6
        default: return nil
        }
    }

    /// One raw code per element of a packed sub-byte tensor: element i occupies bits
    /// 6i…6i+5 (float6), 4i…4i+3 or 2i…2i+1 of the little-endian bit stream (lowest bits first).
    public static func unpackCodes(_ t: Tensor) throws -> [UInt8] {
        guard let bits = packedBits(t.dtype) else { throw KernelError("element type \(t.dtype) is not supported here") }
        let n = t.count
        let mask = (1 << bits) - 1
        let bytes = t.storage.bytes
        return [UInt8](unsafeUninitializedCapacity: n) { out, initialized in
            for i in 0..<n {
                let bit = i * bits, byte = bit >> 3, shift = bit & 7
                var word = Int(bytes[byte])
                if shift + bits > 8 { word |= Int(bytes[byte + 1]) << 8 }
                out[i] = UInt8((word >> shift) & mask)
            }
            initialized = n
        }
    }

    /// A packed sub-byte tensor from one code per element (only the low bits of each code are kept).
    public static func packCodes(_ codes: UnsafeBufferPointer<UInt8>, dtype: DType, shape: [Int]) throws -> Tensor {
        guard let bits = packedBits(dtype) else { throw KernelError("element type \(dtype) is not supported here") }
        guard let n = Shape.elementCount(shape), n == codes.count, let byteCount = dtype.storageBytes(count: n) else {
            throw KernelError("output shape \(shape) is invalid")
        }
        let mask = (1 << bits) - 1
        let storage = TensorStorage(byteCount: byteCount) { raw in
            for i in 0..<n {
                let bit = i * bits, byte = bit >> 3, shift = bit & 7
                let value = (Int(codes[i]) & mask) << shift
                raw[byte] |= UInt8(truncatingIfNeeded: value)
                if shift + bits > 8 { raw[byte + 1] |= UInt8(truncatingIfNeeded: value >> 8) }
            }
        }
        return try Tensor(dtype: dtype, shape: shape, storage: storage)
    }

    public static func packCodes(_ codes: [UInt8], dtype: DType, shape: [Int]) throws -> Tensor {
        try codes.withUnsafeBufferPointer { try packCodes($0, dtype: dtype, shape: shape) }
    }

    /// Calls `body` with the elements of `t` as raw bytes and their width (packed types are
    /// unpacked to one byte per element first). Not for strings.
    public static func withRawElements<R>(_ t: Tensor, _ body: (UnsafeRawPointer?, Int) throws -> R) throws -> R {
        if packedBits(t.dtype) != nil {
            let codes = try unpackCodes(t)
            return try codes.withUnsafeBytes { try body($0.baseAddress, 1) }
        }
        guard let width = t.dtype.byteWidth else { throw KernelError("element type \(t.dtype) is not supported here") }
        return try body(t.storage.bytes.baseAddress, width)
    }

    /// Builds a tensor of `dtype` and `shape` whose raw elements (`width` bytes each, one byte
    /// per code for packed types) `fill` writes into zeroed memory. Not for strings.
    public static func buildRaw(_ dtype: DType, shape: [Int], fill: (UnsafeMutableRawPointer, Int) throws -> Void) throws -> Tensor {
        guard let n = Shape.elementCount(shape) else { throw KernelError("output shape \(shape) is invalid") }
        if packedBits(dtype) != nil {
            var codes = [UInt8](repeating: 0, count: n)
            try codes.withUnsafeMutableBytes { raw in
                if let base = raw.baseAddress { try fill(base, 1) }
            }
            return try packCodes(codes, dtype: dtype, shape: shape)
        }
        guard let width = dtype.byteWidth, let bytes = dtype.storageBytes(count: n) else {
            throw KernelError("element type \(dtype) is not supported here")
        }
        let storage = try TensorStorage(byteCount: bytes) { raw in
            if let base = raw.baseAddress { try fill(base, width) }
        }
        return try Tensor(dtype: dtype, shape: shape, storage: storage)
    }

    /// Like `buildRaw`, but byte-addressable outputs start uninitialised (`OutputBuffer`):
    /// `fill` must write every element. Packed types still go through zeroed codes.
    static func buildRawUninitialized(_ dtype: DType, shape: [Int], fill: (UnsafeMutableRawPointer, Int) throws -> Void) throws -> Tensor {
        guard packedBits(dtype) == nil, let width = dtype.byteWidth else { return try buildRaw(dtype, shape: shape, fill: fill) }
        guard let n = Shape.elementCount(shape), let bytes = dtype.storageBytes(count: n) else {
            throw KernelError("output shape \(shape) is invalid")
        }
        let buffer = OutputBuffer<UInt8>(count: bytes)
        try fill(UnsafeMutableRawPointer(buffer.pointer), width)
        return try buffer.tensor(dtype, shape: shape)
    }

    // MARK: Gather over per-axis tables

    /// The general gather. The output has `shape`; its element (i₀, …, iᵣ₋₁) is the source
    /// element at flat offset Σₖ `offsets[k][iₖ]`, or `fill`'s single element (zero / empty
    /// string when `fill` is nil) when any `offsets[k][iₖ]` is `outside`. Each table holds
    /// element offsets already multiplied by the source stride of that axis.
    ///
    /// Transpose, Slice, Expand, Tile, Pad, Gather along an axis, Split, DepthToSpace … are all
    /// this one loop with different tables.
    public static func gather(_ source: Tensor, shape: [Int], offsets: [[Int]], fill: Tensor? = nil) throws -> Tensor {
        guard offsets.count == shape.count, zip(offsets, shape).allSatisfy({ $0.count == $1 }) else {
            throw KernelError("internal error: gather tables do not match shape \(shape)")
        }
        if let fill, fill.dtype != source.dtype {
            throw KernelError("fill value is \(fill.dtype), data is \(source.dtype)")
        }
        guard let count = Shape.elementCount(shape) else { throw KernelError("output shape \(shape) is invalid") }
        if source.dtype == .string {
            let fillValue = fill?.strings.first ?? []
            var out = [[UInt8]](repeating: fillValue, count: count)
            let src = source.strings
            forEachRow(shape: shape, offsets: offsets) { start, base, row, contiguous in
                guard base >= 0 else { return }
                for j in 0..<row.count where row[j] >= 0 { out[start + j] = src[base + row[j]] }
            }
            return try Tensor(strings: out, shape: shape)
        }
        return try withRawElements(source) { src, width in
            let fillBytes: [UInt8] = try fill.map { f in
                try withRawElements(f) { p, w in
                    guard let p, f.count > 0 else { return [UInt8](repeating: 0, count: w) }
                    return Array(UnsafeRawBufferPointer(start: p, count: w))
                }
            } ?? [UInt8](repeating: 0, count: width)
            let blockedAxis = fill == nil ? transposedAxis(shape: shape, offsets: offsets) : nil
            return try buildRawUninitialized(source.dtype, shape: shape) { out, _ in
                if let p = blockedAxis, let src {
                    switch width {
                    case 1: gatherBlocked(UInt8.self, src, out, shape: shape, offsets: offsets, axis: p)
                    case 2: gatherBlocked(UInt16.self, src, out, shape: shape, offsets: offsets, axis: p)
                    case 4: gatherBlocked(UInt32.self, src, out, shape: shape, offsets: offsets, axis: p)
                    case 8: gatherBlocked(UInt64.self, src, out, shape: shape, offsets: offsets, axis: p)
                    default: gatherBlocked(SIMD2<UInt64>.self, src, out, shape: shape, offsets: offsets, axis: p)
                    }
                    return
                }
                switch width {
                case 1: gatherRows(UInt8.self, src, out, shape: shape, offsets: offsets, fill: fillBytes)
                case 2: gatherRows(UInt16.self, src, out, shape: shape, offsets: offsets, fill: fillBytes)
                case 4: gatherRows(UInt32.self, src, out, shape: shape, offsets: offsets, fill: fillBytes)
                case 8: gatherRows(UInt64.self, src, out, shape: shape, offsets: offsets, fill: fillBytes)
                default: gatherRows(SIMD2<UInt64>.self, src, out, shape: shape, offsets: offsets, fill: fillBytes)
                }
            }
        }
    }

    private static func gatherRows<T: BitwiseCopyable>(_: T.Type, _ src: UnsafeRawPointer?, _ out: UnsafeMutableRawPointer,
                                                        shape: [Int], offsets: [[Int]], fill: [UInt8]) {
        let width = MemoryLayout<T>.size
        let fillValue = fill.withUnsafeBytes { $0.loadUnaligned(as: T.self) }
        forEachRow(shape: shape, offsets: offsets) { start, base, row, contiguous in
            let n = row.count
            // The output is uninitialised: every element is written, fill values included.
            guard base >= 0, let src else {
                for j in 0..<n { out.storeBytes(of: fillValue, toByteOffset: (start + j) * width, as: T.self) }
                return
            }
            if contiguous {
                (out + start * width).copyMemory(from: src + (base + row[0]) * width, byteCount: n * width)
                return
            }
            for j in 0..<n {
                let o = row[j]
                let v = o >= 0 ? src.loadUnaligned(fromByteOffset: (base + o) * width, as: T.self) : fillValue
                out.storeBytes(of: v, toByteOffset: (start + j) * width, as: T.self)
            }
        }
    }

    /// For transposes: an outer axis whose table reads consecutive source elements while the last
    /// axis does not (so rows are strided reads). Copying tiles of that axis × the last axis keeps
    /// reads and writes within a few cache lines. Nil when the plain row walk is as good.
    static func transposedAxis(shape: [Int], offsets: [[Int]]) -> Int? {
        let rank = shape.count
        guard rank >= 2, shape[rank - 1] > 1 else { return nil }
        let last = offsets[rank - 1]
        if last.allSatisfy({ $0 >= 0 }) && zip(last, last.dropFirst()).allSatisfy({ $1 == $0 + 1 }) { return nil }
        for p in stride(from: rank - 2, through: 0, by: -1) where shape[p] >= 4 {
            let t = offsets[p]
            if t.allSatisfy({ $0 >= 0 }) && zip(t, t.dropFirst()).allSatisfy({ $1 == $0 + 1 }) {
                return offsets.allSatisfy({ $0.allSatisfy { $0 >= 0 } }) ? p : nil
            }
        }
        return nil
    }

    /// The gather for `transposedAxis`: tiles of 16 along axis `p` × the whole last axis.
    private static func gatherBlocked<T: BitwiseCopyable>(_: T.Type, _ src: UnsafeRawPointer, _ out: UnsafeMutableRawPointer,
                                                           shape: [Int], offsets: [[Int]], axis p: Int) {
        let width = MemoryLayout<T>.size
        let rank = shape.count
        let rowLength = shape[rank - 1], pLength = shape[p]
        let outStrides = strides(shape)
        let pStride = outStrides[p]
        let outer = (0..<(rank - 1)).filter { $0 != p }
        let outerCount = outer.map { shape[$0] }.reduce(1, *)
        var index = [Int](repeating: 0, count: outer.count)
        offsets[rank - 1].withUnsafeBufferPointer { lastTable in
            offsets[p].withUnsafeBufferPointer { pTable in
                for _ in 0..<outerCount {
                    var base = 0, outBase = 0
                    for (k, a) in outer.enumerated() {
                        base += offsets[a][index[k]]
                        outBase += index[k] * outStrides[a]
                    }
                    var p0 = 0
                    while p0 < pLength {
                        let p1 = min(p0 + 16, pLength)
                        for j in 0..<rowLength {
                            let s = base + lastTable[j]
                            var o = outBase + p0 * pStride + j
                            for q in p0..<p1 {
                                out.storeBytes(of: src.loadUnaligned(fromByteOffset: (s + pTable[q]) * width, as: T.self),
                                               toByteOffset: o * width, as: T.self)
                                o += pStride
                            }
                        }
                        p0 = p1
                    }
                    var k = outer.count - 1
                    while k >= 0 {
                        index[k] += 1
                        if index[k] < shape[outer[k]] { break }
                        index[k] = 0
                        k -= 1
                    }
                }
            }
        }
    }

    /// Walks the output rows (last axis) of a gather: `body(outStart, base, lastTable, contiguous)`
    /// where `base` is the offset from the outer axes (`outside` when one of them is outside) and
    /// `contiguous` says the last table is `first, first+1, …` with no `outside` entry.
    static func forEachRow(shape: [Int], offsets: [[Int]],
                           _ body: (Int, Int, UnsafeBufferPointer<Int>, Bool) -> Void) {
        let rank = shape.count
        if rank == 0 {
            let one = [0]
            one.withUnsafeBufferPointer { body(0, 0, $0, true) }
            return
        }
        guard let count = Shape.elementCount(shape), count > 0 else { return }
        let last = offsets[rank - 1]
        let rowLength = shape[rank - 1]
        var contiguous = true
        for j in 0..<rowLength where last[j] < 0 || last[j] != last[0] + j { contiguous = false; break }
        let rows = count / rowLength
        let outerRank = rank - 1
        var index = [Int](repeating: 0, count: outerRank)
        // Number of outer axes currently on an `outside` entry, and the sum of the others.
        var invalid = 0
        var base = 0
        for k in 0..<outerRank {
            let o = offsets[k][0]
            if o < 0 { invalid += 1 } else { base += o }
        }
        last.withUnsafeBufferPointer { row in
            for r in 0..<rows {
                body(r * rowLength, invalid > 0 ? outside : base, row, contiguous)
                var k = outerRank - 1
                while k >= 0 {
                    let table = offsets[k]
                    let old = table[index[k]]
                    if old < 0 { invalid -= 1 } else { base -= old }
                    index[k] += 1
                    if index[k] == shape[k] { index[k] = 0 }
                    let new = table[index[k]]
                    if new < 0 { invalid += 1 } else { base += new }
                    if index[k] != 0 { break }
                    k -= 1
                }
            }
        }
    }

    /// Offsets table for an axis read straight through: `0, stride, 2·stride, …`.
    public static func identityTable(_ length: Int, stride: Int) -> [Int] {
        (0..<length).map { $0 * stride }
    }

    /// Permutes the axes of `t`: output axis k is input axis `perm[k]`.
    public static func transpose(_ t: Tensor, perm: [Int]) throws -> Tensor {
        let strides = strides(t.shape)
        let shape = perm.map { t.shape[$0] }
        let tables = perm.map { identityTable(t.shape[$0], stride: strides[$0]) }
        return try gather(t, shape: shape, offsets: tables)
    }

    // MARK: Concatenation

    /// Concatenates same-typed tensors of equal rank along `axis` (shapes must agree elsewhere).
    public static func concatenate(_ parts: [Tensor], axis: Int, shape: [Int]) throws -> Tensor {
        guard let first = parts.first else { throw KernelError("nothing to concatenate") }
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        let chunks = parts.map { $0.shape[axis] * inner }
        if first.dtype == .string {
            var out: [[UInt8]] = []
            out.reserveCapacity(Shape.elementCount(shape) ?? 0)
            for o in 0..<outer {
                for (p, part) in parts.enumerated() where chunks[p] > 0 {
                    out.append(contentsOf: part.strings[(o * chunks[p])..<((o + 1) * chunks[p])])
                }
            }
            return try Tensor(strings: out, shape: shape)
        }
        // Unpack packed types once, then copy chunks of raw bytes.
        let raws: [[UInt8]]? = packedBits(first.dtype) != nil ? try parts.map { try unpackCodes($0) } : nil
        return try buildRawUninitialized(first.dtype, shape: shape) { out, width in
            var position = 0
            for o in 0..<outer {
                for (p, part) in parts.enumerated() where chunks[p] > 0 {
                    let bytes = chunks[p] * width
                    let from = o * bytes
                    if let raws {
                        raws[p].withUnsafeBytes { (out + position).copyMemory(from: $0.baseAddress! + from, byteCount: bytes) }
                    } else if let src = part.storage.bytes.baseAddress {
                        (out + position).copyMemory(from: src + from, byteCount: bytes)
                    }
                    position += bytes
                }
            }
        }
    }
}

/// Axis and integer-input helpers shared by the shape and indexing ops.
public enum AxisInput {
    /// `axis` in `-rank..<rank` made non-negative, or a `KernelError` naming the valid range.
    public static func normalize(_ axis: Int, rank: Int, name: String = "axis") throws -> Int {
        guard axis >= -rank && axis < rank else {
            throw KernelError("\(name) \(axis) is out of range for rank \(rank) (expected \(-rank)…\(rank - 1))")
        }
        return axis < 0 ? axis + rank : axis
    }

    /// Normalises several axes, rejecting duplicates.
    public static func normalize(_ axes: [Int], rank: Int, name: String = "axes") throws -> [Int] {
        var seen = Set<Int>()
        return try axes.map { a in
            let n = try normalize(a, rank: rank, name: name == "axes" ? "axis" : name)
            guard seen.insert(n).inserted else { throw KernelError("\(name) \(axes) repeat axis \(a)") }
            return n
        }
    }

    /// The elements of an integer tensor (int8 … uint64) as `Int`.
    public static func integers(_ t: Tensor, name: String = "input") throws -> [Int] {
        switch t.dtype {
        case .int64: return try t.withElements(as: Int64.self) { $0.map { Int($0) } }
        case .int32: return try t.withElements(as: Int32.self) { $0.map { Int($0) } }
        case .int16: return try t.withElements(as: Int16.self) { $0.map { Int($0) } }
        case .int8: return try t.withElements(as: Int8.self) { $0.map { Int($0) } }
        case .uint8: return try t.withElements(as: UInt8.self) { $0.map { Int($0) } }
        case .uint16: return try t.withElements(as: UInt16.self) { $0.map { Int($0) } }
        case .uint32: return try t.withElements(as: UInt32.self) { $0.map { Int($0) } }
        case .uint64: return try t.withElements(as: UInt64.self) { $0.map { Int(truncatingIfNeeded: $0) } }
        default: throw KernelError("\(name) must be an integer tensor, found \(t.dtype)")
        }
    }

    /// An integer tensor holding one value (a scalar or a one-element tensor).
    public static func scalar(_ t: Tensor, name: String = "input") throws -> Int {
        let values = try integers(t, name: name)
        guard values.count == 1 else { throw KernelError("\(name) must hold one value, found shape \(t.shape)") }
        return values[0]
    }
}
