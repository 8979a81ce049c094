import LockstepCore

/// The pass rule for one output: which elementwise test decides whether a candidate value is
/// close enough to the reference value (docs/check.md, "Pass rule").
public struct Tolerance: Sendable, Equatable {
    public enum Rule: String, Sendable, Equatable, CaseIterable {
        /// numpy `allclose`: |c − r| ≤ atol + rtol·|r| (r = reference).
        case allclose
        /// At most `maxUlp` units in the last place of the reference's type apart, or |c − r| ≤ atol
        /// (atol covers results near zero, where ULPs shrink to subnormal size).
        case ulp
        /// At most `steps` quantisation steps apart: |c − r| ≤ steps·step (+ atol).
        case quantStep
        /// Bit-for-bit equal values.
        case exact
    }

    public var rule: Rule
    public var atol: Double
    public var rtol: Double
    public var maxUlp: Int
    /// The size of one quantisation step in the compared values (the scale for dequantised
    /// values, 1 for integer codes).
    public var step: Double
    public var steps: Double
    /// NaN in both at the same place counts as equal (numpy `equal_nan`).
    public var equalNaN: Bool
    /// Where the numbers came from, for the report.
    public var source: String

    public init(rule: Rule, atol: Double = 0, rtol: Double = 0, maxUlp: Int = 0, step: Double = 1, steps: Double = 1,
                equalNaN: Bool = true, source: String) {
        self.rule = rule
        self.atol = atol
        self.rtol = rtol
        self.maxUlp = maxUlp
        self.step = step
        self.steps = steps
        self.equalNaN = equalNaN
        self.source = source
    }

    /// The largest |c − r| this rule accepts for reference value `r` under the allclose-like part
    /// of the rule (the ULP part is tested separately).
    @inline(__always)
    public func bound(_ r: Double) -> Double {
        switch rule {
        case .allclose: return atol + rtol * Swift.abs(r)
        case .ulp: return atol
        case .quantStep: return steps * step + atol
        case .exact: return 0
        }
    }

    /// Defaults derived from the element type (and quantisation) of the compared values:
    ///
    /// | type | rule | numbers | why |
    /// | --- | --- | --- | --- |
    /// | float64 | allclose | rtol 1e-5, atol 1e-8 | numpy `allclose` defaults (numpy 2.4 `numpy/_core/numeric.py`) |
    /// | float32 | allclose | rtol 1e-5, atol 1e-5 | Polygraphy `CompareFunc.simple` defaults (NVIDIA/TensorRT `tools/Polygraphy/polygraphy/comparator/compare.py`, commit 1637a26) |
    /// | float16 | ulp | 2 ULP, atol 2⁻¹⁰ | one float16 ULP at 1.0 absorbs cancellation near zero |
    /// | bfloat16 | ulp | 2 ULP, atol 2⁻⁷ | the same for bfloat16's 8-bit significand |
    /// | float8 kinds, float4, float6 | ulp | 1 ULP, atol = ULP at 1.0 | |
    /// | quantised integers, int8/uint8/int16/uint16/int4/uint4 | quantStep | 1 step | one quantisation step |
    /// | other integers, bool | exact | | indices and counts must match |
    ///
    /// `quantization` is the candidate's when its integers were dequantised to be compared with a
    /// real-valued reference (a float model against its int8 conversion): then the step is its
    /// scale (the largest scale when per-axis) and the rule allows `dequantisedSteps` steps —
    /// rounding the input costs half a step and every earlier quantised layer adds its own
    /// rounding, so a correct int8 conversion is a few steps from the float model (the committed
    /// int8 pair, examples/pairs/pairnet_int8.tflite, stays within 3.5 steps at every tensor),
    /// while a wrong scale or zero point is tens of steps off.
    public static func defaultFor(_ dtype: DType, quantization: QuantizationParameters? = nil) -> Tolerance {
        if let q = quantization, let scale = q.scales.map({ Double($0) }).max(), scale > 0 {
            return Tolerance(rule: .quantStep, step: scale, steps: dequantisedSteps,
                             source: "default for a dequantised candidate (\(Int(dequantisedSteps)) quantisation steps of scale \(format(scale)))")
        }
        switch dtype {
        case .float64:
            return Tolerance(rule: .allclose, atol: 1e-8, rtol: 1e-5, source: "default for float64 (numpy allclose: rtol 1e-5, atol 1e-8)")
        case .float32:
            return Tolerance(rule: .allclose, atol: 1e-5, rtol: 1e-5, source: "default for float32 (Polygraphy: rtol 1e-5, atol 1e-5)")
        case .float16:
            return Tolerance(rule: .ulp, atol: 0x1p-10, maxUlp: 2, source: "default for float16 (2 ULP, atol 2^-10)")
        case .bfloat16:
            return Tolerance(rule: .ulp, atol: 0x1p-7, maxUlp: 2, source: "default for bfloat16 (2 ULP, atol 2^-7)")
        case .float8e4m3fn, .float8e4m3fnuz:
            return Tolerance(rule: .ulp, atol: 0x1p-3, maxUlp: 1, source: "default for \(dtype) (1 ULP, atol 2^-3)")
        case .float8e5m2, .float8e5m2fnuz:
            return Tolerance(rule: .ulp, atol: 0x1p-2, maxUlp: 1, source: "default for \(dtype) (1 ULP, atol 2^-2)")
        case .float8e8m0:
            return Tolerance(rule: .ulp, atol: 0, maxUlp: 1, source: "default for float8e8m0 (1 ULP)")
        case .float4e2m1, .float6e2m3, .float6e3m2:
            return Tolerance(rule: .ulp, atol: 0.5, maxUlp: 1, source: "default for \(dtype) (1 ULP, atol 0.5)")
        case .int8, .uint8, .int16, .uint16, .int4, .uint4, .int2, .uint2:
            return Tolerance(rule: .quantStep, step: 1, steps: 1, source: "default for \(dtype) (one quantisation step)")
        case .int32, .uint32, .int64, .uint64, .bool:
            return Tolerance(rule: .exact, source: "default for \(dtype) (exact)")
        case .string, .complex64, .complex128:
            return Tolerance(rule: .exact, source: "default for \(dtype) (exact)")
        }
    }

