import Foundation
import LockstepCore
import ZIPFoundation

/// Reading and writing numpy `.npz` archives (`np.savez`, `np.savez_compressed`): a ZIP file
/// whose entries are `.npy` files named `<array name>.npy`.
///
/// Reading defends against hostile archives: entry names that are absolute or contain a `..`
/// component are rejected; each entry's `.npy` header is read first and the entry is refused
/// unless its declared uncompressed size is exactly what the header's shape and dtype need, so
/// nothing is decompressed or allocated beyond what the header promises (zip bombs); the
/// declared size is also bounded by the compressed size (deflate cannot expand more than
/// ~1032:1), which bounds memory use by the archive's size on disk.
public enum Npz {
    /// Reads every array of the archive at `path`, in archive order, named as numpy names them
    /// (entry name without the `.npy` suffix). Directory entries are skipped.
    /// - Throws: `TensorIOError` with a message `<path>: <reason>` (entry problems read
    ///   `<path>: entry '<name>': <reason>`).
    public static func read(path: String) throws -> [(name: String, tensor: Tensor)] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TensorIOError.cannotRead(path: path, reason: "no such file")
        }
        if isDirectory.boolValue { throw TensorIOError.cannotRead(path: path, reason: "is a directory") }
        let archiveSize = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.uint64Value ?? 0

        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw TensorIOError.invalidFile(path: path, reason: "not a valid .npz (ZIP) archive (\(error))")
        }
        var result: [(name: String, tensor: Tensor)] = []
        var seen = Set<String>()
        for entry in archive {
            let entryName = entry.path
            func fail(_ reason: String) -> TensorIOError {
                .invalidFile(path: path, reason: "entry '\(entryName)': \(reason)")
            }
            if entry.type == .directory { continue }
            guard isSafeEntryName(entryName) else {
                throw fail("unsafe entry name (absolute or containing '..')")
            }
            guard entry.type == .file else { throw fail("is a symbolic link, not a .npy file") }
            guard entryName.hasSuffix(".npy") else {
                throw TensorIOError.unsupported(path: path, reason: "entry '\(entryName)' is not a .npy file")
            }
            let name = String(entryName.dropLast(4))
            guard seen.insert(name).inserted else { throw fail("duplicate entry") }
            do {
                let tensor = try readEntry(entry, of: archive, archiveSize: archiveSize)
                result.append((name: name, tensor: tensor))
            } catch let failure as NpyFailure {
                throw failure.error(path: path, context: "entry '\(entryName)'")
            }
        }
        return result
    }

    /// Writes `arrays` as an `.npz` archive, entries in the given order, each named
    /// `<name>.npy` and encoded as `Npy.write` would. `compressed` deflates the entries like
    /// `np.savez_compressed`; otherwise they are stored like `np.savez`.
    ///
    /// The archive is written to a temporary name in the same directory and moved into place.
    /// - Parameter overwrite: when `false` (the default) an existing file at `path` is never
    ///   replaced and `TensorIOError.fileExists` is thrown.
    /// - Throws: `TensorIOError` for invalid or duplicate names, dtypes numpy cannot represent,
    ///   an existing file, or write failures. Nothing is created when encoding fails.
    public static func write(_ arrays: [(name: String, tensor: Tensor)], to path: String, compressed: Bool,
                             overwrite: Bool = false) throws {
        var encoded: [(entry: String, npy: NpyEncoded)] = []
        var seen = Set<String>()
        for (name, tensor) in arrays {
            let entry = name + ".npy"
            guard !name.isEmpty, !name.contains("\0"), isSafeEntryName(entry) else {
                throw TensorIOError.unsupported(path: path, reason: "array name '\(name)' cannot be an archive entry "
                    + "(empty, absolute, or containing '..' or NUL)")
            }
            guard seen.insert(name).inserted else {
                throw TensorIOError.unsupported(path: path, reason: "duplicate array name '\(name)'")
            }
            do {
                encoded.append((entry, try NpyEncoded(tensor)))
            } catch {
                throw error.error(path: path, context: "array '\(name)'")
            }
        }
        // A fixed time stamp keeps archives reproducible (numpy uses the current time).
        let timestamp = Date(timeIntervalSince1970: 315_532_800)  // 1980-01-01, the ZIP epoch
        try AtomicFileWriter.write(to: path, overwrite: overwrite, producePath: { temporary in
            do {
                let archive = try Archive(url: URL(fileURLWithPath: temporary), accessMode: .create)
                for (entry, npy) in encoded {
                    let header = npy.header
                    let total = npy.totalCount
                    try archive.addEntry(with: entry, type: .file, uncompressedSize: Int64(total),
                                         modificationDate: timestamp,
                                         compressionMethod: compressed ? .deflate : .none) { position, size in
                        Self.chunk(of: npy, header: header, from: Int(position), count: size)
                    }
                }
            } catch let error as TensorIOError {
                throw error
            } catch {
                throw TensorIOError.cannotWrite(path: path, reason: "cannot write the ZIP archive (\(error))")
            }
        })
    }

    // MARK: - Internals

    /// Deflate's maximum expansion is about 1032:1; anything claiming more is lying.
    private static let maxDeflateRatio: UInt64 = 1032

    /// True for relative entry names without `..` components.
    static func isSafeEntryName(_ name: String) -> Bool {
        if name.hasPrefix("/") || name.hasPrefix("\\") { return false }
        let components = name.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        return !components.contains("..")
    }

    private struct StopReading: Error {}

    private static func readEntry(_ entry: Entry, of archive: Archive, archiveSize: UInt64) throws -> Tensor {
        let declared = entry.uncompressedSize
        if entry.isCompressed {
            let bound = entry.compressedSize.multipliedReportingOverflow(by: maxDeflateRatio)
            if bound.overflow || declared > bound.partialValue + 1024 {
                throw NpyFailure.invalid("declares \(declared) uncompressed bytes from \(entry.compressedSize) "
                    + "compressed bytes, more than deflate can produce (refusing to extract)")
            }
        } else if declared != entry.compressedSize {
            throw NpyFailure.invalid("stored entry declares \(declared) bytes but holds \(entry.compressedSize)")
        }
        if archiveSize > 0 && entry.compressedSize > archiveSize {
            throw NpyFailure.invalid("declares \(entry.compressedSize) compressed bytes, more than the archive holds")
        }
        guard declared <= UInt64(Int.max) else { throw NpyFailure.invalid("declared size \(declared) is too large") }
        let size = Int(declared)

        // 1. Decompress just enough to parse the .npy header.
        var head: [UInt8] = []
        var wanted = 12
        do {
            _ = try archive.extract(entry, skipCRC32: true) { chunk in
                head.append(contentsOf: chunk)
                if head.count >= 10 && head.starts(with: NpyHeader.magic) {
                    let major = head[6]
                    let prefix = NpyHeader.prefixLength(major: major)
                    if head.count >= prefix {
                        var length = 0
                        for i in stride(from: prefix - 1, through: 8, by: -1) { length = length << 8 | Int(head[i]) }
                        wanted = prefix + length
                    }
                }
                if head.count >= wanted || head.count >= size { throw StopReading() }
            }
        } catch is StopReading {
        } catch {
            throw NpyFailure.invalid("cannot extract (\(error))")
        }
        let header = try head.withUnsafeBytes { (bytes) throws(NpyFailure) -> NpyHeader in
            try NpyHeader.parse(UnsafeRawBufferPointer(rebasing: bytes.prefix(size)))
        }

        // 2. The entry must be exactly header + data; refuse before allocating anything else.
        let needed = try header.dataByteCount()
        let total = try header.totalByteCount()
        if size < total {
            throw NpyFailure.invalid("data is truncated: shape \(NpyHeader.pythonShape(header.shape)) of "
                + "\(header.descr.displayName) needs \(needed) bytes, found \(size - header.dataOffset)")
        }
        if size > total {
            throw NpyFailure.invalid("declares \(size) uncompressed bytes but its .npy header describes \(total) "
                + "(refusing to extract)")
        }

        // 3. Decompress into one aligned buffer, never writing past the declared size.
        let raw: TensorStorage
        do {
            raw = try TensorStorage(byteCount: size) { buffer in
                var offset = 0
                // The consumer form of `extract` returns the CRC32 but does not compare it.
                let checksum = try archive.extract(entry) { chunk in
                    guard chunk.count <= buffer.count - offset else { throw StopReading() }
                    chunk.withUnsafeBytes { source in
                        UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + source.count)])
                            .copyMemory(from: source)
                    }
                    offset += chunk.count
                }
                guard offset == size else {
                    throw NpyFailure.invalid("decompressed to \(offset) bytes, the entry declares \(size)")
                }
                guard checksum == entry.checksum else { throw Archive.ArchiveError.invalidCRC32 }
            }
        } catch is StopReading {
            throw NpyFailure.invalid("decompresses to more than the \(size) bytes it declares (refusing to extract)")
        } catch let failure as NpyFailure {
            throw failure
        } catch Archive.ArchiveError.invalidCRC32 {
            throw NpyFailure.invalid("CRC32 checksum mismatch: the entry is corrupt")
        } catch {
            throw NpyFailure.invalid("cannot extract (\(error))")
        }
        let data = UnsafeRawBufferPointer(rebasing: raw.bytes[header.dataOffset..<total])
        return try Npy.tensor(header: header, data: data, owner: raw)
    }

    /// Bytes `[position, position + count)` of the `.npy` image `header ++ data`.
    private static func chunk(of npy: NpyEncoded, header: [UInt8], from position: Int, count: Int) -> Data {
        var out = Data(capacity: count)
        var position = position
        var remaining = count
        if position < header.count {
            let n = min(remaining, header.count - position)
            out.append(contentsOf: header[position..<(position + n)])
            position += n
            remaining -= n
        }
        if remaining > 0 {
            npy.withDataBytes { data in
                let start = position - header.count
                let n = min(remaining, data.count - start)
                if n > 0 { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: data[start..<(start + n)])) }
            }
        }
        return out
    }
}
