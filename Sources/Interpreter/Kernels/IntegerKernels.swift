import LockstepCore

/// Integer matrix multiplication and convolution with exact Int32 accumulation (wrapping on
/// overflow, as the ONNX integer ops allow: "accumulation may overflow if and only if in 32
/// bits"). Shared by MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv and the TFLite
/// quantised kernels. Operands arrive already widened to Int32 with their zero points removed.
public enum IntegerKernels {
    /// `c[m×n] (+)= a[m×k] · b[k×n]`, row-major with explicit leading dimensions.
    /// When `accumulate` is false `c` is overwritten.
    public static func gemm(m: Int, n: Int, k: Int, a: UnsafePointer<Int32>, lda: Int, b: UnsafePointer<Int32>, ldb: Int,
                            c: UnsafeMutablePointer<Int32>, ldc: Int, accumulate: Bool = false) {
        for i in 0..<m {
            let row = c + i * ldc
            if !accumulate { row.update(repeating: 0, count: n) }
            let aRow = a + i * lda
            for p in 0..<k {
                let av = aRow[p]
                if av == 0 { continue }
                let bRow = b + p * ldb
                for j in 0..<n { row[j] = row[j] &+ av &* bRow[j] }
            }
        }
    }

    /// Shapes of a numpy-style `matmul(a, b)`: batch shape, M, K, N, and the output shape.
    public struct MatMulShape: Sendable, Equatable {
        public var batch: [Int]
        public var m: Int, k: Int, n: Int
        public var output: [Int]
        /// Batch strides (in matrices) of a and b aligned to `batch` (0 when broadcast).
        public var aBatchStrides: [Int], bBatchStrides: [Int]
        public var aBatchShape: [Int], bBatchShape: [Int]
    }

    /// numpy `matmul` shape rules: 1-D `a` is a row vector, 1-D `b` a column vector (the
    /// added dimension is removed from the result); batch dimensions broadcast.
    public static func matMulShape(_ aShape: [Int], _ bShape: [Int]) throws -> MatMulShape {
        guard !aShape.isEmpty, !bShape.isEmpty else { throw KernelError("matmul operands must have rank ≥ 1, found \(aShape) and \(bShape)") }
        let a2 = aShape.count == 1 ? [1, aShape[0]] : aShape
        let b2 = bShape.count == 1 ? [bShape[0], 1] : bShape
        let m = a2[a2.count - 2], k = a2[a2.count - 1], kb = b2[b2.count - 2], n = b2[b2.count - 1]
        guard k == kb else { throw KernelError("matmul inner dimensions differ: \(aShape) and \(bShape)") }
        let aBatch = Array(a2.dropLast(2)), bBatch = Array(b2.dropLast(2))
        let batch = try Broadcast.shape([aBatch, bBatch])
        var output = batch
        if aShape.count > 1 { output.append(m) }
        if bShape.count > 1 { output.append(n) }
        return MatMulShape(batch: batch, m: m, k: k, n: n, output: output,
                           aBatchStrides: Broadcast.strides(of: aBatch, in: batch), bBatchStrides: Broadcast.strides(of: bBatch, in: batch),
                           aBatchShape: aBatch, bBatchShape: bBatch)
    }

    /// Batched `matmul` over Int32 operands laid out as `shape` describes; `out` holds
    /// `batch × m × n` values.
    public static func batchedMatMul(_ shape: MatMulShape, a: UnsafeBufferPointer<Int32>, b: UnsafeBufferPointer<Int32>,
                                     out: UnsafeMutableBufferPointer<Int32>) {
        guard let o = out.baseAddress else { return }
        guard let ap = a.baseAddress, let bp = b.baseAddress, shape.k > 0 else {
            out.update(repeating: 0)
            return
        }
        let (m, k, n) = (shape.m, shape.k, shape.n)
        forEachBatch(shape) { index, aIndex, bIndex in
            gemm(m: m, n: n, k: k, a: ap + aIndex * m * k, lda: k, b: bp + bIndex * k * n, ldb: n, c: o + index * m * n, ldc: n)
        }
    }

    /// Calls `body(outBatch, aBatch, bBatch)` for every batch of a broadcast matmul.
    public static func forEachBatch(_ shape: MatMulShape, _ body: (Int, Int, Int) -> Void) {
        let rank = shape.batch.count
        let count = shape.batch.reduce(1, *)
        if count == 0 { return }
        var index = [Int](repeating: 0, count: rank)
        var aOff = 0, bOff = 0
        for linear in 0..<count {
            body(linear, aOff, bOff)
            var d = rank - 1
            while d >= 0 {
                index[d] += 1
                aOff += shape.aBatchStrides[d]
                bOff += shape.bBatchStrides[d]
                if index[d] < shape.batch[d] { break }
                aOff -= shape.aBatchStrides[d] * shape.batch[d]
                bOff -= shape.bBatchStrides[d] * shape.batch[d]
                index[d] = 0
                d -= 1
            }
        }
    }

