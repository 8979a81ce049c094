import LockstepCore

/// NonZero (opsets 9–13+): the int64 coordinates [rank, count] of the non-zero elements in row-major
/// order (numpy.nonzero). Floats compare with 0 (−0 is zero, NaN is not); strings are non-zero
/// when not empty. A scalar is treated as shape [1].
struct NonZeroKernel: Kernel {
    static let registration = OpRegistration("NonZero", versions: 9...Int.max) { _ in NonZeroKernel() }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        let flags: [Bool]
        if x.dtype == .string {
            flags = x.strings.map { !$0.isEmpty }
        } else if x.dtype.isFloatingPoint {
            flags = try x.doubleValues().map { $0 != 0 }
        } else if x.dtype.isInteger && x.dtype.byteWidth == nil {
            flags = try x.unpackedSubByte().map { $0 != 0 }
        } else {
            guard let width = x.dtype.byteWidth else { throw KernelError("NonZero is not defined for \(x.dtype)") }
            let bytes = x.storage.bytes
            flags = (0..<x.count).map { i in (0..<width).contains { bytes[i * width + $0] != 0 } }
        }
        let shape = x.rank == 0 ? [1] : x.shape
        let strides = DataMovement.strides(shape)
        let positions = flags.indices.filter { flags[$0] }
        var coordinates = [Int64](repeating: 0, count: shape.count * positions.count)
        for (n, p) in positions.enumerated() {
            var rest = p
            for k in 0..<shape.count {
                coordinates[k * positions.count + n] = Int64(rest / strides[k])
                rest %= strides[k]
            }
        }
        return [.tensor(try Tensor(dtype: .int64, shape: [shape.count, positions.count], values: coordinates))]
    }
}
