import CSIMD
import Dispatch
import Foundation
import LockstepCore

/// A float32 matrix packed once for `lockstep_gemm_f32` (Sources/CSIMD/include/lockstep_gemm.h):
/// the left operand of `C = A · B`, typically convolution weights, packed when a session is
/// compiled and reused by every run. The right operand is read in place through one pointer per
/// row, so a convolution multiplies its weights with rows of the input, of a zero-padded plane at
/// a tap's offset, or of an im2col band without copying them.
///
/// Every output is the chain of fused multiply-adds over `k` in order from zero (then `+ bias`),
/// in every variant (portable `fmaf`, AVX2 + FMA, AVX-512) and however the columns are split
/// across threads: results do not depend on the CPU or the thread count.
public final class PackedMatrix: @unchecked Sendable {
    /// Rows (`m`) and columns (`k`) of the matrix.
    public let rows: Int
    public let columns: Int
    let storage: UnsafeMutablePointer<Float>

    /// Packs the row-major `rows × columns` matrix at `a` (row stride `rowStride`).
    public init(_ a: UnsafePointer<Float>, rows: Int, columns: Int, rowStride: Int) {
        self.rows = rows
        self.columns = columns
        storage = .allocate(capacity: max(1, lockstep_gemm_packed_count(rows, columns)))
        lockstep_gemm_pack(a, rowStride, rows, columns, storage)
    }

    deinit { storage.deallocate() }

    /// `c[i·ldc + j] = Σ_q A[i][q] · b[q][j] (+ bias[i])` for `j` in `0 ..< n`; `b` holds one
    /// pointer per row of B (`columns` of them). Large products split their columns over
    /// `GEMM.threads` threads.
    public func multiply(_ b: UnsafePointer<UnsafePointer<Float>>, n: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
                         bias: UnsafePointer<Float>?) {
        guard rows > 0, n > 0 else { return }
        b.withMemoryRebound(to: UnsafePointer<Float>?.self, capacity: max(1, columns)) { b in
            let threads = GEMM.threads
            let work = rows * n * max(1, columns)
            // Chunks of whole 32-column tiles; small products stay on the calling thread.
            let chunks = threads > 1 && work >= 1 << 22 ? min(threads * 4, (n + 31) / 32) : 1
            if chunks <= 1 {
                lockstep_gemm_f32(storage, rows, columns, b, 0, n, c, ldc, bias)
                return
            }
            let tiles = (n + 31) / 32
            // Each chunk writes its own columns of C; the pointers cross threads for this call only.
            let call = UnsafeCall(storage: storage, rows: rows, columns: columns, b: b, c: c, ldc: ldc, bias: bias)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let j0 = min(n, tiles * chunk / chunks * 32), j1 = min(n, tiles * (chunk + 1) / chunks * 32)
                lockstep_gemm_f32(call.storage, call.rows, call.columns, call.b, j0, j1, call.c, call.ldc, call.bias)
            }
        }
    }

    /// `multiply` with B packed once (`PackedColumns`, a constant right operand such as MatMul
    /// weights): each 32-column strip of B is read sequentially instead of through `columns`
    /// rows far apart. Same outputs, bit for bit, as `multiply` over B's rows.
    public func multiply(_ b: PackedColumns, c: UnsafeMutablePointer<Float>, ldc: Int, bias: UnsafePointer<Float>?) {
        precondition(b.rows == columns, "PackedColumns has \(b.rows) rows, the left operand \(columns) columns")
        guard rows > 0, b.columns > 0 else { return }
        let strips = b.strips
        let threads = GEMM.threads
        let chunks = threads > 1 && rows * b.columns * max(1, columns) >= 1 << 22 ? min(threads * 4, strips) : 1
        let call = UnsafeStripCall(storage: storage, rows: rows, columns: columns, b: b.storage, n: b.columns, c: c, ldc: ldc, bias: bias)
        if chunks <= 1 {
            call.run(strips: 0..<strips)
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            call.run(strips: (strips * chunk / chunks)..<(strips * (chunk + 1) / chunks))
        }
    }

    /// `multiply` with B's rows `k` at `base + k · rowStride`.
    public func multiply(_ base: UnsafePointer<Float>, rowStride: Int, n: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
                         bias: UnsafePointer<Float>?) {
        withUnsafeTemporaryAllocation(of: UnsafePointer<Float>.self, capacity: max(1, columns)) { b in
            for q in 0..<columns { b[q] = base + q * rowStride }
            multiply(UnsafePointer(b.baseAddress!), n: n, c: c, ldc: ldc, bias: bias)
        }
    }
}