    // MARK: Convolution

    /// Geometry of an N-d convolution over `[N, C, D1, …]` inputs and `[M, C/group, k1, …]` weights.
    public struct ConvGeometry: Sendable, Equatable {
        public var batch: Int
        public var inChannels: Int
        public var outChannels: Int
        public var group: Int
        public var inSpatial: [Int]
        public var kernel: [Int]
        public var outSpatial: [Int]
        public var strides: [Int]
        public var dilations: [Int]
        /// Begin pads per spatial axis (end pads only shape the output).
        public var padsBegin: [Int]
        public var padsEnd: [Int]

        public var outputShape: [Int] { [batch, outChannels] + outSpatial }
    }

    /// Resolves `kernel_shape`, `pads`, `strides`, `dilations`, `auto_pad` (ONNX Conv rules) for
    /// the given input and weight shapes.
    public static func convGeometry(input: [Int], weight: [Int], group: Int, kernelShape: [Int]?, pads: [Int]?,
                                    strides: [Int]?, dilations: [Int]?, autoPad: String) throws -> ConvGeometry {
        guard input.count >= 3 else { throw KernelError("input must have rank ≥ 3 ([N, C, spatial…]), found \(input)") }
        guard weight.count == input.count else { throw KernelError("weight rank \(weight.count) differs from input rank \(input.count)") }
        let spatial = input.count - 2
        guard group >= 1, input[1] % group == 0, weight[0] % group == 0 else {
            throw KernelError("group \(group) must divide the input channels \(input[1]) and output channels \(weight[0])")
        }
        guard weight[1] * group == input[1] else {
            throw KernelError("weight has \(weight[1]) input channels per group, input has \(input[1]) channels in \(group) groups")
        }
        let kernel = Array(weight.dropFirst(2))
        if let ks = kernelShape, ks != kernel { throw KernelError("kernel_shape \(ks) differs from the weight's \(kernel)") }
        let strides = strides ?? [Int](repeating: 1, count: spatial)
        let dilations = dilations ?? [Int](repeating: 1, count: spatial)
        guard strides.count == spatial, strides.allSatisfy({ $0 >= 1 }) else { throw KernelError("strides \(strides) must be \(spatial) positive values") }
        guard dilations.count == spatial, dilations.allSatisfy({ $0 >= 1 }) else { throw KernelError("dilations \(dilations) must be \(spatial) positive values") }
        var begin = [Int](repeating: 0, count: spatial), end = begin
        let inSpatial = Array(input.dropFirst(2))
        var outSpatial = [Int](repeating: 0, count: spatial)
        for d in 0..<spatial {
            let effective = (kernel[d] - 1) * dilations[d] + 1
            switch autoPad {
            case "NOTSET", "":
                if let pads {
                    guard pads.count == 2 * spatial, pads.allSatisfy({ $0 >= 0 }) else { throw KernelError("pads \(pads) must be \(2 * spatial) non-negative values") }
                    begin[d] = pads[d]
                    end[d] = pads[d + spatial]
                }
                outSpatial[d] = (inSpatial[d] + begin[d] + end[d] - effective) / strides[d] + 1
            case "VALID":
                outSpatial[d] = (inSpatial[d] - effective) / strides[d] + 1
            case "SAME_UPPER", "SAME_LOWER":
                outSpatial[d] = (inSpatial[d] + strides[d] - 1) / strides[d]
                let total = max(0, (outSpatial[d] - 1) * strides[d] + effective - inSpatial[d])
                begin[d] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2
                end[d] = total - begin[d]
            default:
                throw KernelError("auto_pad '\(autoPad)' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID")
            }
            guard outSpatial[d] >= 1 else { throw KernelError("the kernel (\(kernel)) is larger than the padded input \(inSpatial)") }
        }
        return ConvGeometry(batch: input[0], inChannels: input[1], outChannels: weight[0], group: group, inSpatial: inSpatial,
                            kernel: kernel, outSpatial: outSpatial,
                            strides: strides, dilations: dilations, padsBegin: begin, padsEnd: end)
    }

