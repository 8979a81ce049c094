import LockstepCore

/// Feeds one form's inputs to another: matches inputs by name (also through TFLite's
/// `serving_default_<name>:0` spelling) or else by position, transposes between layouts
/// (NCHW → NHWC) when the declared shapes say so, and quantises real values through the target
/// input's scale and zero point. Every step is recorded for the report.
public enum InputAdapter {
    public struct Adapted: Sendable {
        /// Target input name → value.
        public var feeds: [String: Tensor]
        /// One per target input, in the target's order.
        public var records: [Record]
    }

    public struct Record: Sendable {
        public var sourceName: String
        public var targetName: String
        public var tensor: Tensor
        public var steps: [String]
    }

    /// Adapts `values` (source input name → tensor) to `targets` (the other form's declared inputs).
    /// `sourceOrder` is the source form's input order, for matching by position.
    public static func adapt(_ values: [String: Tensor], sourceOrder: [String], to targets: [ValueInfo]) throws -> Adapted {
        guard sourceOrder.count == targets.count else {
            throw CheckingError.incomparable("the forms have \(sourceOrder.count) and \(targets.count) inputs")
        }
        var feeds: [String: Tensor] = [:]
        var records: [Record] = []
        for (index, target) in targets.enumerated() {
            var steps: [String] = []
            let name: String
            if let exact = sourceOrder.first(where: { $0 == target.name || $0 == plainName(target.name) }) {
                name = exact
                if exact != target.name { steps.append("matched by name ('\(exact)' is '\(target.name)')") }
            } else {
                name = sourceOrder[index]
                steps.append("matched by position (input \(index): '\(name)' is '\(target.name)')")
            }
            guard var tensor = values[name] else { throw CheckingError.incomparable("no value for input '\(name)'") }
            guard case .tensor(let dtype, let shape) = target.type else {
                throw CheckingError.incomparable("input '\(target.name)' is not a tensor (\(target.type))")
            }
            if let shape, shape.rank == tensor.rank {
                let wanted = shape.dimensions.enumerated().map { i, d in d.fixedValue ?? tensor.shape[i] }
                if wanted != tensor.shape {
                    guard let perm = Layout.permutations(from: tensor.shape, to: wanted).first else {
                        throw CheckingError.incomparable("input '\(target.name)' is \(shape), the value is \(tensor.shape)")
                    }
                    tensor = try Layout.transpose(tensor, perm: perm)
                    steps.append(Layout.describe(perm))
                }
            } else if let shape, let fixed = shape.fixedDimensions, Shape.elementCount(fixed) == tensor.count {
                tensor = try Tensor(dtype: tensor.dtype, shape: fixed, storage: tensor.storage, quantization: tensor.quantization)
                steps.append("reshaped to \(fixed)")
            }
            if let dtype, dtype != tensor.dtype {
                if let q = target.quantization, dtype.isInteger, tensor.dtype.isFloatingPoint {
                    tensor = try Quantizer.quantize(try tensor.doubleValues(), shape: tensor.shape, dtype: dtype, q)
                    let what = q.scales.count == 1 ? "scale \(q.scales[0]), zero point \(q.zeroPoints.first ?? 0)" : "per-axis scales"
                    steps.append("quantised to \(dtype) (\(what))")
                } else if dtype.isFloatingPoint, tensor.dtype.isFloatingPoint {
                    let v = try tensor.floatValues()
                    switch dtype {
                    case .float32: tensor = try Tensor(float32: v, shape: tensor.shape)
                    case .float16: tensor = try Tensor(dtype: .float16, shape: tensor.shape, values: v.map(FloatBits.floatToHalf))
                    case .bfloat16: tensor = try Tensor(dtype: .bfloat16, shape: tensor.shape, values: v.map(FloatBits.floatToBFloat16))
                    case .float64: tensor = try Tensor(dtype: .float64, shape: tensor.shape, values: v.map(Double.init))
                    default: throw CheckingError.incomparable("input '\(target.name)' is \(dtype); cannot convert \(tensor.dtype) to it")
                    }
                    steps.append("converted \(values[name]!.dtype) → \(dtype)")
                } else {
                    throw CheckingError.incomparable("input '\(target.name)' is \(dtype); cannot convert \(tensor.dtype) to it")
                }
            }
            feeds[target.name] = tensor
            records.append(Record(sourceName: name, targetName: target.name, tensor: tensor, steps: steps))
        }
        return Adapted(feeds: feeds, records: records)
    }

    /// `serving_default_image:0` → `image`; other names unchanged.
    public static func plainName(_ name: String) -> String {
        var n = name
        if n.hasPrefix("serving_default_") { n.removeFirst("serving_default_".count) }
        if let colon = n.lastIndex(of: ":"), n[n.index(after: colon)...].allSatisfy(\.isNumber), colon != n.startIndex { n = String(n[..<colon]) }
        return n
    }
}
