import Interpreter
import LockstepCore

/// Axis permutations between forms: ONNX is channels-first (NCHW), TFLite channels-last (NHWC),
/// and a converter may insert (or wrongly omit) transposes. These helpers find the permutations
/// that make one shape another and apply them.
public enum Layout {
    /// Permutations `p` with `candidate.transposed(p).shape == reference`, the likely ones first:
    /// the identity, channels-last → channels-first (`[0, 3, 1, 2]` for rank 4), channels-first →
    /// channels-last, then every other permutation in lexicographic order (rank ≤ 6). Empty when
    /// the element counts differ or no permutation fits.
    public static func permutations(from candidate: [Int], to reference: [Int]) -> [[Int]] {
        guard candidate.count == reference.count, candidate.count <= 6,
              Shape.elementCount(candidate) == Shape.elementCount(reference) else { return [] }
        let rank = candidate.count
        var ordered: [[Int]] = [Array(0..<rank)]
        if rank >= 3 {
            ordered.append([0, rank - 1] + Array(1..<(rank - 1)))  // NHWC → NCHW
            ordered.append([0] + Array(2..<rank) + [1])  // NCHW → NHWC
        }
        ordered += allPermutations(rank)
        var seen = Set<[Int]>()
        return ordered.filter { p in
            guard seen.insert(p).inserted else { return false }
            return p.enumerated().allSatisfy { axis, source in candidate[source] == reference[axis] }
        }
    }

    /// `values` of a tensor of `shape`, transposed by `perm` (output axis i = input axis perm[i]).
    public static func transpose(_ values: [Double], shape: [Int], perm: [Int]) -> [Double] {
        let rank = shape.count
        if perm == Array(0..<rank) { return values }
        var inStrides = [Int](repeating: 1, count: rank)
        for d in stride(from: rank - 2, through: 0, by: -1) { inStrides[d] = inStrides[d + 1] * shape[d + 1] }
        let outShape = perm.map { shape[$0] }
        let strides = perm.map { inStrides[$0] }
        var out = [Double](repeating: 0, count: values.count)
        var index = [Int](repeating: 0, count: rank)
        var source = 0
        for o in 0..<values.count {
            out[o] = values[source]
            var d = rank - 1
            while d >= 0 {
                index[d] += 1
                source += strides[d]
                if index[d] < outShape[d] { break }
                source -= strides[d] * outShape[d]
                index[d] = 0
                d -= 1
            }
        }
        return out
    }

    /// A tensor transposed by `perm` (any byte-addressable type; quantisation kept).
    public static func transpose(_ tensor: Tensor, perm: [Int]) throws -> Tensor {
        if perm == Array(0..<tensor.rank) { return tensor }
        var out = try DataMovement.transpose(tensor, perm: perm)
        out.quantization = tensor.quantization
        return out
    }

    /// `transposed NHWC→NCHW (perm [0, 3, 1, 2])`, or `transposed (perm [1, 0])` for others.
    public static func describe(_ perm: [Int]) -> String {
        let rank = perm.count
        var name: String?
        if rank >= 3 {
            let spatial = ["W", "HW", "DHW"]
            if rank - 2 <= spatial.count {
                let s = spatial[rank - 3]
                if perm == [0, rank - 1] + Array(1..<(rank - 1)) { name = "N\(s)C→NC\(s)" }
                else if perm == [0] + Array(2..<rank) + [1] { name = "NC\(s)→N\(s)C" }
            }
        }
        return "transposed " + (name.map { "\($0) " } ?? "") + "(perm \(perm))"
    }

    static func allPermutations(_ n: Int) -> [[Int]] {
        var result: [[Int]] = []
        var current: [Int] = []
        var used = [Bool](repeating: false, count: n)
        func extend() {
            if current.count == n { result.append(current); return }
            for i in 0..<n where !used[i] {
                used[i] = true
                current.append(i)
                extend()
                current.removeLast()
                used[i] = false
            }
        }
        extend()
        return result
    }
}

/// Affine (de)quantisation between real values and integer codes: real = scale·(q − zero point),
/// per tensor or per axis.
public enum Quantizer {
    /// The real values a quantised tensor stands for.
    public static func dequantize(_ tensor: Tensor) throws -> [Double] {
        guard let q = tensor.quantization, !q.scales.isEmpty else { return try tensor.doubleValues() }
        let codes = try tensor.doubleValues()
        let (perSlice, inner) = layout(shape: tensor.shape, q)
        return codes.enumerated().map { i, v in
            let c = perSlice ? (i / inner) % q.scales.count : 0
            return Double(q.scales[c]) * (v - Double(q.zeroPoints.count > c ? q.zeroPoints[c] : 0))
        }
    }

    /// Real `values` quantised to `dtype` codes with `q` (round half to even, saturating).
    public static func quantize(_ values: [Double], shape: [Int], dtype: DType, _ q: QuantizationParameters) throws -> Tensor {
        let (perSlice, inner) = layout(shape: shape, q)
        func code(_ i: Int, _ v: Double) -> Int64 {
            let c = perSlice ? (i / inner) % q.scales.count : 0
            let scale = Double(q.scales[c])
            let zero = q.zeroPoints.count > c ? q.zeroPoints[c] : 0
            guard scale > 0, v.isFinite else { return zero }
            return Int64((v / scale).rounded(.toNearestOrEven)) + zero
        }
        func make<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) throws -> Tensor {
            let codes: [T] = values.enumerated().map { i, v in
                let raw = code(i, v)
                return T(clamping: Swift.min(Swift.max(raw, Int64(T.min)), Int64(T.max)))
            }
            var t = try Tensor(dtype: dtype, shape: shape, values: codes)
            t.quantization = q
            return t
        }
        switch dtype {
        case .int8: return try make(Int8.self)
        case .uint8: return try make(UInt8.self)
        case .int16: return try make(Int16.self)
        case .uint16: return try make(UInt16.self)
        case .int32: return try make(Int32.self)
        default: throw CheckingError.incomparable("cannot quantise to \(dtype)")
        }
    }

    /// Whether scales vary along an axis, and how many elements one step of that axis spans.
    static func layout(shape: [Int], _ q: QuantizationParameters) -> (Bool, Int) {
        guard q.scales.count > 1, let axis = q.axis, axis >= 0, axis < shape.count else { return (false, 1) }
        return (true, shape[(axis + 1)...].reduce(1, *))
    }
}
