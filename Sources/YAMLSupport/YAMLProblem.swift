import Yams

/// A problem in a YAML document: the 1-based line of the node it concerns (when it has a place)
/// and the reason. Readers throw it; each loader turns it into its module's error at its boundary
/// (`<file>:<line>: <reason>`), so every strict YAML file reports problems the same way.
public struct YAMLProblem: Error, Equatable, Sendable {
    public var line: Int?
    public var reason: String

    public init(line: Int?, reason: String) {
        self.line = line
        self.reason = reason
    }

    /// A problem at `node` (no line when `node` is nil or has no mark).
    public init(_ node: Yams.Node?, _ reason: String) {
        self.init(line: node?.mark?.line, reason: reason)
    }

    /// `path:line` when the problem has a line, else `path`: the place an error message names.
    public func place(in path: String) -> String {
        line.map { "\(path):\($0)" } ?? path
    }
}
