import Yams

/// One entry of a YAML mapping: its key as text, the key's node (for its line) and the value.
public struct YAMLEntry {
    public let key: String
    public let keyNode: Yams.Node
    public let value: Yams.Node
}

/// The entries of a checked mapping in file order (keys allowed and unique), looked up by key.
public struct YAMLMapping: RandomAccessCollection {
    public let entries: [YAMLEntry]

    public var startIndex: Int { entries.startIndex }
    public var endIndex: Int { entries.endIndex }
    public subscript(position: Int) -> YAMLEntry { entries[position] }

    /// The value under `key`, if present.
    public subscript(key: String) -> Yams.Node? { entry(key)?.value }

    /// The entry under `key`, if present.
    public func entry(_ key: String) -> YAMLEntry? { entries.first { $0.key == key } }
}
