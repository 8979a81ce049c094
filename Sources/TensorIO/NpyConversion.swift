import LockstepCore

/// Reordering, byte swapping and string decoding of .npy data into Lockstep's layout
/// (contiguous, little-endian, row-major).
enum NpyConversion {
    /// True when data in Fortran order with this shape is laid out differently from C order
    /// (at least two dimensions larger than 1).
    static func needsTranspose(shape: [Int], fortranOrder: Bool) -> Bool {
        fortranOrder && shape.filter { $0 > 1 }.count > 1
    }

    /// Calls `body(sourceIndex)` once per element in row-major output order, where
    /// `sourceIndex` is the element's position in the file (Fortran order when `fortranOrder`).
    @inline(__always)
    static func forEachSourceIndex(shape: [Int], fortranOrder: Bool, _ body: (Int) throws -> Void) rethrows {
        guard let count = Shape.elementCount(shape), count > 0 else { return }
        guard needsTranspose(shape: shape, fortranOrder: fortranOrder) else {
            for i in 0..<count { try body(i) }
            return
        }
        // Fortran strides in elements: stride[0] = 1, stride[j] = stride[j-1] * shape[j-1].
        let rank = shape.count
        var strides = [Int](repeating: 1, count: rank)
        for j in 1..<rank { strides[j] = strides[j - 1] * shape[j - 1] }
        let inner = shape[rank - 1], innerStride = strides[rank - 1]
        var index = [Int](repeating: 0, count: rank)
        var base = 0
        for _ in 0..<(count / inner) {
            var source = base
            for _ in 0..<inner {
                try body(source)
                source += innerStride
            }
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                base += strides[axis]
                if index[axis] < shape[axis] { break }
                base -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// Copies numeric data from `source` (file layout) into `destination` (row-major,
    /// little-endian). `destination.count` must be `count × itemSize`.
    static func convertNumeric(from source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer,
                               header: NpyHeader) {
        let itemSize = header.descr.itemSize
        guard destination.count > 0, let src = source.baseAddress, let dst = destination.baseAddress else { return }
        if needsTranspose(shape: header.shape, fortranOrder: header.fortranOrder) {
            var out = dst
            forEachSourceIndex(shape: header.shape, fortranOrder: true) { index in
                out.copyMemory(from: src + index * itemSize, byteCount: itemSize)
                out += itemSize
            }
        } else {
            dst.copyMemory(from: src, byteCount: destination.count)
        }
        let unit = header.descr.swapUnit
        if header.descr.bigEndian && unit > 1 { swapBytes(destination, unit: unit) }
    }

    /// Reverses the bytes of every `unit`-byte word of `buffer` in place.
    static func swapBytes(_ buffer: UnsafeMutableRawBufferPointer, unit: Int) {
        guard let base = buffer.baseAddress else { return }
        let words = buffer.count / unit
        switch unit {
        case 2:
            for i in 0..<words {
                let v = base.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)
                base.storeBytes(of: v.byteSwapped, toByteOffset: i * 2, as: UInt16.self)
            }
        case 4:
            for i in 0..<words {
                let v = base.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)
                base.storeBytes(of: v.byteSwapped, toByteOffset: i * 4, as: UInt32.self)
            }
        case 8:
            for i in 0..<words {
                let v = base.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
                base.storeBytes(of: v.byteSwapped, toByteOffset: i * 8, as: UInt64.self)
            }
        default:
            for i in 0..<words {
                var word = UnsafeMutableRawBufferPointer(rebasing: buffer[(i * unit)..<((i + 1) * unit)])
                word.reverse()
            }
        }
    }

    /// Decodes `U<n>` / `S<n>` data into row-major string elements (UTF-8 bytes for unicode,
    /// raw bytes for `S`), trailing NULs stripped as numpy does.
    static func decodeStrings(from source: UnsafeRawBufferPointer, header: NpyHeader) throws(NpyFailure) -> [[UInt8]] {
        let itemSize = header.descr.itemSize
        var out: [[UInt8]] = []
        out.reserveCapacity(header.count)
        var failure: NpyFailure?
        switch header.descr.element {
        case .bytes:
            forEachSourceIndex(shape: header.shape, fortranOrder: header.fortranOrder) { index in
                let element = source[(index * itemSize)..<((index + 1) * itemSize)]
                var end = element.endIndex
                while end > element.startIndex && element[end - 1] == 0 { end -= 1 }
                out.append(Array(element[element.startIndex..<end]))
            }
        case .unicode(let characters):
            let bigEndian = header.descr.bigEndian
            forEachSourceIndex(shape: header.shape, fortranOrder: header.fortranOrder) { index in
                guard failure == nil else { return }
                let start = index * itemSize
                var units = [UInt32](repeating: 0, count: characters)
                for k in 0..<characters {
                    let raw = source.loadUnaligned(fromByteOffset: start + 4 * k, as: UInt32.self)
                    units[k] = bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw)
                }
                while let last = units.last, last == 0 { units.removeLast() }
                var utf8: [UInt8] = []
                utf8.reserveCapacity(units.count)
                for unit in units {
                    guard let scalar = Unicode.Scalar(unit) else {
                        failure = .invalid("element \(out.count) of '\(header.descr.text)' data is not valid UTF-32 "
                            + "(code point 0x\(String(unit, radix: 16)))")
                        return
                    }
                    utf8.append(contentsOf: UTF8.encode(scalar)!)
                }
                out.append(utf8)
            }
        case .numeric:
            break
        }
        if let failure { throw failure }
        return out
    }
}
