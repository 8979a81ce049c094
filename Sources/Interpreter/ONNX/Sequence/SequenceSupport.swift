import LockstepCore

/// Input access and byte-level tensor slicing for the sequence ops (any byte-addressable
/// element type, and strings).
enum SequenceSupport {
    /// The sequence at `index` (its tensors and element type).
    static func sequence(_ inputs: [Value?], _ index: Int, name: String = "input_sequence") throws -> (tensors: [Tensor], elementType: DType?) {
        guard index < inputs.count, let value = inputs[index] else { throw KernelError("input \(index) (\(name)) is required") }
        guard case .sequence(let tensors, let type) = value else {
            throw KernelError("input \(index) (\(name)) must be a sequence, found \(value.typeDescription)")
        }
        return (tensors, type ?? tensors.first?.dtype)
    }

    /// A position input: an int32 or int64 scalar (or one-element tensor).
    static func position(_ t: Tensor, name: String = "position") throws -> Int {
        guard t.count == 1, t.rank <= 1 else { throw KernelError("\(name) must be a scalar, found shape \(t.shape)") }
        switch t.dtype {
        case .int32: return Int(try t.scalars(as: Int32.self)[0])
        case .int64: return Int(try t.scalars(as: Int64.self)[0])
        default: throw KernelError("\(name) must be int32 or int64, found \(t.dtype)")
        }
    }

    /// Normalises an axis in `[-rank, rank - 1]` (or `[-rank-1, rank]` when `extra`).
    static func axis(_ axis: Int, rank: Int, extra: Bool = false) throws -> Int {
        let r = extra ? rank + 1 : rank
        guard axis >= -r, axis < r else { throw KernelError("axis \(axis) is out of range for rank \(rank)") }
        return axis < 0 ? axis + r : axis
    }

    /// `t` with a new shape of the same element count (no copy).
    static func reshaped(_ t: Tensor, _ shape: [Int]) throws -> Tensor {
        if t.dtype == .string { return try Tensor(strings: t.strings, shape: shape) }
        return try Tensor(dtype: t.dtype, shape: shape, storage: t.storage)
    }

    static func elementWidth(_ t: Tensor) throws -> Int {
        if t.dtype == .string { return 0 }
        guard let w = t.dtype.byteWidth else { throw KernelError("\(t.dtype) tensors cannot be split or concatenated here") }
        return w
    }

    /// Splits `t` along `axis` into parts of the given lengths (which sum to the dimension).
    static func split(_ t: Tensor, axis: Int, lengths: [Int]) throws -> [Tensor] {
        let width = try elementWidth(t)
        let outer = t.shape[..<axis].reduce(1, *)
        let inner = t.shape[(axis + 1)...].reduce(1, *)
        let dim = t.shape[axis]
        var parts: [Tensor] = []
        var start = 0
        for length in lengths {
            var shape = t.shape
            shape[axis] = length
            if t.dtype == .string {
                var strings: [[UInt8]] = []
                strings.reserveCapacity(outer * length * inner)
                for o in 0..<outer {
                    let base = (o * dim + start) * inner
                    strings.append(contentsOf: t.strings[base..<(base + length * inner)])
                }
                parts.append(try Tensor(strings: strings, shape: shape))
            } else {
                let run = length * inner * width
                let storage = TensorStorage(byteCount: outer * run) { out in
                    guard run > 0, let dst = out.baseAddress, let src = t.storage.bytes.baseAddress else { return }
                    for o in 0..<outer {
                        (dst + o * run).copyMemory(from: src + ((o * dim + start) * inner) * width, byteCount: run)
                    }
                }
                parts.append(try Tensor(dtype: t.dtype, shape: shape, storage: storage))
            }
            start += length
        }
        return parts
    }

    /// Concatenates `tensors` (one element type, equal shapes except along `axis`) along `axis`.
    static func concat(_ tensors: [Tensor], axis: Int) throws -> Tensor {
        guard let first = tensors.first else { throw KernelError("cannot concatenate an empty sequence") }
        let rank = first.rank
        var shape = first.shape
        shape[axis] = 0
        for t in tensors {
            guard t.dtype == first.dtype else { throw KernelError("sequence elements have different types: \(first.dtype) and \(t.dtype)") }
            guard t.rank == rank else { throw KernelError("sequence elements have different ranks: \(first.shape) and \(t.shape)") }
            for d in 0..<rank where d != axis && t.shape[d] != first.shape[d] {
                throw KernelError("sequence element shapes \(first.shape) and \(t.shape) differ outside axis \(axis)")
            }
            shape[axis] += t.shape[axis]
        }
        let width = try elementWidth(first)
        let outer = first.shape[..<axis].reduce(1, *)
        let inner = first.shape[(axis + 1)...].reduce(1, *)
        if first.dtype == .string {
            var strings: [[UInt8]] = []
            strings.reserveCapacity(shape.reduce(1, *))
            for o in 0..<outer {
                for t in tensors {
                    let run = t.shape[axis] * inner
                    strings.append(contentsOf: t.strings[(o * run)..<((o + 1) * run)])
                }
            }
            return try Tensor(strings: strings, shape: shape)
        }
        let total = shape.reduce(1, *) * width
        let storage = TensorStorage(byteCount: total) { out in
            guard let dst = out.baseAddress else { return }
            var offset = 0
            for o in 0..<outer {
                for t in tensors {
                    let run = t.shape[axis] * inner * width
                    if run > 0, let src = t.storage.bytes.baseAddress {
                        (dst + offset).copyMemory(from: src + o * run, byteCount: run)
                    }
                    offset += run
                }
            }
        }
        return try Tensor(dtype: first.dtype, shape: shape, storage: storage)
    }
}
