#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LockstepCore

/// EMBEDDING_LOOKUP (1–5): row `ids[i]` (1-D int32, each in range) of `value` (rank ≥ 2) for every
/// i — google-ai-edge/LiteRT `tflite/kernels/embedding_lookup.cc` @ 09ef0f38bae43ac93169bd8959ca163fb19617c4:
/// - `EvalSimple` when the output has the value's type: the rows' bytes (any byte-addressable type,
///   quantised ones keep their codes);
/// - `EvalHybrid` when `value` is quantised int8 / uint8 / int4 / int2 (symmetric: zero point 0;
///   one scale, or one per row with `quantized_dimension` 0) and the output float32 or float16:
///   `code · scale` in float32. As in LiteRT, uint8 codes are read as int8, and int4 / int2 rows are
///   unpacked from the packed byte at `(row · columns) / 2` (`/ 4`) starting with its low bits —
///   an int4 table with an odd column count therefore reads the neighbouring row's last nibble for
///   odd rows, exactly as LiteRT does. The float16 output rounds the float32 product.
/// Blockwise-quantised tables (scales in another tensor) are not implemented.
struct TFLiteEmbeddingLookup: Kernel {
    static let registration = TFLiteOps.op("EMBEDDING_LOOKUP") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        let value = context.node.inputs[1]
        return TFLiteEmbeddingLookup(output: TFLiteSupport.declaredType(context), valueQuantization: TFLiteSupport.quantization(context, value))
    }

    let output: DType?
    let valueQuantization: QuantizationParameters?

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (ids, value) = try Inputs.two(inputs)
        guard ids.dtype == .int32, ids.rank == 1 else { throw KernelError("lookup ids must be 1-D int32, found \(ids.dtype) \(ids.shape)") }
        guard value.rank >= 2 else { throw KernelError("value must have rank ≥ 2, found shape \(value.shape)") }
        let rows = value.shape[0], columns = value.shape.dropFirst().reduce(1, *)
        let lookup = try ids.scalars(as: Int32.self).map(Int.init)
        for id in lookup where id < 0 || id >= rows {
            throw KernelError("Embedding Lookup: index out of bounds. Got \(id), and bounds are [0, \(rows - 1)]")
        }
        let shape = [lookup.count] + value.shape.dropFirst()
        let out = output ?? value.dtype
        if out == value.dtype || !(out == .float32 || out == .float16) {
            try TFLiteIndexing.requireRaw(value, "value")
            return [.tensor(try TFLiteIndexing.remap(value, to: shape) { index in
                var offset = lookup[index[0]]
                for d in 1..<index.count { offset = offset * value.shape[d] + index[d] }
                return offset
            })]
        }
        // Hybrid: dequantise the looked-up rows.
        let q = valueQuantization ?? value.quantization
        guard let q, let first = q.scales.first else { throw KernelError("a \(value.dtype) value with a float output needs quantisation parameters") }
        guard q.zeroPoints.allSatisfy({ $0 == 0 }) else { throw KernelError("hybrid EMBEDDING_LOOKUP needs symmetric quantisation (zero point 0)") }
        guard q.scales.count == 1 || q.scales.count == rows else { throw KernelError("\(q.scales.count) scales for \(rows) rows") }
        let scale = { (row: Int) -> Float in q.scales.count > 1 ? q.scales[row] : first }
        var values = [Float](repeating: 0, count: lookup.count * columns)
        let bytes = value.storage.bytes
        for (i, row) in lookup.enumerated() {
            let s = scale(row), base = i * columns
            switch value.dtype {
            case .int8, .uint8:
                for j in 0..<columns { values[base + j] = Float(Int8(bitPattern: bytes[row * columns + j])) * s }
            case .int4:
                let start = (row * columns) >> 1, s16 = s / 16
                for j in 0..<columns {
                    let byte = bytes[start + j / 2]
                    let code = j % 2 == 0 ? byte << 4 : byte & 0xF0
                    values[base + j] = Float(Int8(bitPattern: code)) * s16
                }
            case .int2:
                let start = (row * columns) >> 2, s64 = s / 64
                for j in 0..<columns {
                    let byte = bytes[start + j / 4]
                    let code: UInt8 = [byte << 6, (byte << 4) & 0xC0, (byte << 2) & 0xC0, byte & 0xC0][j % 4]
                    values[base + j] = Float(Int8(bitPattern: code)) * s64
                }
            default:
                throw KernelError("hybrid EMBEDDING_LOOKUP of \(value.dtype) is not implemented (int8, uint8, int4, int2)", unsupported: true)
            }
        }
        if out == .float16 {
            return [.tensor(try Tensor(dtype: .float16, shape: shape, values: values.map { FloatBits.floatToHalf($0) }))]
        }
        return [.tensor(try Tensor(float32: values, shape: shape))]
    }
}
