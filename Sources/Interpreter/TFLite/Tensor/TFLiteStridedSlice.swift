import LockstepCore

/// STRIDED_SLICE (versions 1–4+): `input[begin:end:strides]` with TensorFlow's mask semantics —
/// `begin_mask` / `end_mask` (take the whole range), `ellipsis_mask` (one spec entry standing for
/// every dimension not named), `new_axis_mask` (insert a size-1 dimension), `shrink_axis_mask`
/// (take the single element at `begin` and drop the dimension), and `offset` (`end` is relative to
/// `begin`). Out-of-range bounds are clamped; any element type.
struct TFLiteStridedSlice: Kernel {
    static let registration = TFLiteOps.op("STRIDED_SLICE") { context in
        try TFLiteSupport.arity(context, inputs: 4...4)
        let a = context.attributes
        return TFLiteStridedSlice(beginMask: try a.int("begin_mask", default: 0), endMask: try a.int("end_mask", default: 0),
                                  ellipsisMask: try a.int("ellipsis_mask", default: 0), newAxisMask: try a.int("new_axis_mask", default: 0),
                                  shrinkAxisMask: try a.int("shrink_axis_mask", default: 0), offset: try a.int("offset", default: 0) != 0)
    }

    let beginMask: Int, endMask: Int, ellipsisMask: Int, newAxisMask: Int, shrinkAxisMask: Int
    let offset: Bool

    /// Per input dimension: start, stride and count; and the output shape.
    struct Plan {
        var start: [Int], stride: [Int], count: [Int]
        var output: [Int]
    }

    func plan(_ x: Tensor, begin: [Int], end: [Int], strides: [Int]) throws -> Plan {
        let n = begin.count
        guard end.count == n, strides.count == n else {
            throw KernelError("begin, end and strides must have one length, found \(begin.count), \(end.count), \(strides.count)")
        }
        guard strides.allSatisfy({ $0 != 0 }) else { throw KernelError("strides must not be zero, found \(strides)") }
        // Sparse spec → dense spec (TensorFlow's BuildDenseSpec); an implicit ellipsis at the end.
        var sparseEllipsis = ellipsisMask
        var dims = n
        if ellipsisMask == 0 { sparseEllipsis |= 1 << n; dims += 1 }
        var ellipsisSeen = false, newAxesAfterEllipsis = 0
        for i in 0..<n {
            if ellipsisSeen, newAxisMask & (1 << i) != 0 { newAxesAfterEllipsis += 1 }
            if sparseEllipsis & (1 << i) != 0 { ellipsisSeen = true }
        }
        let rank = x.rank
        var dBegin = [Int](repeating: 0, count: rank), dEnd = dBegin, dStride = [Int](repeating: 1, count: rank)
        var dBeginMask = 0, dEndMask = 0, dShrink = 0
        enum Out { case dim(Int), newAxis }
        var gather: [Out] = []
        var full = 0
        for i in 0..<dims {
            if sparseEllipsis & (1 << i) != 0 {
                let next = min(rank - (dims - i) + 1 + newAxesAfterEllipsis, rank)
                while full < next {
                    dBeginMask |= 1 << full; dEndMask |= 1 << full
                    gather.append(.dim(full))
                    full += 1
                }
            } else if newAxisMask & (1 << i) != 0 {
                gather.append(.newAxis)
            } else {
                guard full < rank else { throw KernelError("slice spec has more dimensions than the input \(x.shape)") }
                dBegin[full] = begin[i]; dEnd[full] = offset ? begin[i] + end[i] : end[i]; dStride[full] = strides[i]
                if beginMask & (1 << i) != 0 { dBeginMask |= 1 << full }
                if endMask & (1 << i) != 0 { dEndMask |= 1 << full }
                if shrinkAxisMask & (1 << i) != 0 { dShrink |= 1 << full } else { gather.append(.dim(full)) }
                full += 1
            }
        }
        var start = [Int](repeating: 0, count: rank), count = start
        for d in 0..<rank {
            let size = x.shape[d], s = dStride[d]
            if dShrink & (1 << d) != 0 {
                let b = dBegin[d] < 0 ? dBegin[d] + size : dBegin[d]
                guard b >= 0, b < size else { throw KernelError("shrunk index \(dBegin[d]) is out of range for dimension \(d) of size \(size)") }
                start[d] = b; count[d] = 1; dStride[d] = 1
                continue
            }
            let fwd = { (v: Int) in v < 0 ? v + size : v }
            let b: Int, e: Int
            if s > 0 {
                b = dBeginMask & (1 << d) != 0 ? 0 : min(max(fwd(dBegin[d]), 0), size)
                e = dEndMask & (1 << d) != 0 ? size : min(max(fwd(dEnd[d]), 0), size)
            } else {
                b = dBeginMask & (1 << d) != 0 ? size - 1 : min(max(fwd(dBegin[d]), -1), size - 1)
                e = dEndMask & (1 << d) != 0 ? -1 : min(max(fwd(dEnd[d]), -1), size - 1)
            }
            let span = s > 0 ? e - b : b - e
            start[d] = b
            count[d] = span <= 0 ? 0 : (span + abs(s) - 1) / abs(s)
        }
        var output: [Int] = []
        for g in gather {
            switch g {
            case .dim(let d): output.append(count[d])
            case .newAxis: output.append(1)
            }
        }
        return Plan(start: start, stride: dStride, count: count, output: output)
    }

    func make(_ inputs: [Value?]) throws -> (Tensor, Plan) {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        let begin = try TFLiteSupport.integers(try Inputs.tensor(inputs, 1, name: "begin"), "begin")
        let end = try TFLiteSupport.integers(try Inputs.tensor(inputs, 2, name: "end"), "end")
        let strides = try TFLiteSupport.integers(try Inputs.tensor(inputs, 3, name: "strides"), "strides")
        return (x, try plan(x, begin: begin, end: end, strides: strides))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, p) = try make(inputs)
        return [TensorInfo(dtype: x.dtype, shape: p.output)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, p) = try make(inputs)
        let strides = DataMovement.strides(x.shape)
        let tables = (0..<x.rank).map { d in (0..<p.count[d]).map { (p.start[d] + $0 * p.stride[d]) * strides[d] } }
        let sliced = try DataMovement.gather(x, shape: p.count, offsets: tables)
        return [.tensor(try DataMovement.reshape(sliced, to: p.output))]
    }
}
