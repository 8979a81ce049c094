import LockstepCore

/// OneHot (opsets 9–28+): inserts an axis of size `depth` (scalar input, any numeric type) at `axis`
/// (default −1, range [−r−1, r]); the output holds values[1] (on) where the position equals the
/// index and values[0] (off) elsewhere, in the type of `values`. Indices of any numeric type are
/// truncated to integers; negative ones count from `depth` (11+); out-of-range ones give all off.
struct OneHotKernel: Kernel {
    let axis: Int
    /// Negative indices count from `depth` from opset 11; before, they are out of range.
    let wrapsNegative: Bool

    static let registration = OpRegistration("OneHot", versions: 9...Int.max) { context in
        OneHotKernel(axis: try context.attributes.int("axis", default: -1), wrapsNegative: context.opset >= 11)
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let indicesTensor = try Inputs.tensor(inputs, 0, name: "indices")
        let depthTensor = try Inputs.tensor(inputs, 1, name: "depth")
        let values = try Inputs.tensor(inputs, 2, name: "values")
        guard values.count == 2 else { throw KernelError("values must hold [off, on], found shape \(values.shape)") }
        guard depthTensor.count == 1 else { throw KernelError("depth must be a scalar, found shape \(depthTensor.shape)") }
        let depthValue = try depthTensor.doubleValues()[0]
        guard depthValue.isFinite, depthValue >= 1, depthValue <= Double(DataMovement.maxElements) else {
            throw KernelError("depth must be between 1 and \(DataMovement.maxElements), found \(depthValue)")
        }
        let depth = Int(depthValue)
        let rank = indicesTensor.rank + 1
        let a = try AxisInput.normalize(axis, rank: rank)
        let indices = try indicesTensor.doubleValues()
        var shape = indicesTensor.shape
        shape.insert(depth, at: a)
        try DataMovement.checkedCount(shape)
        let outer = indicesTensor.shape[..<a].reduce(1, *), inner = indicesTensor.shape[a...].reduce(1, *)
        var table = [Int](repeating: 0, count: outer * depth * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                let d = indices[o * inner + i]
                guard d.isFinite, d.magnitude < Double(DataMovement.maxElements) else { continue }
                var v = Int(d.rounded(.towardZero))
                if v < 0 && wrapsNegative { v += depth }
                if v >= 0 && v < depth { table[(o * depth + v) * inner + i] = 1 }
            }
        }
        let flat = try DataMovement.gather(try DataMovement.reshape(values, to: [2]), shape: [table.count], offsets: [table])
        return [.tensor(try DataMovement.reshape(flat, to: shape))]
    }
}
