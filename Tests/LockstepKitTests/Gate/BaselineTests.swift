import Foundation
import LockstepCore
import Reporting
import XCTest

@testable import LockstepKit

/// Baseline semantics: identity, new / unchanged / worse / fixed, and the gate's verdict.
final class BaselineTests: XCTestCase {
    static func f(_ kind: FindingKind = .numericDivergence, _ severity: Severity = .error, model: String = "m", node: String? = "fc",
                  index: Int? = 5, measured: Double? = 0.5, threshold: Double? = 1e-4, target: String? = nil, message: String = "msg") -> Finding {
        Finding(kind: kind, severity: severity, model: model, form: .tflite, target: target,
                location: FindingLocation(graphPath: ["main"], nodeIndex: index, nodeName: node, op: "Gemm"),
                measured: measured, threshold: threshold, message: message)
    }

    static func report(_ findings: [Finding]) -> Report {
        Report(generatedAt: Date(timeIntervalSince1970: 0), command: CommandInfo(name: "gate"), findings: findings)
    }

    func testIdentityIsKindModelFormTargetAndLocation() {
        let a = Self.f()
        XCTAssertEqual(Baseline.identity(a), Baseline.identity(Self.f(measured: 9, message: "other words")), "message and value are not identity")
        XCTAssertEqual(Baseline.identity(a), Baseline.identity(Self.f(index: 7)), "a named node keeps its identity when it moves")
        XCTAssertNotEqual(Baseline.identity(Self.f(node: nil, index: 5)), Baseline.identity(Self.f(node: nil, index: 6)))
        XCTAssertNotEqual(Baseline.identity(a), Baseline.identity(Self.f(.droppedOp)))
        XCTAssertNotEqual(Baseline.identity(a), Baseline.identity(Self.f(model: "n")))
        XCTAssertNotEqual(Baseline.identity(a), Baseline.identity(Self.f(target: "tflite-gpu")))
        XCTAssertNotEqual(Baseline.identity(a), Baseline.identity(Self.f(node: "fc2")))
    }

    func testWorseIsPastTheBaselineInTheFailingDirection() {
        let cases: [(id: String, now: Finding, before: Finding, margin: Double, worse: Bool)] = [
            ("same", Self.f(), Self.f(), 0, false),
            ("error grew", Self.f(measured: 0.6), Self.f(measured: 0.5), 0, true),
            ("error shrank", Self.f(measured: 0.4), Self.f(measured: 0.5), 0, false),
            ("within margin", Self.f(measured: 0.504), Self.f(measured: 0.5), 0.01, false),
            ("past margin", Self.f(measured: 0.506), Self.f(measured: 0.5), 0.01, true),
            ("severity rose", Self.f(.fallback, .error, measured: nil), Self.f(.fallback, .warning, measured: nil), 0, true),
            ("severity fell", Self.f(.fallback, .warning, measured: nil), Self.f(.fallback, .error, measured: nil), 0, false),
            // Failing below the threshold (e.g. an accuracy floor): lower is worse.
            ("below threshold, lower", Self.f(measured: 0.80, threshold: 0.9), Self.f(measured: 0.85, threshold: 0.9), 0, true),
            ("below threshold, higher", Self.f(measured: 0.88, threshold: 0.9), Self.f(measured: 0.85, threshold: 0.9), 0, false),
            ("no threshold: counts up", Self.f(measured: 3, threshold: nil), Self.f(measured: 2, threshold: nil), 0, true),
            ("became NaN", Self.f(measured: .nan), Self.f(measured: 0.5), 0, true),
            ("value appeared", Self.f(measured: 1), Self.f(measured: nil), 0, false),
        ]
        for c in cases {
            XCTAssertEqual(Baseline.isWorse(c.now, than: c.before, margin: c.margin), c.worse, c.id)
        }
    }

