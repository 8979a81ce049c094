import XCTest

@testable import Interpreter

/// `BufferPool` behind `OutputBuffer`: large buffers are reused by size class, small ones and
/// those beyond the capacity go back to the allocator.
final class KernelBuffersTests: XCTestCase {
    func testLargeBuffersAreReusedBySizeClass() {
        BufferPool.drain()
        let size = BufferPool.minimumBytes + 100
        let a = BufferPool.allocate(byteCount: size)
        XCTAssertEqual(Int(bitPattern: a) % 64, 0)
        BufferPool.release(a, byteCount: size)
        XCTAssertEqual(BufferPool.cachedBytes, BufferPool.sizeClass(size))
        // Same page-rounded class: the same memory comes back; another class does not take it.
        let other = BufferPool.allocate(byteCount: size + 2 * BufferPool.page)
        XCTAssertNotEqual(other, a)
        let b = BufferPool.allocate(byteCount: size + 1)
        XCTAssertEqual(b, a)
        XCTAssertEqual(BufferPool.cachedBytes, 0)
        BufferPool.release(b, byteCount: size + 1)
        BufferPool.release(other, byteCount: size + 2 * BufferPool.page)
        BufferPool.drain()
        XCTAssertEqual(BufferPool.cachedBytes, 0)
    }

    func testSmallBuffersAndOverflowAreNotKept() {
        BufferPool.drain()
        let small = BufferPool.allocate(byteCount: 100)
        BufferPool.release(small, byteCount: 100)
        XCTAssertEqual(BufferPool.cachedBytes, 0)
        let huge = BufferPool.capacityBytes + BufferPool.page
        let p = BufferPool.allocate(byteCount: huge)
        BufferPool.release(p, byteCount: huge)
        XCTAssertEqual(BufferPool.cachedBytes, 0, "a buffer larger than the capacity is freed")
    }

    func testOutputBuffersRecycleThroughThePool() throws {
        BufferPool.drain()
        let count = BufferPool.minimumBytes / 4 * 3
        var first: UnsafeMutablePointer<Float>?
        do {
            let buffer = OutputBuffer<Float>(count: count)
            first = buffer.pointer
            for i in 0..<count { buffer.pointer[i] = Float(i) }
            let t = try buffer.tensor(.float32, shape: [count])
            XCTAssertEqual(try t.floatValues()[count - 1], Float(count - 1))
        }
        XCTAssertEqual(BufferPool.cachedBytes, BufferPool.sizeClass(count * 4), "freed with its last tensor")
        let again = OutputBuffer<Float>(count: count)
        XCTAssertEqual(again.pointer, first)
        BufferPool.drain()
    }
}
