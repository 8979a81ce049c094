import LockstepCore

/// Where (opsets 9, 16): X where `condition` is true, else Y, with numpy broadcasting of all
/// three inputs. X and Y share any element type (numbers, bool, string, complex); elements are
/// copied bit for bit (NaN payloads and −0 survive). Opset 16 adds bfloat16.
struct WhereKernel: Kernel {
    static let registration = OpRegistration("Where", versions: 9...Int.max) { context in
        try OpCheck.arity(context, inputs: 3...3)
        return WhereKernel()
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let c = try Inputs.tensor(inputs, 0, name: "condition")
        let x = try Inputs.tensor(inputs, 1, name: "X"), y = try Inputs.tensor(inputs, 2, name: "Y")
        try OpCheck.type(c, "condition", [.bool])
        try OpCheck.sameType(x, "X", y, "Y")
        guard x.dtype == .string || (x.dtype.byteWidth ?? 0) > 0 else {
            throw KernelError("input 'X': element type \(x.dtype) is not supported")
        }
        return [TensorInfo(dtype: x.dtype, shape: try Broadcast.shape([c.shape, x.shape, y.shape]))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let c = try Inputs.tensor(inputs, 0, name: "condition")
        let x = try Inputs.tensor(inputs, 1, name: "X"), y = try Inputs.tensor(inputs, 2, name: "Y")
        if x.dtype == .string {
            let shapes = [c.shape, x.shape, y.shape]
            var out: [[UInt8]] = []
            out.reserveCapacity(Shape.elementCount(try Broadcast.shape(shapes)) ?? 0)
            try c.withElements(as: UInt8.self) { cond in
                try Elementwise.forEachBroadcast(shapes) { _, k in out.append(cond[k[0]] != 0 ? x.strings[k[1]] : y.strings[k[2]]) }
            }
            return [.tensor(try Tensor(strings: out, shape: try Broadcast.shape(shapes)))]
        }
        switch x.dtype.byteWidth {
        case 1: return [.tensor(try select(c, x, y, as: UInt8.self))]
        case 2: return [.tensor(try select(c, x, y, as: UInt16.self))]
        case 4: return [.tensor(try select(c, x, y, as: UInt32.self))]
        case 8: return [.tensor(try select(c, x, y, as: UInt64.self))]
        case 16: return [.tensor(try select(c, x, y, as: SIMD2<UInt64>.self))]
        default: throw KernelError("input 'X': element type \(x.dtype) is not supported")
        }
    }

    private func select<T: BitwiseCopyable>(_ c: Tensor, _ x: Tensor, _ y: Tensor, as: T.Type) throws -> Tensor {
        try Elementwise.ternary(c, x, y, as: UInt8.self, T.self, T.self, output: x.dtype) { $0 != 0 ? $1 : $2 }
    }
}
