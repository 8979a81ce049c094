import LockstepCore
import XCTest

@testable import Interpreter

/// The 8-bit CONV_2D and DEPTHWISE_CONV_2D kernels (sums and requantisation in CSIMD) against the
/// reference kernels' loop written out here as LiteRT's `ConvPerChannel` / `DepthwiseConvPerChannel`
/// state it (output channel by output channel, taps skipped outside the input, then
/// `MultiplyByQuantizedMultiplier` and the clamp), on seeded random geometries — groups,
/// dilation, strides, SAME/VALID, depth multipliers, uint8 offsets, extreme multipliers and
/// wrapping sums — on every vector variant this CPU runs and with both rounding variants.
final class TFLiteQuantizedConvolutionVariantsTests: XCTestCase {
    typealias Conv = TFLiteQuantizedConvolution

    func testConvolutionMatchesTheReferenceLoopOnEveryVariant() throws {
        try forEachVariant { level, generator in
            for round in 0..<60 {
                let depthwise = round % 3 == 2
                let c = try Case.random(depthwise: depthwise, generator: &generator)
                for rounding in TFLiteFixedPoint.Rounding.allCases {
                    try check(c, rounding: rounding, unsigned: false, level: level, round: round)
                    try check(c, rounding: rounding, unsigned: true, level: level, round: round)
                }
            }
        }
    }

    /// Sums that overflow Int32 wrap as in C++ (the reference computes them in wrapping Int32 as
    /// well), whichever variant and order adds them.
    func testWrappingSumsAgree() throws {
        try forEachVariant { level, _ in
            let g = try Conv.Geometry.make(input: [1, 3, 3, 40], filter: [2, 3, 3, 40], strides: (1, 1), dilations: (1, 1),
                                           padding: .valid, depthwise: false)
            let input = [Int8](repeating: -128, count: 360)
            let filter = [Int8](repeating: -127, count: 720)
            let c = Case(geometry: g, input: input, filter: filter, bias: [Int32.max, Int32.min],
                         multipliers: [.init(multiplier: Int32.max, shift: 0), .init(multiplier: Int32.min, shift: -31)],
                         inputOffset: 32767, filterOffset: 0, outputOffset: -3, depthwise: false)
            try check(c, rounding: .double, unsigned: false, level: level, round: -1)
        }
    }

    // MARK: helpers

    struct Case {
        var geometry: Conv.Geometry
        var input: [Int8]
        var filter: [Int8]
        var bias: [Int32]?
        var multipliers: [TFLiteQuantizationParams.Multiplier]
        var inputOffset: Int32, filterOffset: Int32, outputOffset: Int32
        var depthwise: Bool

        static func random(depthwise: Bool, generator: inout SplitMix64) throws -> Case {
            func pick(_ r: ClosedRange<Int>) -> Int { Int.random(in: r, using: &generator) }
            let inputDepth = pick(1...6)
            let groups = depthwise ? 1 : [1, 1, 2, 3][pick(0...3)]
            let filterInputDepth = depthwise ? 1 : inputDepth
            let channels = depthwise ? inputDepth * pick(1...3) : (groups == 1 ? pick(1...20) : groups * pick(1...9))
            let fh = pick(1...3), fw = pick(1...3)
            let input = [pick(1...2), pick((2 * fh - 1)...9), pick(fw...9), inputDepth * groups]
            let filter = depthwise ? [1, fh, fw, channels] : [channels, fh, fw, filterInputDepth]
            let g = try Conv.Geometry.make(
                input: depthwise ? [input[0], input[1], input[2], inputDepth] : input, filter: filter,
                strides: (pick(1...2), pick(1...2)), dilations: (pick(1...2), 1), padding: pick(0...1) == 0 ? .same : .valid,
                depthwise: depthwise)
            let inputCount = g.batches * g.inputHeight * g.inputWidth * g.inputDepth
            let multipliers = (0..<channels).map { _ -> TFLiteQuantizationParams.Multiplier in
                pick(0...9) == 0
                    ? .init(multiplier: [Int32.max, 1 << 30, 0][pick(0...2)], shift: [-31, 0, 3][pick(0...2)])
                    : .init(Double.random(in: 1e-4...2, using: &generator))
            }
            return Case(geometry: g, input: (0..<inputCount).map { _ in Int8(truncatingIfNeeded: pick(0...255)) },
                        filter: (0..<filter.reduce(1, *)).map { _ in Int8(truncatingIfNeeded: pick(0...255)) },
                        bias: pick(0...3) == 0 ? nil : (0..<channels).map { _ in Int32(pick(-40000...40000)) },
                        multipliers: multipliers, inputOffset: Int32(pick(-128...128)), filterOffset: Int32(pick(-5...5)),
                        outputOffset: Int32(pick(-20...20)), depthwise: depthwise)
        }
    }

