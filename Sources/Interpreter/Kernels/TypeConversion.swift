import Foundation
import LockstepCore

/// Element type conversion between every real type, bool and string (ONNX Cast/CastLike,
/// TFLite CAST).
///
/// Semantics (onnx/docs/Operators.md#Cast, opset 28):
/// - float → float rounds to nearest even once (float64 → float16 does not pass through
///   float32); out-of-range values become ±Inf where the target has infinities. float8 targets
///   follow the saturation table: with `saturate` (the default) ±Inf and overflow become ±max.
///   float4e2m1 and the float6 kinds have neither Inf nor NaN and always saturate (NaN becomes
///   the −0 code, as ml_dtypes does). float8e8m0 follows `round_mode` (see `FloatEncoding.encodeE8M0`).
/// - float → integer truncates toward zero. Out-of-range values and NaN are undefined by the spec;
///   we do what x86 runtimes and numpy do: 32- and 64-bit targets get the "integer indefinite"
///   value (the type's minimum), narrower targets (8/16-bit, int4/uint4/int2/uint2) take the low bits
///   of the 32-bit conversion, uint32 the low bits of the 64-bit conversion, and uint64 converts
///   2⁶³…2⁶⁴ exactly and everything else through the 64-bit conversion.
/// - integer → integer keeps the low bits (two's complement); integer → float rounds to nearest.
/// - anything → bool: zero (and ±0.0) is false, everything else (NaN too) true; bool → number is 0/1.
/// - string → number parses decimal and scientific notation, and "INF", "+INF", "-INF", "NaN"
///   case-insensitively; an integral target parses integers exactly (a fractional text is
///   truncated); "True"/"False" (any case, as bool → string writes them) read as 1/0. number → string prints integers in decimal, floats as numpy's `str` does
///   (shortest round-trip digits, positional for 1e-4 ≤ |x| < 1e16, else `1e+20` style;
///   "inf", "-inf", "nan"), bools as "True"/"False".
public enum TypeConversion {
    /// Options of a conversion (Cast-19 `saturate`, Cast-24 `round_mode`).
    public struct Options: Sendable {
        public var saturate: Bool
        public var e8m0Rounding: FloatEncoding.E8M0Rounding

        public init(saturate: Bool = true, e8m0Rounding: FloatEncoding.E8M0Rounding = .up) {
            self.saturate = saturate
            self.e8m0Rounding = e8m0Rounding
        }
    }

    /// Decoded source elements, in the widest exact representation.
    enum Lane {
        /// Integers and bools, as two's complement bit patterns; `unsigned` for uint64 sources.
        case integers([Int64], unsigned: Bool)
        /// Every floating-point type (exact in Double).
        case floats([Double])
        case strings([[UInt8]])
    }

    static func unsupported(_ dtype: DType) -> KernelError {
        KernelError("element type \(dtype) is not supported by Cast")
    }

    /// Converts `t` to `target`.
    public static func convert(_ t: Tensor, to target: DType, options: Options = Options()) throws -> Tensor {
        // Same type: unchanged, except that saturation still clamps float8e5m2's infinities
        // (the only float8 kind with them), as the reference's saturate_cast does.
        if t.dtype == target && !(target == .float8e5m2 && options.saturate) {
            return t
        }
        if let fast = try fastPath(t, to: target) { return fast }
        if let direct = try directPath(t, to: target) { return direct }
        return try encode(try decode(t), from: t.dtype, to: target, shape: t.shape, options: options)
    }

    // MARK: Fast paths (no intermediate lane)

    static func fastPath(_ t: Tensor, to target: DType) throws -> Tensor? {
        switch (t.dtype, target) {
        case (.float32, .float16):
            return try Elementwise.unary(t, as: Float.self, output: .float16) { FloatBits.floatToHalf($0) }
        case (.float32, .bfloat16):
            return try Elementwise.unary(t, as: Float.self, output: .bfloat16) { FloatBits.floatToBFloat16($0) }
        case (.float16, .float32):
            return try Elementwise.unary(t, as: UInt16.self, output: .float32) { FloatBits.halfToFloat($0) }
        case (.bfloat16, .float32):
            return try Elementwise.unary(t, as: UInt16.self, output: .float32) { FloatBits.bfloat16ToFloat($0) }
        case (.float32, .float64):
            return try Elementwise.unary(t, as: Float.self, output: .float64) { Double($0) }
        case (.float64, .float32):
            return try Elementwise.unary(t, as: Double.self, output: .float32) { Float($0) }
        default:
            return nil
        }
    }

    // MARK: Direct paths between float32/float64 and the 8–64-bit integers

