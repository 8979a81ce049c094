import LockstepCore

/// One registry entry: an op of a domain, the opset versions it covers, and its factory.
public struct OpRegistration: Sendable {
    public var domain: String
    public var name: String
    /// Opset versions this implementation follows (first version the semantics apply from,
    /// through the last one before they change).
    public var versions: ClosedRange<Int>
    public var factory: KernelFactory
    /// Evaluate the node once at compile time when all its inputs are constants (TFLite computes
    /// DEQUANTIZE and DENSIFY of constant weights once, in Prepare). Only for pure ops.
    public var foldsConstants = false

    public init(_ name: String, domain: String = "", versions: ClosedRange<Int> = 1...Int.max, factory: @escaping KernelFactory) {
        self.domain = domain
        self.name = name
        self.versions = versions
        self.factory = factory
    }
}

/// The single table of ops the interpreter implements, looked up by domain, name and opset.
public struct OpRegistry: Sendable {
    private var table: [String: [OpRegistration]] = [:]

    public init(_ registrations: [OpRegistration]) {
        for r in registrations { table[Self.key(r.domain, r.name), default: []].append(r) }
    }

    static func key(_ domain: String, _ name: String) -> String {
        (domain == "ai.onnx" ? "" : domain) + "::" + name
    }

    /// The registration for `op` at `opset`, if any.
    public func lookup(domain: String, name: String, opset: Int) -> OpRegistration? {
        table[Self.key(domain, name)]?.first { $0.versions.contains(opset) }
    }

    /// Every registered op as `domain::Op` (default domain as `Op`), sorted.
    public var opNames: [String] {
        Set(table.values.flatMap { $0 }.map { $0.domain.isEmpty ? $0.name : "\($0.domain)::\($0.name)" }).sorted()
    }

    /// Registered version ranges of an op (empty when unknown).
    public func versions(domain: String, name: String) -> [ClosedRange<Int>] {
        table[Self.key(domain, name)]?.map(\.versions) ?? []
    }

    /// Up to three registered op names closest to `name` (`Suggestions`, case-insensitive).
    public func suggestions(for name: String) -> [String] {
        Suggestions.closest(to: name, in: opNames)
    }
}
