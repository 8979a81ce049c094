import LockstepCore

/// Einsum (ONNX opset 12): Einstein summation over one or more operands, e.g. `ij,jk->ik`,
/// `bij,bjk->bik`, `ii->i` (diagonal), `i,i` (implicit output: the labels that occur once, in
/// alphabetical order), with `...` for broadcast dimensions (numpy rules). Every output element
/// is the sum over the contracted labels of the operands' product, accumulated in float64 for
/// floats (float16/bfloat16 through float32) and with wrapping 64-bit arithmetic for integers.
/// A direct loop: exact, not tuned for large contractions.
struct EinsumKernel: Kernel {
    static let registration = OpRegistration("Einsum", versions: 12...Int.max) { context in
        guard let equation = try context.attributes.string("equation") else { throw KernelError("attribute 'equation' is required") }
        return try EinsumKernel(equation: equation)
    }

    /// Operand terms and output term as label lists; `ellipsis` marks where `...` stands.
    struct Term { var labels: [Character]; var ellipsis: Int? }
    let inputs: [Term]
    let output: Term?

    init(equation: String) throws {
        let text = equation.filter { !$0.isWhitespace }
        let parts = text.components(separatedBy: "->")
        guard parts.count <= 2 else { throw KernelError("equation '\(equation)' has more than one '->'") }
        func term(_ s: String) throws -> Term {
            var labels: [Character] = [], ellipsis: Int? = nil
            var rest = Substring(s)
            while !rest.isEmpty {
                if rest.hasPrefix("...") {
                    guard ellipsis == nil else { throw KernelError("equation '\(equation)' has two ellipses in one term") }
                    ellipsis = labels.count
                    rest = rest.dropFirst(3)
                    continue
                }
                let c = rest.removeFirst()
                guard c.isLetter, c.isASCII else { throw KernelError("equation '\(equation)': '\(c)' is not a label") }
                labels.append(c)
            }
            return Term(labels: labels, ellipsis: ellipsis)
        }
        inputs = try parts[0].components(separatedBy: ",").map(term)
        output = parts.count == 2 ? try term(parts[1]) : nil
    }

    /// The resolved contraction: label sizes, each operand's strides per label, the output labels.
    struct Plan {
        var sizes: [Int]            // per label id
        var operandStrides: [[Int]] // per operand, per label id (0 when absent or broadcast)
        var outputLabels: [Int]     // label ids of the output, in order
        var outputShape: [Int]
        var summedLabels: [Int]
    }

    func plan(_ tensors: [Tensor]) throws -> Plan {
        guard tensors.count == inputs.count else { throw KernelError("equation has \(inputs.count) operands, found \(tensors.count) inputs") }
        // Ellipsis rank: the largest number of dimensions `...` covers in any operand.
        var ellipsisRanks: [Int] = []
        for (t, term) in zip(tensors, inputs) {
            let covered = t.rank - term.labels.count
            guard covered >= 0, term.ellipsis != nil || covered == 0 else {
                throw KernelError("operand of shape \(t.shape) does not match its term of \(term.labels.count) labels")
            }
            ellipsisRanks.append(covered)
        }
        let ellipsisRank = ellipsisRanks.max() ?? 0
        // Label ids: ellipsis dimensions first (0..<ellipsisRank), then letters (size -1 until seen).
        var ids: [Character: Int] = [:], sizes = [Int](repeating: 1, count: ellipsisRank)
        var counts: [Character: Int] = [:]
        var dimsOf: [[Int]] = []
        for (term, covered) in zip(inputs, ellipsisRanks) {
            var dims: [Int] = []  // label id per tensor dimension
            let broadcast = Array((ellipsisRank - covered)..<ellipsisRank)
            for (i, c) in term.labels.enumerated() {
                if i == term.ellipsis { dims += broadcast }
                if ids[c] == nil { ids[c] = sizes.count; sizes.append(-1) }
                dims.append(ids[c]!)
                counts[c, default: 0] += 1
            }
            if term.ellipsis == term.labels.count { dims += broadcast }
            dimsOf.append(dims)
        }
        var strides: [[Int]] = []
        for (t, dims) in zip(tensors, dimsOf) {
            var s = [Int](repeating: 0, count: sizes.count)
            var step = 1
            for d in stride(from: t.rank - 1, through: 0, by: -1) {
                let id = dims[d], n = t.shape[d]
                if id < ellipsisRank {
                    // Broadcast dimensions: 1 stretches.
                    if n != 1 {
                        guard sizes[id] == 1 || sizes[id] == n else { throw KernelError("ellipsis dimensions of \(t.shape) cannot be broadcast") }
                        sizes[id] = n
                        s[id] += step
                    }
                } else {
                    if sizes[id] < 0 { sizes[id] = n }
                    guard sizes[id] == n else {
                        let label = ids.first { $0.value == id }!.key
                        throw KernelError("label '\(label)' has sizes \(sizes[id]) and \(n)")
                    }
                    s[id] += step  // a label repeated within an operand walks its diagonal
                }
                step *= n
            }
            strides.append(s)
        }
        // Output labels.
        var outputIDs = Array(0..<ellipsisRank)
        if let output {
            outputIDs = []
            for (i, c) in output.labels.enumerated() {
                if i == output.ellipsis { outputIDs += Array(0..<ellipsisRank) }
                guard let id = ids[c] else { throw KernelError("output label '\(c)' does not occur in an operand") }
                guard !outputIDs.contains(id) else { throw KernelError("output label '\(c)' is repeated") }
                outputIDs.append(id)
            }
            if output.ellipsis == output.labels.count { outputIDs += Array(0..<ellipsisRank) }
            if output.ellipsis == nil && ellipsisRank > 0 && sizes[..<ellipsisRank].contains(where: { $0 != 1 }) {
                throw KernelError("the output needs '...' to keep the broadcast dimensions")
            }
            if output.ellipsis == nil { outputIDs.removeAll { $0 < ellipsisRank } }
        } else {
            outputIDs += counts.filter { $0.value == 1 }.keys.sorted().map { ids[$0]! }
        }
        let summed = (0..<sizes.count).filter { !outputIDs.contains($0) }
        return Plan(sizes: sizes, operandStrides: strides, outputLabels: outputIDs, outputShape: outputIDs.map { sizes[$0] }, summedLabels: summed)
    }

