/// A set of op versions: a union of closed ranges, the last possibly open (`7+`).
public struct VersionSet: Sendable, Hashable, CustomStringConvertible {
    /// Sorted, non-overlapping ranges; `upper` nil = open.
    public private(set) var ranges: [(lower: Int, upper: Int?)]

    public init(ranges: [(lower: Int, upper: Int?)]) {
        self.ranges = VersionSet.normalised(ranges)
    }

    public func contains(_ version: Int) -> Bool {
        ranges.contains { version >= $0.lower && ($0.upper.map { version <= $0 } ?? true) }
    }

    /// `1-6, 8, 11+`.
    public var description: String {
        ranges.map { r in
            guard let upper = r.upper else { return "\(r.lower)+" }
            return upper == r.lower ? "\(r.lower)" : "\(r.lower)-\(upper)"
        }.joined(separator: ", ")
    }

    /// Parses `3`, `1-6`, `7+`, `1-6, 8, 11+`. Returns the reason on failure.
    public static func parse(_ text: String) -> Result<VersionSet, VersionSetError> {
        var ranges: [(lower: Int, upper: Int?)] = []
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        for part in parts {
            guard !part.isEmpty else { return .failure(VersionSetError("empty item in version list '\(text)'")) }
            if part.hasSuffix("+") {
                guard let lower = version(part.dropLast()) else { return .failure(VersionSetError("'\(part)' is not a version (expected N+)")) }
                ranges.append((lower, nil))
            } else if let dash = part.firstIndex(of: "-"), dash != part.startIndex {
                guard let lower = version(part[..<dash]), let upper = version(part[part.index(after: dash)...]) else {
                    return .failure(VersionSetError("'\(part)' is not a version range (expected LOW-HIGH)"))
                }
                guard lower <= upper else { return .failure(VersionSetError("version range '\(part)' is empty (\(lower) > \(upper))")) }
                ranges.append((lower, upper))
            } else {
                guard let v = version(Substring(part)) else { return .failure(VersionSetError("'\(part)' is not a version")) }
                ranges.append((v, v))
            }
        }
        return .success(VersionSet(ranges: ranges))
    }

    /// Versions are positive integers.
    static func version<S: StringProtocol>(_ text: S) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty, t.allSatisfy(\.isASCII), t.allSatisfy(\.isNumber), t.count <= 9, let v = Int(t), v >= 1 else { return nil }
        return v
    }

    static func normalised(_ input: [(lower: Int, upper: Int?)]) -> [(lower: Int, upper: Int?)] {
        let sorted = input.sorted { $0.lower < $1.lower }
        var out: [(lower: Int, upper: Int?)] = []
        for r in sorted {
            if let last = out.last {
                guard let lastUpper = last.upper else { continue }  // already open
                if r.lower <= lastUpper + 1 {
                    out[out.count - 1].upper = r.upper.map { Swift.max($0, lastUpper) }
                    continue
                }
            }
            out.append(r)
        }
        return out
    }

    public static func == (a: VersionSet, b: VersionSet) -> Bool {
        a.ranges.count == b.ranges.count && zip(a.ranges, b.ranges).allSatisfy { $0.lower == $1.lower && $0.upper == $1.upper }
    }

    public func hash(into hasher: inout Hasher) {
        for r in ranges {
            hasher.combine(r.lower)
            hasher.combine(r.upper)
        }
    }
}

/// Why a version list does not parse.
public struct VersionSetError: Error, Hashable {
    public var reason: String
    init(_ reason: String) { self.reason = reason }
}

import Foundation
