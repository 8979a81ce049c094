#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LockstepCore

/// NON_MAX_SUPPRESSION_V4 (1) and NON_MAX_SUPPRESSION_V5 (1): greedy (V5: soft, Gaussian) non-max
/// suppression of `boxes` `[n, 4]` (`y1, x1, y2, x2`, corners in any order) by `scores` `[n]`, as
/// `reference_ops::NonMaxSuppression` (google-ai-edge/LiteRT
/// `tflite/kernels/internal/reference/non_max_suppression.h`) and `tflite/kernels/non_max_suppression.cc`
/// @ 0c72792ca57e7499234782305d683836a44565d6: candidates above `score_threshold` wait in a
/// max-heap by score (the libstdc++ `priority_queue` algorithm, so equal scores leave it in the same
/// order); the IoU is computed in float32, a candidate is dropped at `iou >= iou_threshold`, and V5
/// decays its score by `expf(-0.5 / sigma · iou²)` per earlier selection. Outputs: the selected
/// indices (V5: and their scores) — padded with zeros to `max_output_size` when that input is a
/// constant, else exactly as many as were selected — and the count (int32 scalar). As in LiteRT, a
/// selected candidate goes back into the queue and is dropped when it meets itself (IoU 1), so a
/// zero-area box (IoU 0 even with itself) is selected repeatedly — LiteRT 2.3.0 does the same.
struct TFLiteNonMaxSuppression: Kernel {
    static func registration(soft: Bool) -> OpRegistration {
        TFLiteOps.op(soft ? "NON_MAX_SUPPRESSION_V5" : "NON_MAX_SUPPRESSION_V4") { context in
            try TFLiteSupport.arity(context, inputs: soft ? 6...6 : 5...5, outputs: soft ? 3...3 : 2...2)
            return TFLiteNonMaxSuppression(soft: soft, padded: context.isConstant(context.node.inputs[2]))
        }
    }

    let soft: Bool
    /// `max_output_size` is a constant: outputs have that length (LiteRT sizes them in Prepare).
    let padded: Bool

    struct Candidate {
        var index: Int
        var score: Float
        var suppressBeginIndex: Int
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let boxes = try Inputs.tensor(inputs, 0), scores = try Inputs.tensor(inputs, 1)
        guard boxes.dtype == .float32, boxes.rank == 2, boxes.shape[1] == 4 else { throw KernelError("boxes must be float32 [n, 4], found \(boxes.dtype) \(boxes.shape)") }
        guard scores.dtype == .float32, scores.shape == [boxes.shape[0]] else { throw KernelError("scores must be float32 [\(boxes.shape[0])], found \(scores.dtype) \(scores.shape)") }
        func scalar(_ k: Int, _ name: String, _ dtype: DType) throws -> Tensor {
            let t = try Inputs.tensor(inputs, k)
            guard t.dtype == dtype, t.rank == 0 else { throw KernelError("\(name) must be a \(dtype) scalar, found \(t.dtype) \(t.shape)") }
            return t
        }
        let maxOutput = Int(try scalar(2, "max_output_size", .int32).scalars(as: Int32.self)[0])
        guard maxOutput >= 0 else { throw KernelError("max_output_size \(maxOutput) is negative") }
        let iouThreshold = try scalar(3, "iou_threshold", .float32).scalars(as: Float.self)[0]
        let scoreThreshold = try scalar(4, "score_threshold", .float32).scalars(as: Float.self)[0]
        var sigma: Float = 0
        if soft {
            sigma = try scalar(5, "soft_nms_sigma", .float32).scalars(as: Float.self)[0]
            guard sigma >= 0 else { throw KernelError("Invalid sigma value for soft NMS: \(sigma)") }
        }
        let b = try boxes.scalars(as: Float.self), s = try scores.scalars(as: Float.self)
        let (indices, selectedScores) = Self.select(boxes: b, scores: s, maxOutput: maxOutput, iouThreshold: iouThreshold,
                                                    scoreThreshold: scoreThreshold, sigma: sigma)
        let length = padded ? maxOutput : indices.count
        var outIndices = indices.map { Int32($0) }, outScores = selectedScores
        outIndices += [Int32](repeating: 0, count: length - indices.count)
        outScores += [Float](repeating: 0, count: length - indices.count)
        let count = try Tensor(dtype: .int32, shape: [], values: [Int32(indices.count)])
        let idx = try Tensor(dtype: .int32, shape: [length], values: outIndices)
        if soft { return [.tensor(idx), .tensor(try Tensor(float32: outScores, shape: [length])), .tensor(count)] }
        return [.tensor(idx), .tensor(count)]
    }

