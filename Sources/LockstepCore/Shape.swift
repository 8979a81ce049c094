/// A declared shape, possibly with symbolic or unknown dimensions. `nil` rank (see
/// `ValueType`) means the file declares no shape at all.
public struct Shape: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByArrayLiteral {
    public var dimensions: [Dimension]

    public init(_ dimensions: [Dimension]) { self.dimensions = dimensions }
    public init(fixed: [Int]) { self.dimensions = fixed.map { .fixed($0) } }
    public init(arrayLiteral elements: Int...) { self.init(fixed: elements) }

    public var rank: Int { dimensions.count }

    /// True when every dimension is a fixed size.
    public var isStatic: Bool { dimensions.allSatisfy { $0.fixedValue != nil } }

    /// The fixed sizes when the shape is static.
    public var fixedDimensions: [Int]? {
        var out: [Int] = []
        out.reserveCapacity(dimensions.count)
        for d in dimensions {
            guard let n = d.fixedValue else { return nil }
            out.append(n)
        }
        return out
    }

    /// Names of the symbolic dimensions, in order of first appearance.
    public var symbols: [String] {
        var seen: [String] = []
        for case .symbolic(let s) in dimensions where !seen.contains(s) { seen.append(s) }
        return seen
    }

    /// `[1, 3, "H", ?]` style rendering.
    public var description: String { "[" + dimensions.map(\.description).joined(separator: ", ") + "]" }

    public init(from decoder: Decoder) throws {
        dimensions = try decoder.singleValueContainer().decode([Dimension].self)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(dimensions)
    }

    /// Product of fixed sizes, `nil` when a dimension is not fixed, negative, or the product overflows.
    public static func elementCount(_ dims: [Int]) -> Int? {
        var count = 1
        for d in dims {
            guard d >= 0 else { return nil }
            let (p, o) = count.multipliedReportingOverflow(by: d)
            if o { return nil }
            count = p
        }
        return count
    }
}

extension Shape {
    /// One dimension of a declared (value-info) shape.
    public enum Dimension: Hashable, Sendable, Codable, CustomStringConvertible {
        /// A fixed size.
        case fixed(Int)
        /// A named, symbolic size such as `batch` or `N`.
        case symbolic(String)
        /// A dimension the file leaves open without a name.
        case unknown

        public var description: String {
            switch self {
            case .fixed(let n): return String(n)
            case .symbolic(let name): return name
            case .unknown: return "?"
            }
        }

        public var fixedValue: Int? {
            if case .fixed(let n) = self { return n }
            return nil
        }

        // Codable as a JSON scalar: an integer, a string for a symbolic name, or null.
        public init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .unknown }
            else if let n = try? c.decode(Int.self) { self = .fixed(n) }
            else { self = .symbolic(try c.decode(String.self)) }
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .fixed(let n): try c.encode(n)
            case .symbolic(let s): try c.encode(s)
            case .unknown: try c.encodeNil()
            }
        }
    }
}
