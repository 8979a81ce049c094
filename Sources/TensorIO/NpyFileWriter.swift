#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file under a temporary name in the destination directory and renames it into
/// place, so readers never see a half-written file and — unless `overwrite` — an existing
/// file (a user's golden tensor) is never replaced.
enum AtomicFileWriter {
    /// A file being written.
    struct Output {
        let fd: Int32
        let path: String

        /// Writes all of `bytes`, retrying short writes.
        func write(_ bytes: UnsafeRawBufferPointer) throws {
            guard var base = bytes.baseAddress else { return }
            var remaining = bytes.count
            while remaining > 0 {
                let n = posixWrite(fd, base, min(remaining, 1 << 30))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw TensorIOError.cannotWrite(path: path, reason: errnoText(errno))
                }
                remaining -= n
                base += n
            }
        }

        func write(_ bytes: [UInt8]) throws {
            try bytes.withUnsafeBytes { try write($0) }
        }
    }

    /// Creates `path` through `produce`, which writes the content to the `Output` it is given.
    static func write(to path: String, overwrite: Bool, produce: (Output) throws -> Void) throws {
        try write(to: path, overwrite: overwrite, producePath: { temporary in
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            guard fd >= 0 else { throw TensorIOError.cannotWrite(path: path, reason: errnoText(errno)) }
            var closed = false
            defer { if !closed { close(fd) } }
            try produce(Output(fd: fd, path: path))
            closed = true
            guard close(fd) == 0 else { throw TensorIOError.cannotWrite(path: path, reason: errnoText(errno)) }
        })
    }

    /// Creates `path` through `producePath`, which must create the (not yet existing) file at the
    /// temporary path it is given.
    static func write(to path: String, overwrite: Bool, producePath: (String) throws -> Void) throws {
        var claimed = false
        if !overwrite {
            // Claim the name atomically: fails when anything (file, directory, symlink) is there.
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if fd < 0 {
                if errno == EEXIST { throw TensorIOError.fileExists(path: path) }
                throw TensorIOError.cannotWrite(path: path, reason: errnoText(errno))
            }
            close(fd)
            claimed = true
        }
        let temporary = temporaryPath(for: path)
        do {
            try producePath(temporary)
            guard rename(temporary, path) == 0 else {
                throw TensorIOError.cannotWrite(path: path, reason: errnoText(errno))
            }
        } catch {
            unlink(temporary)
            if claimed { unlink(path) }
            throw error
        }
    }

    private static func temporaryPath(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(directory).\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
    }

    static func errnoText(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file or directory"
        case EACCES: return "permission denied"
        case EISDIR: return "is a directory"
        case ENOSPC: return "no space left on device"
        default: return String(cString: strerror(code))
        }
    }
}

@inline(__always)
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