    static let directTypes: Set<DType> = [.float32, .float64, .int8, .uint8, .int16, .uint16, .int32, .uint32, .int64, .uint64]

    /// One loop from source to target storage, with the same rules as the lanes (64-bit integers
    /// to float32 take the lane, which rounds them once).
    static func directPath(_ t: Tensor, to target: DType) throws -> Tensor? {
        guard directTypes.contains(t.dtype), directTypes.contains(target) else { return nil }
        if (t.dtype == .int64 || t.dtype == .uint64) && target == .float32 { return nil }
        switch t.dtype {
        case .float32: return try t.withElements(as: Float.self) { try fromFloat($0, shape: t.shape, to: target) }
        case .float64: return try t.withElements(as: Double.self) { try fromFloat($0, shape: t.shape, to: target) }
        default: return try t.dtype.dispatchInteger(IntegerSource(t: t, target: target))
        }
    }

    static func fromFloat<F: BinaryFloatingPoint>(_ src: UnsafeBufferPointer<F>, shape: [Int], to target: DType) throws -> Tensor {
        switch target {
        case .float32: return try Tensor.build(target, shape: shape, as: Float.self) { o in for i in 0..<src.count { o[i] = Float(src[i]) } }
        case .float64: return try Tensor.build(target, shape: shape, as: Double.self) { o in for i in 0..<src.count { o[i] = Double(src[i]) } }
        case .int64: return try Tensor.build(target, shape: shape, as: Int64.self) { o in for i in 0..<src.count { o[i] = truncate64(Double(src[i])) } }
        case .uint64: return try Tensor.build(target, shape: shape, as: UInt64.self) { o in for i in 0..<src.count { o[i] = truncateUnsigned64(Double(src[i])) } }
        case .uint32:
            return try Tensor.build(target, shape: shape, as: UInt32.self) { o in
                for i in 0..<src.count { o[i] = UInt32(truncatingIfNeeded: truncate64(Double(src[i]))) }
            }
        default: return try target.dispatchInteger(FloatToNarrowInteger(src: src, shape: shape, target: target))
        }
    }

    /// float → int8/uint8/int16/uint16/int32: low bits of the 32-bit truncating conversion.
    struct FloatToNarrowInteger<F: BinaryFloatingPoint>: IntegerVisitor {
        let src: UnsafeBufferPointer<F>, shape: [Int], target: DType
        func visit<D: TensorInteger>(_: D.Type) throws -> Tensor {
            try Tensor.build(target, shape: shape, as: D.self) { o in
                for i in 0..<src.count { o[i] = D(truncatingIfNeeded: truncate32(Double(src[i]))) }
            }
        }
    }

    /// Integer source: to float by rounding, to integers by keeping the low bits.
    struct IntegerSource: IntegerVisitor {
        let t: Tensor, target: DType
        func visit<S: TensorInteger>(_: S.Type) throws -> Tensor {
            try t.withElements(as: S.self) { src in
                switch target {
                case .float32:
                    return try Tensor.build(target, shape: t.shape, as: Float.self) { o in for i in 0..<src.count { o[i] = Float(src[i]) } }
                case .float64:
                    return try Tensor.build(target, shape: t.shape, as: Double.self) { o in for i in 0..<src.count { o[i] = Double(src[i]) } }
                default:
                    return try target.dispatchInteger(IntegerToInteger(src: src, shape: t.shape, target: target))
                }
            }
        }
    }

    struct IntegerToInteger<S: TensorInteger>: IntegerVisitor {
        let src: UnsafeBufferPointer<S>, shape: [Int], target: DType
        func visit<D: TensorInteger>(_: D.Type) throws -> Tensor {
            try Tensor.build(target, shape: shape, as: D.self) { o in
                for i in 0..<src.count { o[i] = D(truncatingIfNeeded: src[i]) }
            }
        }
    }

    // MARK: Decoding

