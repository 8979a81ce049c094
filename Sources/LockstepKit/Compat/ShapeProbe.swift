import Compatibility
import Foundation
import Interpreter
import LockstepCore

/// Shapes of the intermediate values of an ONNX model, seen by running the reference interpreter
/// on seeded random inputs. ONNX files rarely declare intermediate shapes, and rules on ranks,
/// dimensions and static shapes (TensorRT, DLA) need them. Symbolic (or unknown) input dimensions
/// are set to two different sizes in two runs (leading dimension 1 then 2, others 96 then 128);
/// a dimension that changes between the runs stays dynamic (`?`). A model the interpreter cannot
/// run gives no shapes (the rules then say `unknown`, never a silent pass).
public enum ShapeProbe {
    /// Observed element types and shapes by value name; empty when the model cannot be run.
    public static func observe(_ model: Model) -> [String: ValueFact] {
        guard model.format == .onnx, needsShapes(model.graph) else { return [:] }
        guard let session = try? Session(model: model) else { return [:] }
        let inputs = model.graph.runtimeInputs
        var symbols: [String: Bool] = [:]  // name → leading dimension
        var named: [ValueInfo] = []
        for input in inputs {
            guard case .tensor(let t, let shape) = input.type else { return [:] }
            let dims: [Shape.Dimension] = (shape?.dimensions ?? []).enumerated().map { axis, d in
                switch d {
                case .fixed: return d
                case .symbolic(let s):
                    symbols[s] = (symbols[s] ?? false) || axis == 0
                    return d
                case .unknown:
                    let s = "?\(input.name)#\(axis)"
                    symbols[s] = axis == 0
                    return .symbolic(s)
                }
            }
            named.append(ValueInfo(name: input.name, type: .tensor(elementType: t, shape: Shape(dims))))
        }
        func run(_ sizes: (leading: Int, other: Int)) -> [String: (DType, [Int])]? {
            var generator = SeededGenerator(seed: 0)
            let dims = symbols.mapValues { $0 ? sizes.leading : sizes.other }
            var feeds: [String: Value] = [:]
            for input in named {
                guard let t = try? RandomInputs.make(for: input, generator: &generator, dimensions: dims) else { return nil }
                feeds[input.name] = .tensor(t)
            }
            guard let result = try? session.run(feeds, options: RunOptions(intermediates: .all)) else { return nil }
            var out: [String: (DType, [Int])] = [:]
            for (name, value) in result.intermediates {
                if case .tensor(let t) = value { out[name] = (t.dtype, t.shape) }
            }
            for (name, value) in result.outputs {
                if case .tensor(let t)? = value { out[name] = (t.dtype, t.shape) }
            }
            return out
        }
        guard let first = run((1, 96)) else { return [:] }
        let second = symbols.isEmpty ? first : run((2, 128))
        var facts: [String: ValueFact] = [:]
        for (name, (dtype, shape)) in first {
            var dims = shape.map { Shape.Dimension.fixed($0) }
            if let other = second?[name]?.1 {
                guard other.count == shape.count else {
                    facts[name] = ValueFact(dtype: dtype, shape: nil, dtypeOrigin: "observed")
                    continue
                }
                for (axis, (a, b)) in zip(shape, other).enumerated() where a != b { dims[axis] = .unknown }
            } else if !symbols.isEmpty {
                dims = dims.map { _ in .unknown }
            }
            facts[name] = ValueFact(dtype: dtype, shape: Shape(dims), dtypeOrigin: "observed")
        }
        return facts
    }

    /// Whether some value of the main graph has no declared shape.
    static func needsShapes(_ graph: Graph) -> Bool {
        var declared = Set<String>()
        for v in graph.inputs + graph.valueInfo + graph.outputs {
            if case .tensor(_, let s?) = v.type, s.rank >= 0 { declared.insert(v.name) }
        }
        for i in graph.initializers { declared.insert(i.name) }
        return graph.nodes.contains { $0.outputs.contains { !$0.isEmpty && !declared.contains($0) } }
    }
}
