import LockstepCore

/// The generator of `--random-inputs SEED` (`SplitMix64`, LockstepCore), reproducible on every machine.
public typealias SeededGenerator = SplitMix64

/// Random inputs for a model's declared inputs. Ranges (documented in docs/run.md):
/// floating point uniform in [-1, 1); int8 [-128, 127]; uint8 [0, 255]; other signed integers
/// [-100, 100]; other unsigned [0, 100]; bool {false, true}. Symbolic or unknown dimensions
/// take the value given in `dimensions` (by symbol name), else 1.
public enum RandomInputs {
    public static func make(for input: ValueInfo, generator: inout SeededGenerator, dimensions: [String: Int] = [:]) throws -> Tensor {
        guard case .tensor(let dtype?, let shape) = input.type else {
            throw LockstepError.invalidArgument("input '\(input.name)': random values can only be made for tensors, it is \(input.type)")
        }
        let dims: [Int] = (shape?.dimensions ?? []).map { d in
            switch d {
            case .fixed(let n): return n
            case .symbolic(let s): return dimensions[s] ?? 1
            case .unknown: return 1
            }
        }
        let count = Shape.elementCount(dims) ?? 0
        func ints<T: FixedWidthInteger & BitwiseCopyable>(_ type: T.Type, _ range: ClosedRange<Int64>) throws -> Tensor {
            var values = [T]()
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(T(truncatingIfNeeded: Int64.random(in: range, using: &generator))) }
            return try Tensor(dtype: dtype, shape: dims, values: values)
        }
        func floats() -> [Float] { (0..<count).map { _ in Float.random(in: -1..<1, using: &generator) } }
        switch dtype {
        case .float32: return try Tensor(float32: floats(), shape: dims)
        case .float64: return try Tensor(dtype: .float64, shape: dims, values: (0..<count).map { _ in Double.random(in: -1..<1, using: &generator) })
        case .float16: return try Tensor(dtype: .float16, shape: dims, values: floats().map(FloatBits.floatToHalf))
        case .bfloat16: return try Tensor(dtype: .bfloat16, shape: dims, values: floats().map(FloatBits.floatToBFloat16))
        case .int8: return try ints(Int8.self, -128...127)
        case .uint8: return try ints(UInt8.self, 0...255)
        case .int16: return try ints(Int16.self, -100...100)
        case .int32: return try ints(Int32.self, -100...100)
        case .int64: return try ints(Int64.self, -100...100)
        case .uint16: return try ints(UInt16.self, 0...100)
        case .uint32: return try ints(UInt32.self, 0...100)
        case .uint64: return try ints(UInt64.self, 0...100)
        case .bool: return try ints(UInt8.self, 0...1)
        case .string, .complex64, .complex128, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0,
             .float4e2m1, .float6e2m3, .float6e3m2, .int2, .uint2, .int4, .uint4:
            throw LockstepError.invalidArgument("input '\(input.name)': random values of type \(dtype) are not supported; pass a file")
        }
    }
}
