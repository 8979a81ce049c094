#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LockstepCore

/// Byte-level element moves shared by the indexing builtins (REVERSE_SEQUENCE,
/// MATRIX_DIAG, MATRIX_SET_DIAG, DYNAMIC_UPDATE_SLICE, DILATE, SCATTER_ND, SPARSE_TO_DENSE):
/// elements move by their byte width, so every byte-addressable element type works the same way.
enum TFLiteIndexing {
    /// A tensor of `x`'s type and `shape` whose element at each multi-index is `x`'s element at
    /// the flat offset `source(index)` returns, or zero bits where it returns `nil`.
    static func remap(_ x: Tensor, to shape: [Int], _ source: (UnsafeBufferPointer<Int>) throws -> Int?) throws -> Tensor {
        let n = try DataMovement.checkedCount(shape)
        return try DataMovement.withRawElements(x) { src, width in
            try DataMovement.buildRaw(x.dtype, shape: shape) { dst, _ in
                guard n > 0 else { return }
                var index = [Int](repeating: 0, count: shape.count)
                try index.withUnsafeMutableBufferPointer { idx in
                    for o in 0..<n {
                        if let s = try source(UnsafeBufferPointer(idx)), let src {
                            guard s >= 0, s < x.count else { throw KernelError("element offset \(s) is out of range for \(x.shape)") }
                            memcpy(dst + o * width, src + s * width, width)
                        }
                        var d = shape.count - 1
                        while d >= 0 {
                            idx[d] += 1
                            if idx[d] < shape[d] { break }
                            idx[d] = 0
                            d -= 1
                        }
                    }
                }
            }
        }
    }

    /// A copy of `x` (same type and shape) that `body` then changes in place through raw element
    /// pointers (`width` bytes per element).
    static func copy(_ x: Tensor, _ body: (UnsafeMutableRawPointer, Int) throws -> Void) throws -> Tensor {
        try DataMovement.withRawElements(x) { src, width in
            try DataMovement.buildRaw(x.dtype, shape: x.shape) { dst, _ in
                if let src, x.count > 0 { memcpy(dst, src, x.count * width) }
                try body(dst, width)
            }
        }
    }

    /// Throws unless `t` is a byte-addressable (non-string) tensor.
    static func requireRaw(_ t: Tensor, _ name: String) throws {
        guard t.dtype != .string, t.dtype.byteWidth != nil || DataMovement.packedBits(t.dtype) != nil else {
            throw KernelError("input '\(name)' has element type \(t.dtype), which this op does not move", unsupported: true)
        }
    }
}