    func forEachVariant(_ body: (VectorKernels.Level, inout SplitMix64) throws -> Void) throws {
        let start = VectorKernels.level
        defer { VectorKernels.level = start }
        for level in VectorKernels.available {
            VectorKernels.level = level
            var generator = SplitMix64(seed: 0x5EED_C0DE)
            try body(level, &generator)
        }
    }

    func check(_ c: Case, rounding: TFLiteFixedPoint.Rounding, unsigned: Bool, level: VectorKernels.Level, round: Int) throws {
        if unsigned {
            let input = c.input.map { UInt8(bitPattern: $0) }, filter = c.filter.map { UInt8(bitPattern: $0) }
            let (lo, hi): (Int32, Int32) = (0, 255)
            XCTAssertEqual(run(c, input, filter, rounding, lo, hi), reference(c, input, filter, rounding, lo, hi),
                           "uint8 \(rounding) round \(round) on \(level): \(c.geometry)")
        } else {
            let (lo, hi): (Int32, Int32) = (-128, 127)
            XCTAssertEqual(run(c, c.input, c.filter, rounding, lo, hi), reference(c, c.input, c.filter, rounding, lo, hi),
                           "int8 \(rounding) round \(round) on \(level): \(c.geometry)")
        }
    }

    func run<T: FixedWidthInteger>(_ c: Case, _ input: [T], _ filter: [T], _ rounding: TFLiteFixedPoint.Rounding,
                                   _ lo: Int32, _ hi: Int32) -> [T] {
        let offsets = Conv.Offsets(inputOffset: c.inputOffset, filterOffset: c.filterOffset, outputOffset: c.outputOffset,
                                   activationMin: lo, activationMax: hi)
        var out = [T](repeating: 0, count: c.geometry.outputCount)
        input.withUnsafeBufferPointer { x in
            filter.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { o in
                    func go(_ b: UnsafeBufferPointer<Int32>?) {
                        if c.depthwise {
                            Conv.depthwise(c.geometry, input: x, filter: w, bias: b, multipliers: c.multipliers, offsets: offsets,
                                           rounding: rounding, output: o)
                        } else {
                            Conv.conv(c.geometry, input: x, filter: w, bias: b, multipliers: c.multipliers, offsets: offsets,
                                      rounding: rounding, output: o)
                        }
                    }
                    if let bias = c.bias { bias.withUnsafeBufferPointer { go($0) } } else { go(nil) }
                }
            }
        }
        return out
    }

    /// The reference kernels' loop: output channel by output channel, NHWC, OHWI (or 1HWC) filters.
    func reference<T: FixedWidthInteger>(_ c: Case, _ input: [T], _ filter: [T], _ rounding: TFLiteFixedPoint.Rounding,
                                         _ lo: Int32, _ hi: Int32) -> [T] {
        let g = c.geometry
        var out: [T] = []
        let groups = c.depthwise ? 1 : g.inputDepth / g.filterInputDepth
        let perGroup = g.outputDepth / groups
        let multiplier = c.depthwise ? g.outputDepth / g.inputDepth : 1
        for b in 0..<g.batches {
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    for oc in 0..<g.outputDepth {
                        var acc: Int32 = 0
                        for fy in 0..<g.filterHeight {
                            let iy = oy * g.strideHeight - g.padHeight + g.dilationHeight * fy
                            guard iy >= 0, iy < g.inputHeight else { continue }
                            for fx in 0..<g.filterWidth {
                                let ix = ox * g.strideWidth - g.padWidth + g.dilationWidth * fx
                                guard ix >= 0, ix < g.inputWidth else { continue }
                                let pixel = ((b * g.inputHeight + iy) * g.inputWidth + ix) * g.inputDepth
                                if c.depthwise {
                                    let x = Int32(input[pixel + oc / multiplier]) &+ c.inputOffset
                                    let w = Int32(filter[(fy * g.filterWidth + fx) * g.outputDepth + oc]) &+ c.filterOffset
                                    acc = acc &+ w &* x
                                } else {
                                    for ic in 0..<g.filterInputDepth {
                                        let x = Int32(input[pixel + (oc / perGroup) * g.filterInputDepth + ic]) &+ c.inputOffset
                                        let w = Int32(filter[((oc * g.filterHeight + fy) * g.filterWidth + fx) * g.filterInputDepth + ic])
                                            &+ c.filterOffset
                                        acc = acc &+ w &* x
                                    }
                                }
                            }
                        }
                        if let bias = c.bias { acc = acc &+ bias[oc] }
                        let v = c.multipliers[oc].apply(acc, rounding: rounding) &+ c.outputOffset
                        out.append(T(truncatingIfNeeded: min(max(v, lo), hi)))
                    }
                }
            }
        }
        return out
    }
}
