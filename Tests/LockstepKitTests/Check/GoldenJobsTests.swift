import Checking
import Foundation
import LockstepTestSupport
import Reporting
import TensorIO
import XCTest
@testable import LockstepKit

final class GoldenJobsTests: XCTestCase {
    var temp = ""

    override func setUpWithError() throws {
        temp = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-goldenjobs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: temp) }

    func testTheCommittedGoldensAreIntactAndAgreeWithBothForms() throws {
        let verify = try GoldenJobs.verify(paths: [Repo.path("golden/pairnet")], arguments: [], now: Date(timeIntervalSince1970: 0))
        XCTAssertEqual(verify.goldens?.map(\.name), ["pairnet/litert", "pairnet/onnxruntime", "pairnet/reference"])
        XCTAssertEqual(verify.findings, [])
        var o = Check.Options(onnx: Repo.path("examples/pairs/pairnet.onnx"))
        o.tflite = Repo.path("examples/pairs/pairnet.tflite")
        o.golden = Repo.path("golden/pairnet")
        o.opsets = Repo.path("opsets")
        let report = try Check.run(o)
        XCTAssertEqual(report.findings, [])
        XCTAssertEqual(report.comparisons?.count, 9)
        XCTAssertTrue(report.comparisons?.allSatisfy(\.passed) == true)
        // A broken conversion against the same goldens: one root cause, one finding.
        o.tflite = Repo.path("examples/pairs/pairnet_no_activation.tflite")
        XCTAssertEqual(try Check.run(o).findings.map { "\($0.kind.rawValue)@\($0.location?.nodeName ?? "-")" }, ["droppedOp@relu2"])
    }

    func testRecordFromTheReferenceInterpreterThenVerifyAndCheck() throws {
        let dir = temp + "/golden/pairnet/seed-3"
        var r = GoldenJobs.RecordOptions(caseDirectory: dir, model: Repo.path("examples/pairs/pairnet.onnx"))
        r.randomSeed = 3
        r.tolerances = ["probs": ToleranceOverride(atol: 1e-4)]
        r.now = { Date(timeIntervalSince1970: 1_767_225_600) }
        let manifest = try GoldenJobs.record(r)
        XCTAssertEqual(manifest.created, "2026-01-01T00:00:00Z")
        XCTAssertEqual(manifest.inputs.first?.provenance.runtime, "lockstep random inputs")
        XCTAssertEqual(manifest.outputs.first?.provenance.runtime, "lockstep reference interpreter")
        XCTAssertEqual(manifest.outputs.first?.provenance.form, "onnx")
        XCTAssertEqual(manifest.outputs.first?.tolerance, ToleranceOverride(atol: 1e-4))
        XCTAssertThrowsError(try GoldenJobs.record(r)) { error in
            XCTAssertEqual(error as? CheckingError, .wouldOverwrite(path: dir + "/manifest.yaml", flag: "--force"))
        }
        var o = Check.Options(onnx: Repo.path("examples/pairs/pairnet.onnx"))
        o.golden = dir
        o.opsets = Repo.path("opsets")
        let passing = try Check.run(o)
        XCTAssertEqual(passing.findings, [])
        XCTAssertEqual(passing.comparisons?.first?.tolerance.source, "golden manifest (atol=0.0001)")

        // Change an output: the golden no longer verifies, and check says so.
        let output = dir + "/outputs/probs.npy"
        let values = try Npy.read(path: output).floatValues().map { $0 + 0.01 }
        try Npy.write(try .init(float32: values, shape: [1, 10]), to: output, overwrite: true)
        let verify = try GoldenJobs.verify(paths: [temp + "/golden"], arguments: [], now: Date())
        XCTAssertEqual(verify.findings.map(\.kind), [.goldenIntegrity])
        XCTAssertFalse(verify.gate.passed)
        XCTAssertThrowsError(try Check.run(o)) { error in
            XCTAssertTrue((error as? LocalizedError)?.errorDescription?.contains("outputs/probs.npy: sha256") == true, "\(error)")
        }
    }

    func testCapturedOutputsNeedTheirProvenance() throws {
        var r = GoldenJobs.RecordOptions(caseDirectory: temp + "/g/s/c", model: Repo.path("examples/pairs/pairnet.onnx"))
        r.captured = Repo.path("golden/pairnet/onnxruntime/outputs/probs.npy")
        XCTAssertThrowsError(try GoldenJobs.record(r)) { error in
            XCTAssertTrue("\(error)".contains("--captured needs --runtime NAME and --runtime-version V"), "\(error)")
        }
        r.runtime = "onnxruntime"
        r.runtimeVersion = "1.31.1"
        XCTAssertThrowsError(try GoldenJobs.record(r)) { error in
            XCTAssertTrue("\(error)".contains("records no inputs; pass --inputs DIR"), "\(error)")
        }
        r.inputDirectory = Repo.path("examples/pairs/inputs")
        let m = try GoldenJobs.record(r)
        XCTAssertEqual(m.outputs.first?.provenance.runtime, "onnxruntime")
        XCTAssertEqual(m.outputs.first?.sha256, SHA256.hex(fileAt: Repo.path("golden/pairnet/onnxruntime/outputs/probs.npy")))
    }
}
