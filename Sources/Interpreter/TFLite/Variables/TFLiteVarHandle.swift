import LockstepCore

/// VAR_HANDLE (version 1): the resource id of the variable named by `container` and
/// `shared_name`, as an int32 scalar (LiteRT stores the id in the resource tensor the same way).
/// One id per name in a run's state, shared by all subgraphs.
struct TFLiteVarHandle: Kernel {
    static let registration = TFLiteOps.op("VAR_HANDLE") { context in
        let a = context.attributes
        return TFLiteVarHandle(container: try a.string("container") ?? "", sharedName: try a.string("shared_name") ?? "")
    }

    let container: String
    let sharedName: String

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let id = context.state.resourceID(container: container, sharedName: sharedName)
        return [.tensor(try Tensor(dtype: .int32, shape: [], values: [id]))]
    }
}

extension TFLiteVarHandle {
    /// The resource id held by a resource tensor.
    static func id(_ inputs: [Value?], _ index: Int) throws -> Int32 {
        let t = try Inputs.tensor(inputs, index, name: "resource")
        guard t.dtype == .int32, t.count == 1 else { throw KernelError("input \(index) is not a resource handle (found \(t.dtype) \(t.shape))") }
        return try t.scalars(as: Int32.self)[0]
    }
}