/// A float32 right operand `B [rows, columns]` of `PackedMatrix.multiply` packed once (a
/// constant: MatMul weights), in strips of `PackedColumns.width` columns: strip `s` holds rows
/// `0 ..< rows` of columns `s·width ..< (s+1)·width` one after the other, so the GEMM streams
/// each strip from memory in order (read in place, the rows of a wide B are `columns` floats
/// apart and every strip touches `rows` distant cache lines).
public final class PackedColumns: @unchecked Sendable {
    /// Columns per strip: the register tile's width in every `lockstep_gemm_f32` variant (AVX-512
    /// tiles are 32 columns, AVX2 two 16-column tiles, portable one column at a time).
    public static let width = 32
    public let rows: Int
    public let columns: Int
    let storage: UnsafeMutablePointer<Float>

    var strips: Int { (columns + Self.width - 1) / Self.width }

    /// Packs the row-major `rows × columns` matrix at `b` (row stride `rowStride`); the last
    /// strip's columns past `columns` are zero and never stored.
    public init(_ b: UnsafePointer<Float>, rows: Int, columns: Int, rowStride: Int) {
        self.rows = rows
        self.columns = columns
        let w = Self.width, strips = (columns + w - 1) / w
        storage = .allocate(capacity: max(1, strips * rows * w))
        for s in 0..<strips {
            let j0 = s * w, count = min(w, columns - j0)
            for q in 0..<rows {
                let dst = storage + (s * rows + q) * w
                dst.update(from: b + q * rowStride + j0, count: count)
                if count < w { (dst + count).initialize(repeating: 0, count: w - count) }
            }
        }
    }

    /// Packs a constant float32 matrix (rank 2), or nil when the tensor is not one.
    public static func packing(_ b: Tensor) -> PackedColumns? {
        guard b.dtype == .float32, b.rank == 2, b.count > 0 else { return nil }
        let (rows, columns) = (b.shape[0], b.shape[1])
        return try? b.withElements(as: Float.self) { buffer in
            PackedColumns(buffer.baseAddress!, rows: rows, columns: columns, rowStride: columns)
        }
    }

    deinit { storage.deallocate() }
}

/// Which `PackedMatrix` variant runs, and whether float32 convolutions use it.
public enum PackedGEMM {
    public enum Level: Int, Sendable, CaseIterable, CustomStringConvertible {
        case portable = 0
        case avx2 = 1
        case avx512 = 2

        public var description: String {
            switch self {
            case .portable: return "portable"
            case .avx2: return "avx2"
            case .avx512: return "avx512"
            }
        }
    }

    /// The variant in use (starts at the best the CPU runs).
    public static var level: Level {
        get { Level(rawValue: Int(lockstep_gemm_level())) ?? .portable }
        set { lockstep_gemm_set_level(Int32(newValue.rawValue)) }
    }

    /// The variants this CPU runs, portable first.
    public static var available: [Level] { Level.allCases.filter { $0.rawValue <= Int(lockstep_gemm_best_level()) } }

    /// True when float32 convolutions run on `PackedMatrix`. On x86-64 that needs FMA (AVX2):
    /// the portable variant's `fmaf` is a slow library call there, so CPUs without it keep
    /// OpenBLAS. Elsewhere (arm64) `fmaf` is one instruction.
    public static var isEnabled: Bool {
        #if arch(x86_64)
        return lockstep_gemm_best_level() >= 1
        #else
        return true
        #endif
    }
}

/// The arguments of one `lockstep_gemm_f32` call shared by the threads that split its columns.
private struct UnsafeCall: @unchecked Sendable {
    let storage: UnsafeMutablePointer<Float>
    let rows: Int, columns: Int
    let b: UnsafePointer<UnsafePointer<Float>?>
    let c: UnsafeMutablePointer<Float>
    let ldc: Int
    let bias: UnsafePointer<Float>?
}

/// The arguments of one `PackedMatrix.multiply(_: PackedColumns, …)`, shared by the threads
/// that split its strips.
private struct UnsafeStripCall: @unchecked Sendable {
    let storage: UnsafeMutablePointer<Float>
    let rows: Int, columns: Int
    let b: UnsafeMutablePointer<Float>
    let n: Int
    let c: UnsafeMutablePointer<Float>
    let ldc: Int
    let bias: UnsafePointer<Float>?

    /// Strips `range` of C: one `lockstep_gemm_f32` call per strip, B's rows inside the strip.
    func run(strips range: Range<Int>) {
        let w = PackedColumns.width
        withUnsafeTemporaryAllocation(of: UnsafePointer<Float>?.self, capacity: max(1, columns)) { pointers in
            let rowsOfB = pointers.baseAddress!
            for s in range {
                let strip = b + s * columns * w
                for q in 0..<columns { rowsOfB[q] = UnsafePointer(strip + q * w) }
                let j0 = s * w
                lockstep_gemm_f32(storage, rows, columns, rowsOfB, 0, min(w, n - j0), c + j0, ldc, bias)
            }
        }
    }
}
