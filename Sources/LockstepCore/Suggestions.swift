/// "Did you mean" by edit distance (case-insensitive), as swift-argument-parser and the ONNX
/// reference `load_op` do: the one rule behind every suggestion Lockstep prints (unknown ops in
/// the interpreter, target ids, keys of YAML files, op names in `opsets/`).
public enum Suggestions {
    /// Up to `limit` of `candidates` closest to `name`, nearest first (ties by name): those within
    /// `max(2, name.count / 4)` edits, and those that contain `name` or (for names of four or more
    /// characters) are contained in it.
    public static func closest(to name: String, in candidates: [String], limit: Int = 3) -> [String] {
        let lower = name.lowercased()
        let scored = candidates.map { ($0, distance(lower, $0.lowercased())) }
        let threshold = max(2, name.count / 4)
        let near = scored.filter { $0.1 <= threshold || $0.0.lowercased().contains(lower) || (lower.count >= 4 && lower.contains($0.0.lowercased())) }
        return near.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(limit).map(\.0)
    }

    /// Optimal string alignment distance (insertions, deletions, substitutions and adjacent
    /// transpositions cost 1).
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}
