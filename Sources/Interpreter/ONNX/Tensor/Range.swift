import LockstepCore

/// Range (opsets 11–27+): `start, start + delta, …` up to `limit` (exclusive), with
/// max(ceil((limit − start) / delta), 0) elements; scalar inputs of one type (float32, float64,
/// int16, int32, int64; float16/bfloat16 from 27). Integers are exact; floats compute
/// start + i·delta in float64 and round once; float16/bfloat16 compute in the `stash_type`
/// precision (27+, default float32) and round back.
struct RangeKernel: Kernel {
    let stashType: DType

    static let registration = OpRegistration("Range", versions: 11...Int.max) { context in
        let code = try context.attributes.int("stash_type", default: 1)
        guard let stash = DType(onnxCode: Int32(truncatingIfNeeded: code)), stash == .float32 || stash == .float64 else {
            throw KernelError("attribute 'stash_type' must be FLOAT (1) or DOUBLE (11), found \(code)")
        }
        return RangeKernel(stashType: stash)
    }

    func scalars(_ inputs: [Value?]) throws -> (Tensor, Tensor, Tensor) {
        let start = try Inputs.tensor(inputs, 0, name: "start")
        let limit = try Inputs.tensor(inputs, 1, name: "limit")
        let delta = try Inputs.tensor(inputs, 2, name: "delta")
        for (name, t) in [("start", start), ("limit", limit), ("delta", delta)] {
            guard t.dtype == start.dtype else { throw KernelError("\(name) is \(t.dtype), start is \(start.dtype)") }
            guard t.count == 1 else { throw KernelError("\(name) must be a scalar, found shape \(t.shape)") }
        }
        return (start, limit, delta)
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (startT, limitT, deltaT) = try scalars(inputs)
        let dtype = startT.dtype
        switch dtype {
        case .int16, .int32, .int64, .int8, .uint8, .uint16, .uint32, .uint64:
            let start = try AxisInput.scalar(startT), limit = try AxisInput.scalar(limitT), delta = try AxisInput.scalar(deltaT)
            guard delta != 0 else { throw KernelError("delta must be non-zero") }
            // Overflow-free count: ceil(span / delta) where span has delta's sign.
            let (span, overflow) = delta > 0 ? limit.subtractingReportingOverflow(start) : start.subtractingReportingOverflow(limit)
            guard !overflow else { throw KernelError("Range of \(start), \(limit), \(delta) is too long") }
            let magnitude = delta == Int.min ? Int.max : abs(delta)
            let count = span <= 0 ? 0 : (span - 1) / magnitude + 1
            try DataMovement.checkedCount([count])
            let values = (0..<count).map { Int64(start + $0 * delta) }
            return [.tensor(try TypeConversion.convert(try Tensor(dtype: .int64, shape: [count], values: values), to: dtype))]
        case .float32, .float64, .float16, .bfloat16:
            let start = try startT.doubleValues()[0], limit = try limitT.doubleValues()[0], delta = try deltaT.doubleValues()[0]
            guard delta != 0 else { throw KernelError("delta must be non-zero") }
            let steps = ((limit - start) / delta).rounded(.up)
            guard !steps.isNaN, steps < Double(DataMovement.maxElements) else {
                throw KernelError("Range of \(start), \(limit), \(delta) is too long")
            }
            let count = max(0, Int(max(steps, 0)))
            if (dtype == .float16 || dtype == .bfloat16) && stashType == .float32 {
                let s = Float(start), d = Float(delta)
                let values = (0..<count).map { s + Float($0) * d }
                return [.tensor(try Tensor(float32: values, shape: [count]).narrowed(to: dtype))]
            }
            let values = (0..<count).map { start + Double($0) * delta }
            return [.tensor(try TypeConversion.convert(try Tensor(dtype: .float64, shape: [count], values: values), to: dtype))]
        default:
            throw KernelError("Range is not defined for \(dtype)")
        }
    }
}
