import LockstepCore

/// MATRIX_DIAG (1): `[..., N]` → `[..., N, N]` with the input on the main diagonal and zeros
/// elsewhere — google-ai-edge/LiteRT `tflite/kernels/matrix_diag.cc`. Any byte-addressable type.
struct TFLiteMatrixDiag: Kernel {
    static let registration = TFLiteOps.op("MATRIX_DIAG") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        return TFLiteMatrixDiag()
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        try TFLiteIndexing.requireRaw(x, "diagonal")
        guard let n = x.shape.last else { throw KernelError("input must have rank ≥ 1, found a scalar") }
        let rank = x.rank
        return [.tensor(try TFLiteIndexing.remap(x, to: x.shape + [n]) { index in
            guard index[rank - 1] == index[rank] else { return nil }
            var offset = 0
            for d in 0..<rank { offset = offset * x.shape[d] + index[d] }
            return offset
        })]
    }
}