    static func decode(_ t: Tensor) throws -> Lane {
        switch t.dtype {
        case .float32: return .floats(try t.withElements(as: Float.self) { $0.map(Double.init) })
        case .float64: return .floats(try t.scalars(as: Double.self))
        case .float16, .bfloat16, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0:
            return .floats(try t.doubleValues())
        case .float4e2m1, .float6e2m3, .float6e3m2:
            let format = FloatEncoding.Format.of(t.dtype)!
            return .floats(try DataMovement.unpackCodes(t).map { FloatEncoding.decode(UInt16($0), format) })
        case .int8: return .integers(try t.withElements(as: Int8.self) { $0.map(Int64.init) }, unsigned: false)
        case .uint8: return .integers(try t.withElements(as: UInt8.self) { $0.map(Int64.init) }, unsigned: false)
        case .bool: return .integers(try t.withElements(as: UInt8.self) { $0.map { $0 != 0 ? 1 : 0 } }, unsigned: false)
        case .int16: return .integers(try t.withElements(as: Int16.self) { $0.map(Int64.init) }, unsigned: false)
        case .uint16: return .integers(try t.withElements(as: UInt16.self) { $0.map(Int64.init) }, unsigned: false)
        case .int32: return .integers(try t.withElements(as: Int32.self) { $0.map(Int64.init) }, unsigned: false)
        case .uint32: return .integers(try t.withElements(as: UInt32.self) { $0.map(Int64.init) }, unsigned: false)
        case .int64: return .integers(try t.scalars(as: Int64.self), unsigned: false)
        case .uint64: return .integers(try t.withElements(as: UInt64.self) { (v: UnsafeBufferPointer<UInt64>) -> [Int64] in v.map { Int64(bitPattern: $0) } }, unsigned: true)
        case .int4, .uint4, .int2, .uint2: return .integers(try t.unpackedSubByte(), unsigned: false)
        case .string: return .strings(t.strings)
        case .complex64, .complex128: throw unsupported(t.dtype)
        }
    }

    // MARK: Encoding

    static func encode(_ lane: Lane, from source: DType, to target: DType, shape: [Int], options: Options) throws -> Tensor {
        switch lane {
        case .floats(let values): return try encodeFloats(values, from: source, to: target, shape: shape, options: options)
        case .integers(let values, _) where source == .bool && target == .string:
            return try Tensor(strings: values.map { Array(($0 != 0 ? "True" : "False").utf8) }, shape: shape)
        case .integers(let values, let unsigned): return try encodeIntegers(values, unsigned: unsigned, to: target, shape: shape, options: options)
        case .strings(let strings):
            if target == .string { return try Tensor(strings: strings, shape: shape) }
            if target.isInteger || target == .bool {
                var parsed: [Int64] = []
                parsed.reserveCapacity(strings.count)
                var unsigned = false
                for s in strings {
                    let text = String(decoding: s, as: UTF8.self).trimmingCharacters(in: .whitespaces)
                    if let b = parseBool(text) { parsed.append(b ? 1 : 0); continue }
                    if let i = Int64(text.hasPrefix("+") ? String(text.dropFirst()) : text) { parsed.append(i); continue }
                    if target == .uint64, let u = UInt64(text.hasPrefix("+") ? String(text.dropFirst()) : text) {
                        parsed.append(Int64(bitPattern: u)); unsigned = true; continue
                    }
                    guard let d = parseDouble(text) else { throw KernelError("cannot convert string \"\(text)\" to \(target)") }
                    if target == .bool { parsed.append(d != 0 ? 1 : 0); continue }
                    parsed.append(truncate64(d))
                }
                return try encodeIntegers(parsed, unsigned: unsigned, to: target, shape: shape, options: options)
            }
            let values = try strings.map { s -> Double in
                let text = String(decoding: s, as: UTF8.self)
                if let b = parseBool(text.trimmingCharacters(in: .whitespaces)) { return b ? 1 : 0 }
                guard let d = parseDouble(text) else { throw KernelError("cannot convert string \"\(text)\" to \(target)") }
                return d
            }
            return try encodeFloats(values, from: .float64, to: target, shape: shape, options: options)
        }
    }

