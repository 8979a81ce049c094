import LockstepCore

/// NonMaxSuppression (ONNX opsets 10, 11): per batch and class, boxes are visited by descending
/// score (ties: lower index first), those with score `> score_threshold` (when given) are
/// candidates, and a candidate is kept unless its IoU with an already kept box is
/// `> iou_threshold`, up to `max_output_boxes_per_class` (absent: 0, nothing selected). Boxes are
/// `[y1, x1, y2, x2]` with any diagonal corners, or with `center_point_box = 1`
/// `[x_center, y_center, width, height]`; degenerate boxes never suppress. Output
/// `[selected, 3]` int64 rows `(batch, class, box)`.
struct NonMaxSuppressionKernel: Kernel {
    static let registration = OpRegistration("NonMaxSuppression", versions: 10...Int.max) { context in
        let center = try context.attributes.int("center_point_box", default: 0)
        guard center == 0 || center == 1 else { throw KernelError("attribute 'center_point_box' must be 0 or 1, found \(center)") }
        return NonMaxSuppressionKernel(centerPointBox: center == 1)
    }

    let centerPointBox: Bool

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let boxes = try Inputs.tensor(inputs, 0, name: "boxes"), scores = try Inputs.tensor(inputs, 1, name: "scores")
        try NNSupport.requireFloat(boxes, "boxes")
        try NNSupport.requireFloat(scores, "scores")
        guard boxes.rank == 3, boxes.shape[2] == 4, scores.rank == 3, scores.shape[0] == boxes.shape[0], scores.shape[2] == boxes.shape[1] else {
            throw KernelError("boxes must be [batches, boxes, 4] and scores [batches, classes, boxes], found \(boxes.shape) and \(scores.shape)")
        }
        func scalar(_ i: Int) throws -> Double? {
            guard let t = try Inputs.optionalTensor(inputs, i), t.count > 0 else { return nil }
            return try t.doubleValues()[0]
        }
        let maxPerClass = max(Int(try scalar(2) ?? 0), 0)
        let iouThreshold = try scalar(3) ?? 0
        let scoreThreshold = try scalar(4)
        let (batches, classes, count) = (scores.shape[0], scores.shape[1], boxes.shape[1])
        let b = try boxes.doubleValues(), s = try scores.doubleValues()
        // Corners (yMin, xMin, yMax, xMax) of every box.
        var corners = [(Double, Double, Double, Double)]()
        corners.reserveCapacity(batches * count)
        for i in 0..<(batches * count) {
            let v = (b[i * 4], b[i * 4 + 1], b[i * 4 + 2], b[i * 4 + 3])
            if centerPointBox {
                corners.append((v.1 - v.3 / 2, v.0 - v.2 / 2, v.1 + v.3 / 2, v.0 + v.2 / 2))
            } else {
                corners.append((min(v.0, v.2), min(v.1, v.3), max(v.0, v.2), max(v.1, v.3)))
            }
        }
        func suppresses(_ i: Int, _ j: Int) -> Bool {
            let (a, c) = (corners[i], corners[j])
            let ix = min(a.3, c.3) - max(a.1, c.1), iy = min(a.2, c.2) - max(a.0, c.0)
            if ix <= 0 || iy <= 0 { return false }
            let intersection = ix * iy
            let area1 = (a.3 - a.1) * (a.2 - a.0), area2 = (c.3 - c.1) * (c.2 - c.0)
            let union = area1 + area2 - intersection
            if area1 <= 0 || area2 <= 0 || union <= 0 { return false }
            return intersection / union > iouThreshold
        }
        var selected: [Int64] = []
        for batch in 0..<batches {
            for cls in 0..<classes {
                let row = (batch * classes + cls) * count
                var candidates = (0..<count).filter { scoreThreshold == nil || s[row + $0] > scoreThreshold! }
                candidates.sort { s[row + $0] != s[row + $1] ? s[row + $0] > s[row + $1] : $0 < $1 }
                var kept: [Int] = []
                for c in candidates {
                    if kept.count >= maxPerClass { break }
                    if kept.contains(where: { suppresses(batch * count + c, batch * count + $0) }) { continue }
                    kept.append(c)
                    selected += [Int64(batch), Int64(cls), Int64(c)]
                }
            }
        }
        return [.tensor(try Tensor(dtype: .int64, shape: [selected.count / 3, 3], values: selected))]
    }
}
