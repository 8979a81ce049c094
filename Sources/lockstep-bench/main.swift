// Parse-speed benchmark driver: loads each model N times through the full ONNX loader
// (map → wire check → protobuf-c unpack → IR conversion) and prints one JSON line per model.
// Used by scripts/bench-parse.sh; results go into docs/benchmarks.md. Not a test.
import Foundation
import CONNXProto
import LockstepCore
import LockstepKit
import TensorIO

func usage() -> Never {
    FileHandle.standardError.write(Data("usage: lockstep-bench [--iterations N] MODEL...\n".utf8))
    exit(2)
}

var iterations = 20
var paths: [String] = []
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    if argument == "--iterations" {
        guard let value = arguments.popFirst().flatMap(Int.init), value > 0 else { usage() }
        iterations = value
    } else {
        paths.append(argument)
    }
}
if paths.isEmpty { usage() }

for path in paths {
    var samples: [Double] = []
    var nodes = 0
    do {
        // Warm the page cache like the Python side does. As in `model = onnx.load(path)`, the
        // previous model is released inside the timed region.
        var previous: Model? = try ModelFile.load(path: path)
        for _ in 0..<iterations {
            let start = DispatchTime.now().uptimeNanoseconds
            let model = try ModelFile.load(path: path)
            previous = model
            let end = DispatchTime.now().uptimeNanoseconds
            nodes = previous?.graph.nodes.count ?? 0
            samples.append(Double(end - start) / 1e6)
        }
    } catch {
        FileHandle.standardError.write(Data("lockstep: error: \(error.localizedDescription)\n".utf8))
        exit(2)
    }
    // Phase split: map + wire check/skeleton + protobuf-c unpack only (no IR conversion).
    var unpackSamples: [Double] = []
    for _ in 0..<iterations {
        let start = DispatchTime.now().uptimeNanoseconds
        let file = try! MappedFile(path: path)
        _ = try! UnpackedMessage.unpack(file.bytes, descriptor: lockstep_onnx_model_descriptor(), path: path, what: "ONNX model", source: file)
        unpackSamples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    samples.sort()
    unpackSamples.sort()
    let median = samples[samples.count / 2]
    print("{\"tool\":\"lockstep\",\"path\":\"\(path)\",\"iterations\":\(iterations),\"minMs\":\(samples[0]),\"medianMs\":\(median),\"unpackMedianMs\":\(unpackSamples[unpackSamples.count / 2]),\"nodes\":\(nodes)}")
}
