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
public final class OutputBuffer<T: BitwiseCopyable>: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<T>
    public let count: Int

    public init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count * MemoryLayout<T>.stride, 1), alignment: 64)
        pointer = raw.bindMemory(to: T.self, capacity: max(count, 1))
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

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