    func operands(_ values: [Value?]) throws -> [Tensor] {
        let tensors = try (0..<values.count).map { try Inputs.tensor(values, $0) }
        guard let first = tensors.first else { throw KernelError("Einsum needs at least one input") }
        guard first.dtype.isComputedAsFloat || first.dtype.isInteger else { throw KernelError("Einsum is not defined for \(first.dtype)") }
        for (i, t) in tensors.enumerated() where t.dtype != first.dtype {
            throw KernelError("input \(i) is \(t.dtype), the first input \(first.dtype)")
        }
        return tensors
    }

    func prepare(_ values: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let tensors = try operands(values)
        return [TensorInfo(dtype: tensors[0].dtype, shape: try plan(tensors).outputShape)]
    }

    func evaluate(_ values: [Value?], context: ExecutionContext) throws -> [Value?] {
        let tensors = try operands(values)
        let p = try plan(tensors)
        let dtype = tensors[0].dtype
        if dtype.isComputedAsFloat {
            let data = try tensors.map { try $0.doubleValues() }
            let result = Self.contract(p, data, zero: 0.0, multiply: *, add: +)
            return [.tensor(try NNSupport.tensor(result, dtype: dtype, shape: p.outputShape))]
        }
        struct Widen: IntegerVisitor {
            let t: Tensor
            func visit<T: TensorInteger>(_: T.Type) throws -> [Int64] { try t.scalars(as: T.self).map { Int64(truncatingIfNeeded: $0) } }
        }
        let data = try tensors.map { try dtype.dispatchInteger(Widen(t: $0)) }
        let result = Self.contract(p, data, zero: Int64(0), multiply: { $0 &* $1 }, add: { $0 &+ $1 })
        struct Visitor: IntegerVisitor {
            let values: [Int64], dtype: DType, shape: [Int]
            func visit<T: TensorInteger>(_: T.Type) throws -> Tensor {
                try NNSupport.build(dtype, shape, as: T.self) { p in for i in 0..<values.count { p[i] = T(truncatingIfNeeded: values[i]) } }
            }
        }
        return [.tensor(try dtype.dispatchInteger(Visitor(values: result, dtype: dtype, shape: p.outputShape)))]
    }

    /// Σ over the summed labels of Π operands, for every output position (row-major).
    static func contract<V>(_ p: Plan, _ data: [[V]], zero: V, multiply: (V, V) -> V, add: (V, V) -> V) -> [V] {
        let order = p.outputLabels + p.summedLabels
        let outCount = p.outputShape.reduce(1, *)
        let sumCount = p.summedLabels.map { p.sizes[$0] }.reduce(1, *)
        var result = [V](repeating: zero, count: outCount)
        if outCount == 0 || sumCount == 0 { return result }
        var index = [Int](repeating: 0, count: order.count)
        var offsets = [Int](repeating: 0, count: data.count)
        let dims = order.map { p.sizes[$0] }
        let steps = data.indices.map { k in order.map { p.operandStrides[k][$0] } }
        for o in 0..<outCount {
            var acc = zero
            for _ in 0..<sumCount {
                var term = data[0][offsets[0]]
                for k in 1..<data.count { term = multiply(term, data[k][offsets[k]]) }
                acc = add(acc, term)
                // Advance the odometer (summed labels are the fastest, then output labels).
                var d = order.count - 1
                while d >= 0 {
                    index[d] += 1
                    for k in data.indices { offsets[k] += steps[k][d] }
                    if index[d] < dims[d] { break }
                    for k in data.indices { offsets[k] -= steps[k][d] * dims[d] }
                    index[d] = 0
                    d -= 1
                }
            }
            result[o] = acc
        }
        return result
    }
}
