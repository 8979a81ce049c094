import LockstepCore

/// RoiAlign (ONNX opsets 10, 16, 22): pools each region of interest `rois [R, 4]` (`x1, y1, x2,
/// y2`, times `spatial_scale`, minus 0.5 with `coordinate_transformation_mode = half_pixel`, the
/// default from opset 16) of image `batch_indices[r]` of `X [N, C, H, W]` into
/// `[R, C, output_height, output_width]` bins. Each bin averages (`mode = avg`) or takes the
/// maximum of (`max`, of the weighted corner values, as ONNX Runtime) `sampling_ratio²` bilinear
/// samples (`ceil(bin size)` per axis when 0); samples beyond one pixel outside read 0. Without
/// half-pixel, regions are at least 1×1. Float64 arithmetic.
struct RoiAlignKernel: Kernel {
    static let registration = OpRegistration("RoiAlign", versions: 10...Int.max) { context in
        let a = context.attributes
        let transform = try a.string("coordinate_transformation_mode", default: context.opset >= 16 ? "half_pixel" : "output_half_pixel")
        guard transform == "half_pixel" || transform == "output_half_pixel" else {
            throw KernelError("attribute 'coordinate_transformation_mode' must be half_pixel or output_half_pixel, found '\(transform)'")
        }
        let mode = try a.string("mode", default: "avg")
        guard mode == "avg" || mode == "max" else { throw KernelError("attribute 'mode' must be avg or max, found '\(mode)'") }
        return RoiAlignKernel(halfPixel: transform == "half_pixel", average: mode == "avg",
                              height: try a.int("output_height", default: 1), width: try a.int("output_width", default: 1),
                              samplingRatio: try a.int("sampling_ratio", default: 0), spatialScale: Double(try a.float("spatial_scale", default: 1)))
    }

    let halfPixel: Bool
    let average: Bool
    let height: Int
    let width: Int
    let samplingRatio: Int
    let spatialScale: Double

    func operands(_ inputs: [Value?]) throws -> (x: Tensor, rois: Tensor, batch: [Int]) {
        let x = try Inputs.tensor(inputs, 0, name: "X"), rois = try Inputs.tensor(inputs, 1, name: "rois")
        let batch = try NNSupport.ints(try Inputs.tensor(inputs, 2, name: "batch_indices"), name: "batch_indices")
        try NNSupport.requireFloat(x, "X")
        try NNSupport.requireSameType(rois, "rois", as: x.dtype)
        guard x.rank == 4 else { throw KernelError("X must be [N, C, H, W], found \(x.shape)") }
        guard rois.rank == 2, rois.shape[1] == 4, batch.count == rois.shape[0] else {
            throw KernelError("rois must be [R, 4] with one batch index each, found \(rois.shape) and \(batch.count) indices")
        }
        guard batch.allSatisfy({ $0 >= 0 && $0 < x.shape[0] }) else { throw KernelError("batch_indices must lie in [0, \(x.shape[0]))") }
        guard height > 0, width > 0 else { throw KernelError("output_height and output_width must be positive") }
        return (x, rois, batch)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, rois, _) = try operands(inputs)
        return [TensorInfo(dtype: x.dtype, shape: [rois.shape[0], x.shape[1], height, width])]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (xt, roisTensor, batch) = try operands(inputs)
        let x = try xt.doubleValues(), rois = try roisTensor.doubleValues()
        let (c, h, w) = (xt.shape[1], xt.shape[2], xt.shape[3])
        let r = roisTensor.shape[0]
        var y = [Double](repeating: 0, count: r * c * height * width)
        struct Sample { var positions: (Int, Int, Int, Int); var weights: (Double, Double, Double, Double) }
        for n in 0..<r {
            let offset = halfPixel ? 0.5 : 0
            let startW = rois[n * 4] * spatialScale - offset, startH = rois[n * 4 + 1] * spatialScale - offset
            var roiW = rois[n * 4 + 2] * spatialScale - offset - startW, roiH = rois[n * 4 + 3] * spatialScale - offset - startH
            if !halfPixel { roiW = max(roiW, 1); roiH = max(roiH, 1) }
            let binH = roiH / Double(height), binW = roiW / Double(width)
            let gridH = samplingRatio > 0 ? samplingRatio : Int((roiH / Double(height)).rounded(.up))
            let gridW = samplingRatio > 0 ? samplingRatio : Int((roiW / Double(width)).rounded(.up))
            let count = Double(max(gridH * gridW, 1))
            // Bilinear sample positions and weights of every bin.
            var samples: [Sample] = []
            for ph in 0..<height {
                for pw in 0..<width {
                    for iy in 0..<gridH {
                        let yy = startH + Double(ph) * binH + (Double(iy) + 0.5) * binH / Double(gridH)
                        for ix in 0..<gridW {
                            let xx = startW + Double(pw) * binW + (Double(ix) + 0.5) * binW / Double(gridW)
                            if yy < -1 || yy > Double(h) || xx < -1 || xx > Double(w) {
                                samples.append(Sample(positions: (0, 0, 0, 0), weights: (0, 0, 0, 0)))
                                continue
                            }
                            var sy = max(yy, 0), sx = max(xx, 0)
                            var yLow = Int(sy), xLow = Int(sx), yHigh = yLow + 1, xHigh = xLow + 1
                            if yLow >= h - 1 { yLow = h - 1; yHigh = h - 1; sy = Double(yLow) }
                            if xLow >= w - 1 { xLow = w - 1; xHigh = w - 1; sx = Double(xLow) }
                            let ly = sy - Double(yLow), lx = sx - Double(xLow), hy = 1 - ly, hx = 1 - lx
                            samples.append(Sample(positions: (yLow * w + xLow, yLow * w + xHigh, yHigh * w + xLow, yHigh * w + xHigh),
                                                  weights: (hy * hx, hy * lx, ly * hx, ly * lx)))
                        }
                    }
                }
            }
            for ch in 0..<c {
                let base = (batch[n] * c + ch) * h * w
                var k = 0
                for bin in 0..<(height * width) {
                    var value = 0.0, first = true
                    for _ in 0..<(gridH * gridW) {
                        let s = samples[k]
                        k += 1
                        let terms = (s.weights.0 * x[base + s.positions.0], s.weights.1 * x[base + s.positions.1],
                                     s.weights.2 * x[base + s.positions.2], s.weights.3 * x[base + s.positions.3])
                        if average {
                            value += terms.0 + terms.1 + terms.2 + terms.3
                        } else {
                            let m = max(terms.0, terms.1, terms.2, terms.3)
                            value = first ? m : max(value, m)
                            first = false
                        }
                    }
                    y[(n * c + ch) * height * width + bin] = average ? value / count : value
                }
            }
        }
        return [.tensor(try NNSupport.tensor(y, dtype: xt.dtype, shape: [r, c, height, width]))]
    }
}
