import Foundation
import LockstepCore

extension InspectReport {
    /// Canonical JSON: sorted keys, two-space indentation, no escaped slashes, trailing newline.
    public func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Human-readable summary for the terminal.
    public func text() -> String {
        var lines: [String] = [path]
        func row(_ label: String, _ value: String) {
            lines.append("  " + label.padding(toLength: 14, withPad: " ", startingAt: 0) + value)
        }
        let opsetText = opsets.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        switch format {
        case .onnx: row("format", "onnx (IR \(irVersion); opsets \(opsetText.isEmpty ? "none" : opsetText))")
        case .tflite: row("format", "tflite (schema version \(irVersion))")
        case .tensorrt: row("format", "tensorrt (plan bundle)")
        }
        let producerText = [producer.name, producer.version].filter { !$0.isEmpty }.joined(separator: " ")
        row("producer", producerText.isEmpty ? "(not recorded)" : producerText)
        func ioLines(_ label: String, _ values: [IOValue]) {
            if values.isEmpty { row(label, "none") }
            let width = values.map(\.name.count).max() ?? 0
            for (i, v) in values.enumerated() {
                let typeText: String
                if let dtype = v.dtype { typeText = "\(dtype.rawValue) \(v.shape?.description ?? "(shape not declared)")" }
                else { typeText = v.type }
                row(i == 0 ? label : "", v.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + typeText)
            }
        }
        ioLines("inputs", inputs)
        ioLines("outputs", outputs)
        let subgraphs = graphs.count - 1
        row("nodes", "\(nodeCount) in \(graphs.count) graph\(graphs.count == 1 ? "" : "s")"
            + (subgraphs > 0 ? " (main \(graphs.first?.nodeCount ?? 0), \(subgraphs) subgraph\(subgraphs == 1 ? "" : "s"))" : ""))
        let ops = opHistogram.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        var opLine = ""
        var first = true
        for (op, count) in ops {
            let item = "\(op) \(count)"
            if opLine.count + item.count + 2 > 70 && !opLine.isEmpty {
                row(first ? "ops" : "", opLine)
                first = false
                opLine = ""
            }
            opLine += (opLine.isEmpty ? "" : ", ") + item
        }
        row(first ? "ops" : "", opLine.isEmpty ? "none" : opLine)
        var paramText = "\(initializerCount) (\(Self.grouped(parameterCount)) parameters, \(Self.bytes(parameterBytes))"
        if externalDataBytes > 0 { paramText += ", \(Self.bytes(externalDataBytes)) external" }
        paramText += ")"
        if sparseInitializerCount > 0 { paramText += " + \(sparseInitializerCount) sparse" }
        row("initializers", paramText)
        row("dtypes", dtypes.isEmpty ? "none" : dtypes.map(\.rawValue).joined(separator: ", "))
        let q = quantization
        if format != .onnx {
            // TFLite and TensorRT describe their numerics in their own sections below.
        } else if q.isQuantized {
            var parts: [String] = []
            if q.quantizeLinear + q.dequantizeLinear > 0 {
                parts.append("\(q.quantizeLinear) QuantizeLinear, \(q.dequantizeLinear) DequantizeLinear, \(q.qdqPairs) QDQ pairs")
                parts.append("scales: \(q.perTensor) per-tensor, \(q.perAxis) per-axis, \(q.blocked) blocked, \(q.dynamicScale) dynamic")
            }
            if !q.integerOps.isEmpty {
                parts.append("integer ops: " + q.integerOps.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
            if !q.quantizedTypes.isEmpty { parts.append("types: " + q.quantizedTypes.map(\.rawValue).joined(separator: ", ")) }
            for (i, p) in parts.enumerated() { row(i == 0 ? "quantisation" : "", p) }
        } else {
            row("quantisation", "none")
        }
        if let t = tflite {
            row("numerics", t.numerics + " (activations: "
                + (t.activationTypes.isEmpty ? "none" : t.activationTypes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")) + ")")
            row("tflite", "\(t.subgraphCount) subgraph\(t.subgraphCount == 1 ? "" : "s"); \(t.quantizedTensors) quantised tensors "
                + "(\(t.perChannelTensors) per-channel); \(t.float16Weights) float16 weights; \(t.sparseTensors) sparse; \(t.variableTensors) variables")
            if !t.customOps.isEmpty {
                row("", "custom ops: " + t.customOps.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
            if !t.signatures.isEmpty { row("", "signatures: " + t.signatures.joined(separator: ", ")) }
            if let v = t.minRuntimeVersion { row("", "min runtime version: " + v) }
        }
        if let r = tensorrt {
            row("tensorrt", "version \(r.tensorrtVersion ?? "unknown"); layer information: \(r.layerInfo ?? "none")")
            row("precisions", r.precisions.isEmpty ? "none"
                : r.precisions.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            row("layers", "\(r.fusedLayers) fused, \(r.reformatLayers) reformat, \(r.noOpLayers) no-op, \(r.myelinLayers) Myelin, "
                + "\(r.foreignNodeRegions) foreign-node regions; \(r.onnxNodesCovered) ONNX nodes covered")
            if let total = r.totalProfiledMs {
                row("profile", String(format: "%d layers, %.4f ms per inference", r.profiledLayers ?? 0, total))
                for (i, layer) in r.topLayers.enumerated() {
                    let share = layer.percentage.map { String(format: " (%.1f%%)", $0) } ?? ""
                    row(i == 0 ? "slowest" : "", String(format: "%.4f ms", layer.averageMs) + share + "  \(layer.name)")
                }
            }
            if let l = r.latency {
                row("latency", String(format: "P50 %.3f ms, P95 %.3f ms, P99 %.3f ms, mean %.3f ms over %d iterations", l.p50Ms, l.p95Ms, l.p99Ms, l.meanMs, l.iterations))
            }
            if !r.capturedOutputs.isEmpty {
                row("captured", r.capturedOutputs.map { "\($0.name) \($0.type)" }.joined(separator: ", "))
            }
            for (i, w) in r.warnings.enumerated() { row(i == 0 ? "warnings" : "", w) }
        }
        row("custom", customDomains.isEmpty ? "none" : customDomains.joined(separator: ", "))
        if !functions.isEmpty {
            row("functions", functions.map { "\($0.domain.isEmpty ? "" : $0.domain + "::")\($0.name) (\($0.nodeCount) nodes)" }.joined(separator: ", "))
        }
        if !metadata.isEmpty {
            for (i, m) in metadata.enumerated() { row(i == 0 ? "metadata" : "", "\(m.key) = \(m.value)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }

    static func bytes(_ n: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(n) B" : String(format: "%.1f %@", value, units[unit])
    }
}
