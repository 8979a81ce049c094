import LockstepCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One complex64 element as TFLite stores it (`std::complex<float>`: real, then imaginary).
public struct Complex64: BitwiseCopyable, Equatable, Sendable {
    public var real: Float
    public var imaginary: Float

    public init(real: Float, imaginary: Float) {
        self.real = real
        self.imaginary = imaginary
    }
}

/// One complex128 element (`std::complex<double>`).
public struct Complex128: BitwiseCopyable, Equatable, Sendable {
    public var real: Double
    public var imaginary: Double

    public init(real: Double, imaginary: Double) {
        self.real = real
        self.imaginary = imaginary
    }
}

/// Discrete Fourier transforms in double precision, for TFLite's RFFT2D: LiteRT runs Ooura's
/// `rdft2d` over doubles and rounds each result to float once (google-ai-edge/LiteRT
/// `tflite/kernels/rfft2d.cc`), so a double-precision transform rounded to float agrees with it
/// except where the two double results straddle a float rounding boundary (or a value that is
/// zero in exact arithmetic comes out as ±1e-17 in one of them).
public enum ComplexFFT {
    /// In-place iterative radix-2 FFT (`sign` −1: forward, e^{−2πi·jk/n}) over `n` points, a power
    /// of two. Twiddles are computed per stage from `cos`/`sin` in double.
    static func transform(_ re: UnsafeMutablePointer<Double>, _ im: UnsafeMutablePointer<Double>, n: Int, sign: Double = -1) {
        guard n > 1 else { return }
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j { swap(&re[i], &re[j]); swap(&im[i], &im[j]) }
        }
        var length = 2
        while length <= n {
            let half = length / 2
            for k in 0..<half {
                // Quarter turns exactly (0, ±1), as Ooura's tables hold them; other angles from
                // cos/sin in double.
                let wr: Double, wi: Double
                if k == 0 {
                    (wr, wi) = (1, 0)
                } else if 4 * k == length {
                    (wr, wi) = (0, sign)
                } else {
                    let angle = sign * 2 * Double.pi * Double(k) / Double(length)
                    (wr, wi) = (cos(angle), sin(angle))
                }
                var start = 0
                while start < n {
                    let a = start + k, b = a + half
                    let tr = re[b] * wr - im[b] * wi
                    let ti = re[b] * wi + im[b] * wr
                    re[b] = re[a] - tr
                    im[b] = im[a] - ti
                    re[a] += tr
                    im[a] += ti
                    start += length
                }
            }
            length *= 2
        }
    }

    /// The 2-D real-to-complex forward transform of TFLite's RFFT2D on one `height × width` slice
    /// (already cropped or zero-padded to the FFT size; both powers of two): rows first, then the
    /// `width / 2 + 1` kept columns, as `tf.signal.rfft2d` orders the result. Writes
    /// `height × (width / 2 + 1)` complex values rounded to float.
    public static func realForward2D(_ x: UnsafePointer<Double>, height: Int, width: Int, into y: UnsafeMutablePointer<Complex64>) {
        let columns = width / 2 + 1
        var spectrumRe = [Double](repeating: 0, count: height * columns)
        var spectrumIm = [Double](repeating: 0, count: height * columns)
        var rowRe = [Double](repeating: 0, count: width), rowIm = [Double](repeating: 0, count: width)
        for r in 0..<height {
            for c in 0..<width { rowRe[c] = x[r * width + c]; rowIm[c] = 0 }
            transform(&rowRe, &rowIm, n: width)
            for c in 0..<columns {
                spectrumRe[r * columns + c] = rowRe[c]
                spectrumIm[r * columns + c] = rowIm[c]
            }
        }
        var colRe = [Double](repeating: 0, count: height), colIm = [Double](repeating: 0, count: height)
        for c in 0..<columns {
            for r in 0..<height { colRe[r] = spectrumRe[r * columns + c]; colIm[r] = spectrumIm[r * columns + c] }
            transform(&colRe, &colIm, n: height)
            for r in 0..<height { y[r * columns + c] = Complex64(real: Float(colRe[r]), imaginary: Float(colIm[r])) }
        }
        // The four self-conjugate bins (rows 0 and height/2 × columns 0 and width/2) are real;
        // LiteRT's reorder (`Rfft2dReorder`) sets their imaginary parts to 0 and then negates every
        // imaginary part, so they read −0.
        for r in Set([0, height / 2]) {
            for c in Set([0, width / 2]) { y[r * columns + c].imaginary = -0.0 }
        }
    }

    static func transform(_ re: inout [Double], _ im: inout [Double], n: Int) {
        re.withUnsafeMutableBufferPointer { r in
            im.withUnsafeMutableBufferPointer { i in transform(r.baseAddress!, i.baseAddress!, n: n) }
        }
    }
}
