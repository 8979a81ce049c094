/// GlobalLpPool (ONNX opsets 1, 2, 22): `(Σ |x|^p)^(1/p)` over all spatial positions of each
/// `(n, c)`, `p` default 2 (a FLOAT in opset 1), output `[N, C, 1, …]`.
enum GlobalLpPool {
    static let registration = OpRegistration("GlobalLpPool", versions: 1...Int.max) { context in
        let p = try context.attributes.float("p", default: 2)
        guard p > 0 else { throw KernelError("attribute 'p' must be positive, found \(p)") }
        return GlobalPoolKernel(kind: .lp(Double(p)))
    }
}