    static func encodeFloats(_ v: [Double], from source: DType, to target: DType, shape: [Int], options: Options) throws -> Tensor {
        switch target {
        case .float32: return try Tensor.build(target, shape: shape, as: Float.self) { o in for i in v.indices { o[i] = Float(v[i]) } }
        case .float64: return try Tensor.build(target, shape: shape, as: Double.self) { o in for i in v.indices { o[i] = v[i] } }
        case .float16, .bfloat16:
            let format = FloatEncoding.Format.of(target)!
            return try Tensor.build(target, shape: shape, as: UInt16.self) { o in
                for i in v.indices { o[i] = FloatEncoding.encode(v[i], format, saturate: false) }
            }
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz:
            let format = FloatEncoding.Format.of(target)!
            let saturate = options.saturate
            return try Tensor.build(target, shape: shape, as: UInt8.self) { o in
                for i in v.indices { o[i] = UInt8(truncatingIfNeeded: FloatEncoding.encode(v[i], format, saturate: saturate)) }
            }
        case .float8e8m0:
            return try Tensor.build(target, shape: shape, as: UInt8.self) { o in
                for i in v.indices {
                    o[i] = FloatEncoding.encodeE8M0(Float(v[i]), saturate: options.saturate, rounding: options.e8m0Rounding)
                }
            }
        case .float4e2m1, .float6e2m3, .float6e3m2:
            let format = FloatEncoding.Format.of(target)!
            let codes = v.map { UInt8(truncatingIfNeeded: FloatEncoding.encode($0, format, saturate: true)) }
            return try DataMovement.packCodes(codes, dtype: target, shape: shape)
        case .bool: return try Tensor.build(target, shape: shape, as: UInt8.self) { o in for i in v.indices { o[i] = v[i] != 0 ? 1 : 0 } }
        case .int8: return try Tensor.build(target, shape: shape, as: Int8.self) { o in for i in v.indices { o[i] = Int8(truncatingIfNeeded: truncate32(v[i])) } }
        case .uint8: return try Tensor.build(target, shape: shape, as: UInt8.self) { o in for i in v.indices { o[i] = UInt8(truncatingIfNeeded: truncate32(v[i])) } }
        case .int16: return try Tensor.build(target, shape: shape, as: Int16.self) { o in for i in v.indices { o[i] = Int16(truncatingIfNeeded: truncate32(v[i])) } }
        case .uint16: return try Tensor.build(target, shape: shape, as: UInt16.self) { o in for i in v.indices { o[i] = UInt16(truncatingIfNeeded: truncate32(v[i])) } }
        case .int32: return try Tensor.build(target, shape: shape, as: Int32.self) { o in for i in v.indices { o[i] = truncate32(v[i]) } }
        case .uint32: return try Tensor.build(target, shape: shape, as: UInt32.self) { o in for i in v.indices { o[i] = UInt32(truncatingIfNeeded: truncate64(v[i])) } }
        case .int64: return try Tensor.build(target, shape: shape, as: Int64.self) { o in for i in v.indices { o[i] = truncate64(v[i]) } }
        case .uint64: return try Tensor.build(target, shape: shape, as: UInt64.self) { o in for i in v.indices { o[i] = truncateUnsigned64(v[i]) } }
        case .int4, .uint4, .int2, .uint2:
            let codes = v.map { UInt8(truncatingIfNeeded: truncate32($0)) }
            return try DataMovement.packCodes(codes, dtype: target, shape: shape)
        case .string: return try Tensor(strings: v.map { Array(formatFloat($0, source: source).utf8) }, shape: shape)
        case .complex64, .complex128: throw unsupported(target)
        }
    }

    static func encodeIntegers(_ v: [Int64], unsigned: Bool, to target: DType, shape: [Int], options: Options) throws -> Tensor {
        @inline(__always) func real(_ i: Int64) -> Double { unsigned ? Double(UInt64(bitPattern: i)) : Double(i) }
        switch target {
        case .float32:
            return try Tensor.build(target, shape: shape, as: Float.self) { o in
                for i in v.indices { o[i] = unsigned ? Float(UInt64(bitPattern: v[i])) : Float(v[i]) }
            }
        case .float64, .float16, .bfloat16, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0, .float4e2m1,
             .float6e2m3, .float6e3m2:
            return try encodeFloats(v.map(real), from: .float64, to: target, shape: shape, options: options)
        case .bool: return try Tensor.build(target, shape: shape, as: UInt8.self) { o in for i in v.indices { o[i] = v[i] != 0 ? 1 : 0 } }
        case .int8: return try Tensor.build(target, shape: shape, as: Int8.self) { o in for i in v.indices { o[i] = Int8(truncatingIfNeeded: v[i]) } }
        case .uint8: return try Tensor.build(target, shape: shape, as: UInt8.self) { o in for i in v.indices { o[i] = UInt8(truncatingIfNeeded: v[i]) } }
        case .int16: return try Tensor.build(target, shape: shape, as: Int16.self) { o in for i in v.indices { o[i] = Int16(truncatingIfNeeded: v[i]) } }
        case .uint16: return try Tensor.build(target, shape: shape, as: UInt16.self) { o in for i in v.indices { o[i] = UInt16(truncatingIfNeeded: v[i]) } }
        case .int32: return try Tensor.build(target, shape: shape, as: Int32.self) { o in for i in v.indices { o[i] = Int32(truncatingIfNeeded: v[i]) } }
        case .uint32: return try Tensor.build(target, shape: shape, as: UInt32.self) { o in for i in v.indices { o[i] = UInt32(truncatingIfNeeded: v[i]) } }
        case .int64: return try Tensor.build(target, shape: shape, as: Int64.self) { o in for i in v.indices { o[i] = v[i] } }
        case .uint64: return try Tensor.build(target, shape: shape, as: UInt64.self) { o in for i in v.indices { o[i] = UInt64(bitPattern: v[i]) } }
        case .int4, .uint4, .int2, .uint2:
            return try DataMovement.packCodes(v.map { UInt8(truncatingIfNeeded: $0) }, dtype: target, shape: shape)
        case .string:
            return try Tensor(strings: v.map { Array((unsigned ? String(UInt64(bitPattern: $0)) : String($0)).utf8) }, shape: shape)
        case .complex64, .complex128: throw unsupported(target)
        }
    }

