import Foundation

/// A one-line progress bar with an ETA, redrawn in place on a terminal (`\r`), at most ten times
/// a second; silent when the stream is not a terminal, so logs and CI output stay clean.
///
/// `  digits_cnn.onnx  [########............]  412/899  46%  ETA 0:03`
public final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let total: Int
    private let clock: @Sendable () -> Double
    private let write: @Sendable (String) -> Void
    private let lock = NSLock()
    private let start: Double
    private var lastDraw = -Double.infinity
    private var finished = false

    /// - Parameters:
    ///   - clock: seconds from any fixed origin (injected for tests).
    ///   - write: receives each redraw (starting with `\r`) and the final newline.
    public init(label: String, total: Int, clock: @escaping @Sendable () -> Double, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.total = total
        self.clock = clock
        self.write = write
        self.start = clock()
    }

    /// A bar on standard error when it is a terminal; nil otherwise.
    public static func onTerminal(label: String, total: Int) -> ProgressBar? {
        guard isatty(STDERR_FILENO) != 0 else { return nil }
        return ProgressBar(label: label, total: total, clock: { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 },
                           write: { FileHandle.standardError.write(Data($0.utf8)) })
    }

    /// Records `done` of `total` samples; redraws when due, and finishes the line at the end.
    public func update(_ done: Int) {
        lock.lock(); defer { lock.unlock() }
        guard !finished else { return }
        let now = clock()
        let complete = done >= total
        guard complete || now - lastDraw >= 0.1 else { return }
        lastDraw = now
        write("\r" + Self.line(label: label, done: done, total: total, elapsed: now - start))
        if complete {
            finished = true
            write("\n")
        }
    }

    /// The text of one redraw.
    public static func line(label: String, done: Int, total: Int, elapsed: Double, width: Int = 20) -> String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        var text = "  \(label)  [\(bar)]  \(done)/\(total)  \(Int((fraction * 100).rounded(.down)))%"
        if done >= total {
            text += "  \(clockText(elapsed))"
        } else if done > 0, elapsed > 0 {
            text += "  ETA " + clockText(elapsed / Double(done) * Double(total - done))
        }
        return text
    }

    /// `m:ss`, or `h:mm:ss` from an hour.
    static func clockText(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        if s >= 3600 { return String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60) }
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
