import Foundation
import Interpreter
import LockstepCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `lockstep bench` job: time repeated reference runs of one model.
public enum ModelBench {
    public struct Options: Sendable {
        public var iterations = 20
        public var warmup = 2
        /// GEMM threads (OpenBLAS); 1 = single-threaded.
        public var threads = 1
        /// Also time every node and report where the time goes.
        public var profile = false
        public var inputs = ModelRun.Options()
        public init() {}
    }

    public struct Result: Codable, Sendable, Equatable {
        public var model: String
        public var iterations: Int
        public var threads: Int
        public var loadMs: Double
        public var minMs: Double
        public var meanMs: Double
        public var p50Ms: Double
        public var p95Ms: Double
        public var p99Ms: Double
        /// P50 and minimum of the process CPU time per run (user + system, all threads), in
        /// milliseconds: unlike wall time it does not grow while other processes hold the cores,
        /// so ratios between runtimes stay meaningful on a loaded machine.
        public var cpuP50Ms: Double
        public var cpuMinMs: Double
        /// Vector kernels in use (`VectorKernels.level`: "avx512", "avx2" or "portable"), the
        /// float32 GEMM variant (`PackedGEMM.level`, "openblas" where it is not used) and the
        /// OpenBLAS kernel family (nil when OpenBLAS is not loaded).
        public var kernels: String
        public var gemm: String
        public var blas: String?
        /// Peak resident set size of the process (bytes), from getrusage.
        public var peakRSSBytes: Int
        /// With `--profile`: time per op type and the slowest nodes, averaged over the timed runs.
        public var ops: [OpTime]?
        public var slowestNodes: [OpTime]?
    }

    /// Average milliseconds per inference spent in an op type (or one node), with its share.
    public struct OpTime: Codable, Sendable, Equatable {
        public var name: String
        public var op: String
        public var nodes: Int
        public var milliseconds: Double
        public var percentage: Double
    }

