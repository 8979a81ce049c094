import LockstepCore

/// Broadcasting elementwise kernels over raw buffers (shared by ONNX and TFLite ops).
public enum Elementwise {
    /// `out[i] = f(a[i'], b[i''])` with numpy broadcasting; `a` and `b` hold `T`, the result `R`.
    public static func binary<T: BitwiseCopyable, R: BitwiseCopyable>(
        _ a: Tensor, _ b: Tensor, as: T.Type, output dtype: DType, _ f: (T, T) -> R
    ) throws -> Tensor {
        let shape = try Broadcast.shape([a.shape, b.shape])
        return try a.withElements(as: T.self) { x in
            try b.withElements(as: T.self) { y in
                try Tensor.build(dtype, shape: shape, as: R.self) { out in
                    let n = out.count
                    if a.shape == b.shape {
                        for i in 0..<n { out[i] = f(x[i], y[i]) }
                    } else if y.count == 1 {
                        let s = y[0]
                        for i in 0..<n { out[i] = f(x[i], s) }
                    } else if x.count == 1 {
                        let s = x[0]
                        for i in 0..<n { out[i] = f(s, y[i]) }
                    } else {
                        Broadcast.forEach(shape, inputs: [a.shape, b.shape]) { i, off in
                            out[i] = f(x[off[0]], y[off[1]])
                        }
                    }
                }
            }
        }
    }

    /// `out[i] = f(a[i])`.
    public static func unary<T: BitwiseCopyable, R: BitwiseCopyable>(
        _ a: Tensor, as: T.Type, output dtype: DType, _ f: (T) -> R
    ) throws -> Tensor {
        try a.withElements(as: T.self) { x in
            try Tensor.build(dtype, shape: a.shape, as: R.self) { out in
                for i in 0..<out.count { out[i] = f(x[i]) }
            }
        }
    }
}
