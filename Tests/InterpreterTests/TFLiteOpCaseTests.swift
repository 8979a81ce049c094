import Foundation
import LockstepCore
import LockstepTestSupport
import XCTest

@testable import Interpreter

/// Every committed LiteRT case (`Tests/Fixtures/tflite-op-tests`, scripts/make-tflite-op-tests.py:
/// single-op models per builtin × options × float32 / int8 / int8 per-tensor / int16x8, and the
/// MLP and CNN in every PTQ scheme, with LiteRT 2.3.0 BUILTIN_REF outputs) through a TFLite
/// `Session`, compared with the case's tolerance (integer schemes: 0, bit-exact). Cases the
/// interpreter does not implement yet are listed with their reason; anything else must pass.
final class TFLiteOpCaseTests: XCTestCase {
    struct CaseFile: Decodable {
        struct Tolerance: Decodable { var atol: Double; var rtol: Double }
        var op: String
        var scheme: String
        var tolerance: Tolerance
    }

    /// Cases not implemented, with the reason (data, not code branches).
    static let unsupported: [String: String] = [
        "batch_matmul_hybrid_dynamic": "hybrid (dynamic-range) BATCH_MATMUL: float input, int8 weights",
        "batch_matmul_int16x8": "int16 BATCH_MATMUL: no 16-bit batch matmul kernel yet",
        "batch_matmul_adj_y_int16x8": "int16 BATCH_MATMUL: no 16-bit batch matmul kernel yet",
    ]

    func testEveryCommittedLiteRTCaseRunsThroughTheTFLiteExecutor() throws {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: LiteRTCase.directory)) ?? []).filter {
            FileManager.default.fileExists(atPath: "\(LiteRTCase.directory)/\($0)/case.json")
        }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 200)
        var passed = 0, failures: [String] = [], unsupported: [String] = []
        for name in names {
            let key = name.hasPrefix("op_") ? String(name.dropFirst(3)) : name
            let file = try JSONDecoder().decode(CaseFile.self, from: Data(contentsOf: URL(fileURLWithPath: "\(LiteRTCase.directory)/\(name)/case.json")))
            do {
                let c = try LiteRTCase(name)
                let session = try Session(model: c.model)
                var feeds: [String: Value] = [:]
                for (info, t) in zip(c.graph.inputs, c.inputs) { feeds[info.name] = .tensor(t) }
                let result = try session.run(feeds)
                var problem: String?
                for (i, expected) in c.outputs.enumerated() {
                    guard case .tensor(let actual)? = result.outputs[i].value else { problem = "output \(i) missing"; break }
                    if let p = Self.compare(actual, expected, atol: file.tolerance.atol, rtol: file.tolerance.rtol) {
                        problem = "output \(i): \(p)"
                        break
                    }
                }
                if let problem { failures.append("\(key) [\(file.scheme)]: \(problem)") } else { passed += 1 }
            } catch let error as InterpreterError where error.isUnsupported {
                unsupported.append(key)
                if Self.unsupported[key] == nil { failures.append("\(key): unexpectedly unsupported: \(error.localizedDescription)") }
            } catch {
                failures.append("\(key): \(error.localizedDescription)")
            }
        }
        print("TFLite op cases: \(passed) passed, \(failures.count) failed, \(unsupported.count) unsupported of \(names.count)")
        XCTAssertTrue(failures.isEmpty, "\(failures.count) cases differ from LiteRT:\n" + failures.joined(separator: "\n"))
        XCTAssertEqual(Set(unsupported), Set(Self.unsupported.keys), "the unsupported list is out of date")
    }

    /// numpy `allclose(actual, expected, rtol, atol)` plus exact dtype and shape; nil when equal.
    static func compare(_ a: Tensor, _ e: Tensor, atol: Double, rtol: Double) -> String? {
        guard a.dtype == e.dtype else { return "dtype \(a.dtype), expected \(e.dtype)" }
        guard a.shape == e.shape else { return "shape \(a.shape), expected \(e.shape)" }
        guard let x = try? a.doubleValues(), let y = try? e.doubleValues() else { return "cannot read values" }
        var bad = 0, worst = 0.0, at = 0
        for i in x.indices {
            if x[i].isNaN && y[i].isNaN { continue }
            let d = abs(x[i] - y[i])
            if !(d <= atol + rtol * abs(y[i])) {
                bad += 1
                if d > worst || worst.isNaN { worst = d; at = i }
            }
        }
        return bad == 0 ? nil : "\(bad) of \(x.count) elements differ, worst |Δ| \(worst) at \(at) (\(x[at]) vs \(y[at]))"
    }
}