    /// Quantisation steps a dequantised candidate may be from a real-valued reference.
    public static let dequantisedSteps = 4.0

    static func format(_ v: Double) -> String { "\(v)" }
}

/// A partial tolerance given by the user (a golden manifest, `--tolerance`): only the fields it
/// names replace the defaults.
public struct ToleranceOverride: Sendable, Equatable, Codable {
    public var rule: String?
    public var atol: Double?
    public var rtol: Double?
    public var maxUlp: Int?
    public var steps: Double?
    public var equalNaN: Bool?

    public init(rule: String? = nil, atol: Double? = nil, rtol: Double? = nil, maxUlp: Int? = nil, steps: Double? = nil,
                equalNaN: Bool? = nil) {
        self.rule = rule
        self.atol = atol
        self.rtol = rtol
        self.maxUlp = maxUlp
        self.steps = steps
        self.equalNaN = equalNaN
    }

    enum CodingKeys: String, CodingKey {
        case rule, atol, rtol, steps
        case maxUlp = "max_ulp"
        case equalNaN = "equal_nan"
    }

    /// The keys an override may set, as files and `--tolerance` spell them.
    public static let keys = ["rule", "atol", "rtol", "max_ulp", "steps", "equal_nan"]

    /// Parses `atol=1e-3,rtol=0`, `rule=ulp,max_ulp=4`, `steps=2`, `equal_nan=false`.
    public init(parsing text: String) throws {
        for part in text.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2 else { throw CheckingError.invalidTolerance("'\(part)': expected KEY=VALUE") }
            let (key, value) = (kv[0], kv[1])
            func number() throws -> Double {
                guard let v = Double(value), v.isFinite, v >= 0 else {
                    throw CheckingError.invalidTolerance("\(key)=\(value): expected a finite number ≥ 0")
                }
                return v
            }
            switch key {
            case "rule":
                guard Tolerance.Rule(rawValue: value) != nil else {
                    throw CheckingError.invalidTolerance("rule=\(value): expected one of \(Tolerance.Rule.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                rule = value
            case "atol": atol = try number()
            case "rtol": rtol = try number()
            case "steps": steps = try number()
            case "max_ulp":
                guard let v = Int(value), v >= 0 else { throw CheckingError.invalidTolerance("max_ulp=\(value): expected an integer ≥ 0") }
                maxUlp = v
            case "equal_nan":
                guard let v = Bool(value) else { throw CheckingError.invalidTolerance("equal_nan=\(value): expected true or false") }
                equalNaN = v
            default:
                throw CheckingError.invalidTolerance("unknown key '\(key)' (keys: \(ToleranceOverride.keys.joined(separator: ", ")))")
            }
        }
    }

    /// Checks the values a decoded override holds (YAML gives no range checks).
    public func validated() throws -> ToleranceOverride {
        if let r = rule, Tolerance.Rule(rawValue: r) == nil {
            throw CheckingError.invalidTolerance("rule '\(r)': expected one of \(Tolerance.Rule.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for (k, v) in [("atol", atol), ("rtol", rtol), ("steps", steps)] {
            if let v, !(v.isFinite && v >= 0) { throw CheckingError.invalidTolerance("\(k) \(v): expected a finite number ≥ 0") }
        }
        if let m = maxUlp, m < 0 { throw CheckingError.invalidTolerance("max_ulp \(m): expected an integer ≥ 0") }
        return self
    }

    /// `base` with this override's fields applied; `source` names the override.
    public func applied(to base: Tolerance, source: String) -> Tolerance {
        var t = base
        if let r = rule, let parsed = Tolerance.Rule(rawValue: r) { t.rule = parsed }
        if let v = atol { t.atol = v }
        if let v = rtol { t.rtol = v }
        if let v = maxUlp { t.maxUlp = v }
        if let v = steps { t.steps = v }
        if let v = equalNaN { t.equalNaN = v }
        t.source = source
        return t
    }

    /// The override as `key=value` text (its `--tolerance` spelling).
    public var text: String {
        var parts: [String] = []
        if let r = rule { parts.append("rule=\(r)") }
        if let v = atol { parts.append("atol=\(v)") }
        if let v = rtol { parts.append("rtol=\(v)") }
        if let v = maxUlp { parts.append("max_ulp=\(v)") }
        if let v = steps { parts.append("steps=\(v)") }
        if let v = equalNaN { parts.append("equal_nan=\(v)") }
        return parts.joined(separator: ",")
    }
}

/// Which tolerance applies to an output: per-output overrides first (command line, then the
/// golden manifest), then per-dtype overrides, then `Tolerance.defaultFor`.
public struct TolerancePolicy: Sendable, Equatable {
    /// `--tolerance NAME:…` (output name → override).
    public var outputs: [String: ToleranceOverride]
    /// `--tolerance dtype=float16:…`.
    public var dtypes: [DType: ToleranceOverride]
    /// `--tolerance all:…` (every output, below per-output and per-dtype overrides).
    public var all: ToleranceOverride?

    public init(outputs: [String: ToleranceOverride] = [:], dtypes: [DType: ToleranceOverride] = [:], all: ToleranceOverride? = nil) {
        self.outputs = outputs
        self.dtypes = dtypes
        self.all = all
    }

    /// Parses one `--tolerance` value: `NAME:KEY=V,…`, `dtype=float16:KEY=V,…` or `all:KEY=V,…`
    /// (the last `:` separates the target from the settings, so output names may contain `:`).
    public mutating func add(_ argument: String) throws {
        guard let colon = argument.lastIndex(of: ":"), colon != argument.startIndex else {
            throw CheckingError.invalidTolerance("'\(argument)': expected NAME:KEY=VALUE[,…], dtype=TYPE:… or all:…")
        }
        let target = String(argument[..<colon])
        let settings = try ToleranceOverride(parsing: String(argument[argument.index(after: colon)...]))
        if target == "all" {
            all = settings
        } else if target.hasPrefix("dtype=") {
            let name = String(target.dropFirst("dtype=".count))
            guard let dtype = DType(rawValue: name) else { throw CheckingError.invalidTolerance("'\(name)' is not an element type") }
            dtypes[dtype] = settings
        } else {
            outputs[target] = settings
        }
    }

    /// The tolerance for output `name` whose compared values have `dtype` (and, when dequantised,
    /// the candidate's `quantization`). `manifest` is the golden case's per-output override.
    public func resolve(output name: String, dtype: DType, quantization: QuantizationParameters? = nil,
                        manifest: ToleranceOverride? = nil) -> Tolerance {
        var t = Tolerance.defaultFor(dtype, quantization: quantization)
        if let a = all { t = a.applied(to: t, source: "--tolerance all:\(a.text)") }
        if let d = dtypes[dtype] { t = d.applied(to: t, source: "--tolerance dtype=\(dtype):\(d.text)") }
        if let m = manifest { t = m.applied(to: t, source: "golden manifest (\(m.text))") }
        if let o = outputs[name] { t = o.applied(to: t, source: "--tolerance \(name):\(o.text)") }
        return t
    }
}