    public static func run(modelPath: String, options: Options) throws -> Result {
        guard options.iterations > 0 else { throw LockstepError.invalidArgument("--iterations must be at least 1") }
        GEMM.setThreads(max(1, options.threads))
        let start = DispatchTime.now().uptimeNanoseconds
        let model = try ModelFile.load(path: modelPath)
        let session: Session
        do {
            session = try Session(model: model, precision: options.inputs.precision, fusion: options.inputs.fusion)
        } catch let error as InterpreterError {
            throw LockstepError.unsupportedFormat(path: modelPath, reason: error.localizedDescription)
        }
        let loadMs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        var inputOptions = options.inputs
        if inputOptions.inputFiles.isEmpty && inputOptions.inputDirectory == nil && inputOptions.randomSeed == nil {
            inputOptions.randomSeed = 0
        }
        let (feeds, _) = try ModelRun.inputs(for: model, options: inputOptions)
        var samples: [Double] = []
        var cpuSamples: [Double] = []
        var perNode: [String: (op: String, ms: Double)] = [:]
        var nodeOrder: [String] = []
        do {
            for i in 0..<(options.warmup + options.iterations) {
                let c0 = processCPUNanoseconds()
                let t0 = DispatchTime.now().uptimeNanoseconds
                let run = try session.run(feeds, options: RunOptions(profile: options.profile))
                let ms = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
                let cpuMs = Double(processCPUNanoseconds() - c0) / 1e6
                if i >= options.warmup {
                    samples.append(ms)
                    cpuSamples.append(cpuMs)
                    for t in run.nodeTimes {
                        if perNode[t.node] == nil { nodeOrder.append(t.node) }
                        perNode[t.node, default: (t.op, 0)].ms += t.milliseconds
                    }
                }
            }
        } catch let error as InterpreterError {
            throw LockstepError.unsupportedFormat(path: modelPath, reason: error.localizedDescription)
        }
        samples.sort()
        cpuSamples.sort()
        // Nearest-rank percentiles.
        func percentile(_ p: Double, of samples: [Double]) -> Double {
            samples[min(samples.count - 1, max(0, Int((p / 100 * Double(samples.count)).rounded(.up)) - 1))]
        }
        func percentile(_ p: Double) -> Double { percentile(p, of: samples) }
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        #if os(Linux)
        let rss = Int(usage.ru_maxrss) * 1024
        #else
        let rss = Int(usage.ru_maxrss)
        #endif
        var result = Result(model: modelPath, iterations: samples.count, threads: max(1, options.threads), loadMs: loadMs,
                            minMs: samples[0], meanMs: samples.reduce(0, +) / Double(samples.count),
                            p50Ms: percentile(50), p95Ms: percentile(95), p99Ms: percentile(99), cpuP50Ms: percentile(50, of: cpuSamples), cpuMinMs: cpuSamples[0],
                            kernels: VectorKernels.level.description,
                            gemm: PackedGEMM.isEnabled ? PackedGEMM.level.description : "openblas", blas: GEMM.coreName, peakRSSBytes: rss)
        if options.profile {
            let runs = Double(samples.count)
            let total = perNode.values.reduce(0) { $0 + $1.ms } / runs
            func share(_ ms: Double) -> Double { total > 0 ? ms / total * 100 : 0 }
            var byOp: [String: (nodes: Int, ms: Double)] = [:]
            for (_, v) in perNode { byOp[v.op, default: (0, 0)].nodes += 1; byOp[v.op, default: (0, 0)].ms += v.ms / runs }
            result.ops = byOp.map { OpTime(name: $0.key, op: $0.key, nodes: $0.value.nodes, milliseconds: $0.value.ms, percentage: share($0.value.ms)) }
                .sorted { $0.milliseconds != $1.milliseconds ? $0.milliseconds > $1.milliseconds : $0.name < $1.name }
            result.slowestNodes = nodeOrder.map { n in
                OpTime(name: n, op: perNode[n]!.op, nodes: 1, milliseconds: perNode[n]!.ms / runs, percentage: share(perNode[n]!.ms / runs))
            }.sorted { $0.milliseconds != $1.milliseconds ? $0.milliseconds > $1.milliseconds : $0.name < $1.name }.prefix(10).map { $0 }
        }
        return result
    }

    /// CPU time consumed so far by this process (all threads, user + system).
    static func processCPUNanoseconds() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }

    public static func text(_ r: Result) -> String {
        var text = String(format: "%@\n  %d iterations, %d thread%@, load %.1f ms, kernels %@, GEMM %@, OpenBLAS %@\n  P50 %.3f ms  P95 %.3f ms  P99 %.3f ms  mean %.3f ms  min %.3f ms\n  CPU time P50 %.3f ms  min %.3f ms\n  peak RSS %.1f MiB\n",
               r.model, r.iterations, r.threads, r.threads == 1 ? "" : "s", r.loadMs, r.kernels, r.gemm, r.blas ?? "not loaded", r.p50Ms, r.p95Ms, r.p99Ms, r.meanMs, r.minMs,
               r.cpuP50Ms, r.cpuMinMs, Double(r.peakRSSBytes) / 1_048_576)
        if let ops = r.ops {
            text += "  time by op (ms per inference):\n"
            let width = max(12, ops.prefix(12).map(\.op.count).max() ?? 0)
            for o in ops.prefix(12) {
                text += "    " + o.op.padding(toLength: width, withPad: " ", startingAt: 0)
                    + String(format: " %9.3f  %5.1f%%  (%d nodes)\n", o.milliseconds, o.percentage, o.nodes)
            }
        }
        if let nodes = r.slowestNodes {
            text += "  slowest nodes:\n"
            for o in nodes { text += String(format: "    %8.3f ms  %5.1f%%  ", o.milliseconds, o.percentage) + "\(o.name) (\(o.op))\n" }
        }
        return text
    }
}
