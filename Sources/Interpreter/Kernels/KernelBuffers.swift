import Foundation
import LockstepCore

/// A tensor's elements as a plain pointer, for loops that must not run inside a closure (a
/// per-element function captured by a closure that is not inlined is called indirectly for
/// every element). Unaligned storage (a view at an odd file offset) is read through an aligned
/// copy. Keep the `ElementReader` (and the tensor) alive while using `pointer`, e.g. with
/// `withExtendedLifetime`.
public struct ElementReader<T: BitwiseCopyable> {
    public let pointer: UnsafePointer<T>
    public let count: Int
    private let copy: OutputBuffer<T>?
    private let storage: TensorStorage

    public init(_ tensor: Tensor, as: T.Type) throws {
        guard let width = tensor.dtype.byteWidth, width == MemoryLayout<T>.stride else {
            throw KernelError("internal error: cannot read \(tensor.dtype) elements as \(T.self)")
        }
        storage = tensor.storage
        count = tensor.count
        if count > 0, let base = tensor.storage.bytes.baseAddress {
            if Int(bitPattern: base) % MemoryLayout<T>.alignment == 0 {
                pointer = base.assumingMemoryBound(to: T.self)
                copy = nil
            } else {
                let buffer = OutputBuffer<T>(count: count)
                UnsafeMutableRawPointer(buffer.pointer).copyMemory(from: base, byteCount: count * MemoryLayout<T>.stride)
                pointer = UnsafePointer(buffer.pointer)
                copy = buffer
            }
        } else {
            // Empty tensors: a valid pointer that is never read.
            let buffer = OutputBuffer<T>(count: 0)
            pointer = UnsafePointer(buffer.pointer)
            copy = buffer
        }
    }
}

/// An uninitialised, 64-byte aligned buffer a kernel fills once and then hands to a tensor
/// without copying (the tensor's storage keeps the buffer alive). Unlike `Tensor.build`, the
/// filling loop runs in the caller, not inside a closure, and the memory is not zeroed first.
///
/// Large buffers come from and go back to `BufferPool`, so a model run over and over reuses the
/// same memory instead of faulting fresh pages in for every intermediate tensor.
public final class OutputBuffer<T: BitwiseCopyable>: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<T>
    public let count: Int
    private let byteCount: Int

    public init(count: Int) {
        self.count = count
        byteCount = max(count * MemoryLayout<T>.stride, 1)
        pointer = BufferPool.allocate(byteCount: byteCount).bindMemory(to: T.self, capacity: max(count, 1))
    }

    deinit { BufferPool.release(UnsafeMutableRawPointer(pointer), byteCount: byteCount) }

    /// A buffer for the elements of a `dtype` tensor of `shape` (`T` must be its storage type).
    public convenience init(_ dtype: DType, shape: [Int]) throws {
        guard let count = Shape.elementCount(shape), dtype.storageBytes(count: count) != nil else {
            throw KernelError("output shape \(shape) is invalid or too large")
        }
        guard dtype.byteWidth == MemoryLayout<T>.stride else { throw KernelError("internal error: \(T.self) cannot hold \(dtype)") }
        self.init(count: count)
    }

    /// The filled buffer as a tensor (no copy). Every element must have been written.
    public func tensor(_ dtype: DType, shape: [Int]) throws -> Tensor {
        let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(pointer), count: count * MemoryLayout<T>.stride)
        return try Tensor(dtype: dtype, shape: shape, storage: TensorStorage(viewing: bytes, owner: self))
    }
}

/// A process-wide cache of large, 64-byte aligned kernel buffers (`OutputBuffer`).
///
/// Every inference allocates and frees the same intermediate sizes again; through `malloc`
/// buffers this large are fresh `mmap`s (or trimmed heap) whose pages the kernel must zero and
/// map on first touch, which cost about a tenth of a PP-OCR run. Freed buffers of at least
/// `minimumBytes` are kept here by size (rounded up to whole pages) up to `capacityBytes` in
/// total and handed out again for the same size class. Contents are not cleared: an
/// `OutputBuffer` is uninitialised by contract.
public enum BufferPool {
    /// Smaller buffers go straight to `malloc`, which recycles them well.
    public static let minimumBytes = 64 << 10
    /// Most bytes kept free at any time; beyond it released buffers are freed.
    public static let capacityBytes = 128 << 20
    static let page = 4096

    struct State {
        /// Free buffers by size class, as addresses.
        var free: [Int: [UInt]] = [:]
        var bytes = 0
    }

    /// The free lists behind a lock (NSLock: `Synchronization.Mutex` needs macOS 15).
    final class Locked: @unchecked Sendable {
        private let lock = NSLock()
        private var value = State()

        func withLock<R>(_ body: (inout State) -> R) -> R {
            lock.lock()
            defer { lock.unlock() }
            return body(&value)
        }
    }

    static let state = Locked()

    /// Size class of a request: whole pages.
    @inline(__always) static func sizeClass(_ byteCount: Int) -> Int { (byteCount + page - 1) / page * page }

    /// 64-byte aligned memory for `byteCount` bytes.
    public static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        guard byteCount >= minimumBytes else { return .allocate(byteCount: byteCount, alignment: 64) }
        let size = sizeClass(byteCount)
        let reused = state.withLock { s -> UInt? in
            guard let p = s.free[size]?.popLast() else { return nil }
            s.bytes -= size
            return p
        }
        return reused.flatMap { UnsafeMutableRawPointer(bitPattern: $0) } ?? .allocate(byteCount: size, alignment: 64)
    }

    /// Returns memory from `allocate(byteCount:)` (with the same `byteCount`).
    public static func release(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        guard byteCount >= minimumBytes else { return pointer.deallocate() }
        let size = sizeClass(byteCount)
        let address = UInt(bitPattern: pointer)
        let kept = state.withLock { s -> Bool in
            guard s.bytes + size <= capacityBytes else { return false }
            s.free[size, default: []].append(address)
            s.bytes += size
            return true
        }
        if !kept { pointer.deallocate() }
    }

    /// Frees every cached buffer (memory goes back to the allocator).
    public static func drain() {
        let all = state.withLock { s -> [UInt] in
            let all = s.free.values.flatMap { $0 }
            s.free = [:]
            s.bytes = 0
            return all
        }
        for address in all { UnsafeMutableRawPointer(bitPattern: address)?.deallocate() }
    }

    /// Bytes currently cached.
    public static var cachedBytes: Int { state.withLock { $0.bytes } }
}
