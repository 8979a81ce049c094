#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LockstepCore

/// MATRIX_SET_DIAG (1): the input `[..., M, N]` with its main diagonal replaced by `diagonal`
/// `[..., min(M, N)]` — google-ai-edge/LiteRT `tflite/kernels/matrix_set_diag.cc`. Any
/// byte-addressable type (both inputs one type).
struct TFLiteMatrixSetDiag: Kernel {
    static let registration = TFLiteOps.op("MATRIX_SET_DIAG") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        return TFLiteMatrixSetDiag()
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, diag) = try Inputs.two(inputs)
        try TFLiteIndexing.requireRaw(x, "input")
        try TFLiteSupport.requireType(diag, "diagonal", x.dtype)
        guard x.rank >= 2 else { throw KernelError("input must have rank ≥ 2, found shape \(x.shape)") }
        let m = x.shape[x.rank - 2], n = x.shape[x.rank - 1], k = min(m, n)
        let batches = x.shape.dropLast(2).reduce(1, *)
        guard diag.shape == Array(x.shape.dropLast(2)) + [k] else {
            throw KernelError("diagonal \(diag.shape) must have shape \(Array(x.shape.dropLast(2)) + [k])")
        }
        return [.tensor(try DataMovement.withRawElements(diag) { d, _ in
            try TFLiteIndexing.copy(x) { dst, width in
                guard let d else { return }
                for b in 0..<batches {
                    for i in 0..<k { memcpy(dst + ((b * m + i) * n + i) * width, d + (b * k + i) * width, width) }
                }
            }
        })]
    }
}
