#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Immutable, contiguous, little-endian bytes of a tensor.
///
/// Storage either owns an aligned heap allocation or is a *view* into memory something else
/// keeps alive (a memory-mapped file, an unpacked protobuf message). Views are how large
/// weights reach the IR without a second copy.
public final class TensorStorage: @unchecked Sendable {
    /// The bytes. Valid for the lifetime of this object.
    public let bytes: UnsafeRawBufferPointer
    private let owner: AnyObject?
    private let allocation: UnsafeMutableRawPointer?

    /// Copies `source` into a fresh 64-byte aligned allocation.
    public init(copying source: UnsafeRawBufferPointer) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(source.count, 1), alignment: 64)
        if source.count > 0, let base = source.baseAddress {
            buffer.baseAddress!.copyMemory(from: base, byteCount: source.count)
        }
        bytes = UnsafeRawBufferPointer(start: buffer.baseAddress, count: source.count)
        owner = nil
        allocation = buffer.baseAddress
    }

    public convenience init(copying array: [UInt8]) {
        self.init(copying: array.withUnsafeBytes { $0 })
    }

    /// Allocates `byteCount` zeroed bytes and lets `fill` write them once.
    public init(byteCount: Int, fill: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        let used = UnsafeMutableRawBufferPointer(start: buffer.baseAddress, count: byteCount)
        do { try fill(used) } catch { buffer.deallocate(); throw error }
        bytes = UnsafeRawBufferPointer(used)
        owner = nil
        allocation = buffer.baseAddress
    }

    /// A view of `bytes` that stays valid while `owner` is alive. No copy is made.
    public init(viewing bytes: UnsafeRawBufferPointer, owner: AnyObject) {
        self.bytes = bytes
        self.owner = owner
        allocation = nil
    }

    /// True when the bytes live in memory owned by another object (a mapped file, a parsed message).
    public var isView: Bool { allocation == nil }

    deinit { allocation?.deallocate() }
}

/// A read-only memory mapping of a whole file. Empty files map to an empty buffer.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let bytes: UnsafeRawBufferPointer
    private let mapped: Bool

    /// Maps `path` read-only. Throws `CoreError.cannotRead` when the file is missing, not a
    /// regular file, or cannot be mapped.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CoreError.cannotRead(path: path, reason: CoreError.errnoText(errno)) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw CoreError.cannotRead(path: path, reason: CoreError.errnoText(errno)) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw CoreError.cannotRead(path: path, reason: "not a regular file")
        }
        let size = Int(info.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            mapped = false
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw CoreError.cannotRead(path: path, reason: "cannot map file: " + CoreError.errnoText(errno))
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
        mapped = true
    }

    deinit {
        if mapped, let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }

    /// A zero-copy storage view of `range` of this file; the storage keeps the mapping alive.
    public func storage(range: Range<Int>) -> TensorStorage {
        TensorStorage(viewing: UnsafeRawBufferPointer(rebasing: bytes[range]), owner: self)
    }
}