    /// The selection of `reference_ops::NonMaxSuppression`: indices and (soft-)scores.
    static func select(boxes: [Float], scores: [Float], maxOutput: Int, iouThreshold: Float, scoreThreshold: Float,
                       sigma: Float) -> ([Int], [Float]) {
        var heap = ScoreHeap()
        for i in scores.indices where scores[i] > scoreThreshold { heap.push(Candidate(index: i, score: scores[i], suppressBeginIndex: 0)) }
        let outputs = min(heap.count, maxOutput)
        var selected: [Int] = [], selectedScores: [Float] = []
        guard outputs > 0 else { return (selected, selectedScores) }
        let scale: Float = sigma > 0 ? Float(-0.5 / Double(sigma)) : 0
        while selected.count < outputs, var next = heap.pop() {
            let original = next.score
            var hard = false
            var j = selected.count - 1
            while j >= next.suppressBeginIndex {
                let iou = intersectionOverUnion(boxes, next.index, selected[j])
                if iou >= iouThreshold { hard = true; break }
                if sigma > 0 { next.score = next.score * expf(scale * iou * iou) }
                if next.score <= scoreThreshold { break }
                j -= 1
            }
            next.suppressBeginIndex = selected.count
            if !hard {
                if next.score == original {
                    selected.append(next.index)
                    selectedScores.append(next.score)
                }
                if next.score > scoreThreshold { heap.push(next) }
            }
        }
        return (selected, selectedScores)
    }

    /// `ComputeIntersectionOverUnion` in float32.
    static func intersectionOverUnion(_ boxes: [Float], _ i: Int, _ j: Int) -> Float {
        let a = boxes[(4 * i)..<(4 * i + 4)].map { $0 }, c = boxes[(4 * j)..<(4 * j + 4)].map { $0 }
        let ayMin = min(a[0], a[2]), ayMax = max(a[0], a[2]), axMin = min(a[1], a[3]), axMax = max(a[1], a[3])
        let cyMin = min(c[0], c[2]), cyMax = max(c[0], c[2]), cxMin = min(c[1], c[3]), cxMax = max(c[1], c[3])
        let areaA = (ayMax - ayMin) * (axMax - axMin), areaC = (cyMax - cyMin) * (cxMax - cxMin)
        if areaA <= 0 || areaC <= 0 { return 0 }
        let iyMax = min(ayMax, cyMax), ixMax = min(axMax, cxMax), iyMin = max(ayMin, cyMin), ixMin = max(axMin, cxMin)
        let intersection = max(iyMax - iyMin, 0) * max(ixMax - ixMin, 0)
        return intersection / (areaA + areaC - intersection)
    }

    /// `std::priority_queue<Candidate>` ordered by `a.score < b.score`, with libstdc++'s
    /// `push_heap` / `pop_heap` (`__push_heap`, `__adjust_heap`), so ties pop in LiteRT's order.
    struct ScoreHeap {
        var items: [Candidate] = []
        var count: Int { items.count }

        static func less(_ a: Candidate, _ b: Candidate) -> Bool { a.score < b.score }

        mutating func push(_ c: Candidate) {
            items.append(c)
            siftUp(hole: items.count - 1, top: 0, value: c)
        }

        mutating func siftUp(hole start: Int, top: Int, value: Candidate) {
            var hole = start, parent = (hole - 1) / 2
            while hole > top && Self.less(items[parent], value) {
                items[hole] = items[parent]
                hole = parent
                parent = (hole - 1) / 2
            }
            items[hole] = value
        }

        mutating func pop() -> Candidate? {
            guard let top = items.first else { return nil }
            let len = items.count - 1
            if len > 0 {
                let value = items[len]
                items[len] = items[0]
                var hole = 0, child = 0
                while child < (len - 1) / 2 {
                    child = 2 * (child + 1)
                    if Self.less(items[child], items[child - 1]) { child -= 1 }
                    items[hole] = items[child]
                    hole = child
                }
                if len & 1 == 0 && child == (len - 2) / 2 {
                    child = 2 * (child + 1)
                    items[hole] = items[child - 1]
                    hole = child - 1
                }
                siftUp(hole: hole, top: 0, value: value)
            }
            items.removeLast()
            return top
        }
    }
}