    /// Integer convolution: `out[n, m, …] = Σ x[n, c, …] · w[m, c, …]` over each group, with
    /// `x` and `w` widened to Int32 and zero points removed (padding contributes 0, i.e. the
    /// zero point, as the spec requires). `bias` (per output channel) is added when given.
    /// `out` holds `geometry.outputShape` values.
    public static func conv(_ g: ConvGeometry, x: UnsafePointer<Int32>, w: UnsafePointer<Int32>, bias: UnsafePointer<Int32>?,
                            out: UnsafeMutablePointer<Int32>) {
        let spatial = g.kernel.count
        let kernelCount = g.kernel.reduce(1, *)
        let outCount = g.outSpatial.reduce(1, *)
        let inCount = g.inSpatial.reduce(1, *)
        let cPerGroup = g.inChannels / g.group
        let mPerGroup = g.outChannels / g.group
        let rows = cPerGroup * kernelCount
        if outCount == 0 || g.batch == 0 || g.outChannels == 0 { return }
        // im2col: for each (kernel offset, output position) the input offset, or -1 in the padding.
        var offsets = [Int](repeating: -1, count: kernelCount * outCount)
        var kIndex = [Int](repeating: 0, count: spatial)
        var oIndex = [Int](repeating: 0, count: spatial)
        var inStrides = [Int](repeating: 1, count: spatial)
        for d in stride(from: spatial - 2, through: 0, by: -1) { inStrides[d] = inStrides[d + 1] * g.inSpatial[d + 1] }
        for kLinear in 0..<kernelCount {
            var rem = kLinear
            for d in stride(from: spatial - 1, through: 0, by: -1) { kIndex[d] = rem % g.kernel[d]; rem /= g.kernel[d] }
            for oLinear in 0..<outCount {
                var r = oLinear
                for d in stride(from: spatial - 1, through: 0, by: -1) { oIndex[d] = r % g.outSpatial[d]; r /= g.outSpatial[d] }
                var offset = 0
                var inside = true
                for d in 0..<spatial {
                    let p = oIndex[d] * g.strides[d] - g.padsBegin[d] + kIndex[d] * g.dilations[d]
                    if p < 0 || p >= g.inSpatial[d] { inside = false; break }
                    offset += p * inStrides[d]
                }
                offsets[kLinear * outCount + oLinear] = inside ? offset : -1
            }
        }
        var columns = [Int32](repeating: 0, count: rows * outCount)
        offsets.withUnsafeBufferPointer { offsets in
            columns.withUnsafeMutableBufferPointer { col in
                for n in 0..<g.batch {
                    for group in 0..<g.group {
                        for c in 0..<cPerGroup {
                            let channel = x + (n * g.inChannels + group * cPerGroup + c) * inCount
                            for kLinear in 0..<kernelCount {
                                let dst = col.baseAddress! + (c * kernelCount + kLinear) * outCount
                                let src = offsets.baseAddress! + kLinear * outCount
                                for o in 0..<outCount {
                                    let off = src[o]
                                    dst[o] = off < 0 ? 0 : channel[off]
                                }
                            }
                        }
                        let weights = w + group * mPerGroup * rows
                        let target = out + (n * g.outChannels + group * mPerGroup) * outCount
                        gemm(m: mPerGroup, n: outCount, k: rows, a: weights, lda: rows, b: col.baseAddress!, ldb: outCount,
                             c: target, ldc: outCount)
                        if let bias {
                            for m in 0..<mPerGroup {
                                let b = bias[group * mPerGroup + m]
                                let row = target + m * outCount
                                for o in 0..<outCount { row[o] = row[o] &+ b }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// The elements of an 8/16/32-bit integer (or 4/2-bit) tensor widened to Int32, minus
    /// `zeroPoint(i)` for element i (pass `nil` for none).
    func int32Values(minus zeroPoint: ((Int) -> Int32)? = nil) throws -> [Int32] {
        var values: [Int32]
        switch dtype {
        case .int8: values = try withElements(as: Int8.self) { $0.map { Int32($0) } }
        case .uint8: values = try withElements(as: UInt8.self) { $0.map { Int32($0) } }
        case .int16: values = try withElements(as: Int16.self) { $0.map { Int32($0) } }
        case .uint16: values = try withElements(as: UInt16.self) { $0.map { Int32($0) } }
        case .int32: values = try scalars(as: Int32.self)
        case .int4, .uint4, .int2, .uint2: values = try unpackedSubByte().map { Int32($0) }
        case .float32, .float16, .bfloat16, .float64, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0,
             .float4e2m1, .float6e2m3, .float6e3m2, .uint32, .int64, .uint64, .bool, .string, .complex64, .complex128:
            throw KernelError("expected an 8-, 16- or 32-bit integer tensor, found \(dtype)")
        }
        if let zeroPoint {
            values.withUnsafeMutableBufferPointer { v in
                for i in 0..<v.count { v[i] = v[i] &- zeroPoint(i) }
            }
        }
        return values
    }
}