    // MARK: Float → integer (x86 truncating conversions)

    /// cvttsd2si (32-bit): truncation; NaN and out-of-range give Int32.min.
    @inline(__always) static func truncate32(_ d: Double) -> Int32 {
        guard d > -2_147_483_649.0 && d < 2_147_483_648.0 else { return .min }
        return Int32(d.rounded(.towardZero))
    }

    /// cvttsd2si (64-bit): truncation; NaN and out-of-range give Int64.min.
    @inline(__always) static func truncate64(_ d: Double) -> Int64 {
        guard d >= -9_223_372_036_854_775_808.0 && d < 9_223_372_036_854_775_808.0 else { return .min }
        return Int64(d.rounded(.towardZero))
    }

    /// float → uint64 as compilers emit it: values from 2⁶³ up convert after subtracting 2⁶³.
    @inline(__always) static func truncateUnsigned64(_ d: Double) -> UInt64 {
        if d >= 9_223_372_036_854_775_808.0 && d < 18_446_744_073_709_551_616.0 {
            return UInt64(d.rounded(.towardZero))
        }
        return UInt64(bitPattern: truncate64(d))
    }

    // MARK: Strings

    static func parseBool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }

    /// Decimal or scientific notation, or INF/+INF/-INF/NaN (case-insensitive).
    public static func parseDouble(_ raw: String) -> Double? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        switch text.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan", "+nan", "-nan": return .nan
        default: break
        }
        guard !text.isEmpty else { return nil }
        // Only plain numeric characters (Double(String) also accepts hex floats, which the spec does not mention).
        guard text.allSatisfy({ "0123456789+-.eE".contains($0) }) else { return nil }
        return Double(text)
    }

    /// numpy-style `str()` of a float of type `source`: the shortest digits that read back as the
    /// same `source` value; positional notation for 1e-4 ≤ |x| < 1e16, scientific (`1e-05`,
    /// `1.5e+20`) otherwise.
    public static func formatFloat(_ d: Double, source: DType = .float64) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
        let shortest: String
        switch source {
        case .float32: shortest = "\(Float(d))"
        case .float64: shortest = "\(d)"
        default:
            // Small formats: fewest significant digits that round back to the same code.
            var found = "\(d)"
            if let format = FloatEncoding.Format.of(source) {
                let code = FloatEncoding.encode(d, format, saturate: false)
                for precision in 1...17 {
                    let text = String(format: "%.\(precision - 1)e", d)
                    if let back = Double(text), FloatEncoding.encode(back, format, saturate: false) == code { found = text; break }
                }
            }
            shortest = found
        }
        var digits = ""
        var exponent = 0
        var negative = false
        var mantissa = shortest
        if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(mantissa[mantissa.index(after: e)...]) ?? 0
            mantissa = String(mantissa[..<e])
        }
        if mantissa.hasPrefix("-") { negative = true; mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0]), fracPart = parts.count > 1 ? String(parts[1]) : ""
        digits = intPart + fracPart
        // value = 0.digits × 10^(pointPosition)
        var point = intPart.count + exponent
        while digits.hasPrefix("0") && digits.count > 1 { digits.removeFirst(); point -= 1 }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        let sci = point - 1  // exponent in d.ddd × 10^sci
        var body: String
        if sci >= -4 && sci < 16 {
            if point <= 0 {
                body = "0." + String(repeating: "0", count: -point) + digits
            } else if point >= digits.count {
                body = digits + String(repeating: "0", count: point - digits.count) + ".0"
            } else {
                let i = digits.index(digits.startIndex, offsetBy: point)
                body = String(digits[..<i]) + "." + String(digits[i...])
            }
        } else {
            let first = String(digits.prefix(1)), rest = String(digits.dropFirst())
            let e = abs(sci) < 10 ? "0\(abs(sci))" : "\(abs(sci))"
            body = first + (rest.isEmpty ? "" : "." + rest) + "e" + (sci < 0 ? "-" : "+") + e
        }
        return (negative ? "-" : "") + body
    }
}
