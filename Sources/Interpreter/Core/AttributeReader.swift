import LockstepCore

/// Typed access to a node's attributes with spec defaults; mismatched kinds are errors.
public struct AttributeReader {
    public let node: Node

    func value(_ name: String) -> AttributeValue? { node.attribute(name) }

    public func has(_ name: String) -> Bool { value(name) != nil }

    public func int(_ name: String) throws -> Int? {
        guard let v = value(name) else { return nil }
        guard case .int(let i) = v else { throw KernelError("attribute '\(name)' must be INT, found \(v.kindName)") }
        guard let n = Int(exactly: i) else { throw KernelError("attribute '\(name)' is out of range: \(i)") }
        return n
    }

    public func int(_ name: String, default d: Int) throws -> Int { try int(name) ?? d }

    public func float(_ name: String) throws -> Float? {
        guard let v = value(name) else { return nil }
        switch v {
        case .float(let f): return f
        case .int(let i): return Float(i)  // some exporters write integral floats as INT
        default: throw KernelError("attribute '\(name)' must be FLOAT, found \(v.kindName)")
        }
    }

    public func float(_ name: String, default d: Float) throws -> Float { try float(name) ?? d }

    public func string(_ name: String) throws -> String? {
        guard let v = value(name) else { return nil }
        guard case .string(let bytes) = v else { throw KernelError("attribute '\(name)' must be STRING, found \(v.kindName)") }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func string(_ name: String, default d: String) throws -> String { try string(name) ?? d }

    public func ints(_ name: String) throws -> [Int]? {
        guard let v = value(name) else { return nil }
        guard case .ints(let values) = v else { throw KernelError("attribute '\(name)' must be INTS, found \(v.kindName)") }
        return try values.map { i in
            guard let n = Int(exactly: i) else { throw KernelError("attribute '\(name)' value \(i) is out of range") }
            return n
        }
    }

    public func floats(_ name: String) throws -> [Float]? {
        guard let v = value(name) else { return nil }
        guard case .floats(let values) = v else { throw KernelError("attribute '\(name)' must be FLOATS, found \(v.kindName)") }
        return values
    }

    public func strings(_ name: String) throws -> [String]? {
        guard let v = value(name) else { return nil }
        guard case .strings(let values) = v else { throw KernelError("attribute '\(name)' must be STRINGS, found \(v.kindName)") }
        return values.map { String(decoding: $0, as: UTF8.self) }
    }

    public func tensor(_ name: String) throws -> Tensor? {
        guard let v = value(name) else { return nil }
        guard case .tensor(let t) = v else { throw KernelError("attribute '\(name)' must be TENSOR, found \(v.kindName)") }
        return t
    }

    public func graph(_ name: String) throws -> Graph {
        guard let v = value(name) else { throw KernelError("attribute '\(name)' (GRAPH) is required") }
        guard case .graph(let g) = v else { throw KernelError("attribute '\(name)' must be GRAPH, found \(v.kindName)") }
        return g
    }
}