    func testStatusesAndFixed() {
        let baseline = Self.report([
            Self.f(node: "a", measured: 0.5), Self.f(node: "b", measured: 0.5), Self.f(node: "gone"),
            Self.f(.fallback, .warning, model: "other", node: "x"),
        ])
        let now = Report.sortFindings([
            Self.f(node: "a", measured: 0.5), Self.f(node: "b", measured: 0.9), Self.f(node: "new"),
        ])
        let section = Baseline.compare(now, baseline: baseline, baselinePath: "b.json")
        let byNode = Dictionary(uniqueKeysWithValues: zip(now.map { $0.location!.nodeName! }, section.entries.map(\.status)))
        XCTAssertEqual(byNode, ["a": .unchanged, "b": .worse, "new": .new])
        XCTAssertEqual(section.fixed.map { $0.location!.nodeName! }, ["gone", "x"])
        XCTAssertEqual(section.counts, ["new": 1, "unchanged": 1, "worse": 1, "fixed": 2])
        XCTAssertEqual(section.entries[now.firstIndex { $0.location?.nodeName == "b" }!].previousMeasured, 0.5)
        // A shard covering only model "m" does not call model "other"'s finding fixed.
        let shard = Baseline.compare(now, baseline: baseline, baselinePath: "b.json", models: ["m"])
        XCTAssertEqual(shard.fixed.map { $0.location!.nodeName! }, ["gone"])
    }

    func testRepeatedIdentitiesArePairedOneToOne() {
        // Two accuracy findings of one class (two candidates of the same format) share an identity.
        let one = Finding(kind: .classRegression, severity: .error, model: "m", form: .onnx, location: FindingLocation(classLabel: "4"),
                          measured: 0.1, threshold: 0.02, message: "candidate a")
        var two = one
        two.message = "candidate b"
        let section = Baseline.compare([one, two], baseline: Self.report([one]), baselinePath: "b.json")
        XCTAssertEqual(section.entries.map(\.status), [.unchanged, .new])
        XCTAssertTrue(Baseline.compare([one], baseline: Self.report([one, two]), baselinePath: "b.json").fixed.count == 1)
    }

    func testTheGatePassesWhenNothingBlockingIsNewOrWorse() {
        let policy = GatePolicyRecord(failOn: .error)
        let error = Self.f(), warning = Self.f(.fallback, .warning, node: "w")
        XCTAssertFalse(Baseline.passes([error], policy: policy, baseline: nil))
        XCTAssertTrue(Baseline.passes([warning], policy: policy, baseline: nil))
        let unchanged = Baseline.compare([error], baseline: Self.report([error]), baselinePath: "b")
        XCTAssertTrue(Baseline.passes([error], policy: policy, baseline: unchanged))
        var worse = error
        worse.measured = 0.7
        XCTAssertFalse(Baseline.passes([worse], policy: policy, baseline: Baseline.compare([worse], baseline: Self.report([error]), baselinePath: "b")))
        // Kinds outside fail_on.kinds never block.
        XCTAssertTrue(Baseline.passes([error], policy: GatePolicyRecord(failOn: .info, kinds: [.droppedOp]), baseline: nil))
        XCTAssertFalse(Baseline.passes([warning], policy: GatePolicyRecord(failOn: .warning, kinds: [.fallback]), baseline: nil))
    }

    func testShardPositionsAreRoundRobin() throws {
        XCTAssertEqual(Shards.positions(count: 7, shard: nil), Array(0..<7))
        XCTAssertEqual(Shards.positions(count: 7, shard: try Shards.parse("1/3")), [0, 3, 6])
        XCTAssertEqual(Shards.positions(count: 7, shard: try Shards.parse("3/3")), [2, 5])
        XCTAssertEqual(Shards.positions(count: 2, shard: try Shards.parse("4/4")), [])
        let all = (1...4).flatMap { Shards.positions(count: 10, shard: ShardRecord(index: $0, count: 4)) }.sorted()
        XCTAssertEqual(all, Array(0..<10), "every model in exactly one shard")
        for bad in ["0/3", "4/3", "1/0", "a/b", "1", "1/2/3", "-1/2", ""] {
            XCTAssertThrowsError(try Shards.parse(bad), bad) { error in
                XCTAssertTrue(error.localizedDescription.contains("--shard"), "\(error)")
            }
        }
    }
}
