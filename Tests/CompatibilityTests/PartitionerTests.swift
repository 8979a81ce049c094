import XCTest
@testable import Compatibility

final class PartitionerTests: XCTestCase {
    /// A chain a→b→c… where node i reads value i and writes value i+1.
    func chain(_ n: Int) -> [(inputs: [String], outputs: [String])] {
        (0..<n).map { (["v\($0)"], ["v\($0 + 1)"]) }
    }

    func testTable() {
        // Diamond: 0 → {1, 2} → 3 ; 4 reads 3.
        let diamond: [(inputs: [String], outputs: [String])] = [
            (["x"], ["a"]), (["a"], ["b"]), (["a"], ["c"]), (["b", "c"], ["d"]), (["d"], ["y"]),
        ]
        // Two independent branches from the input, merged at the end.
        let branches: [(inputs: [String], outputs: [String])] = [
            (["x"], ["a1"]), (["x"], ["b1"]), (["a1"], ["a2"]), (["b1"], ["b2"]), (["a2", "b2"], ["y"]),
        ]
        let cases: [(id: String, nodes: [(inputs: [String], outputs: [String])], on: [Bool], expect: [(Bool, [Int])], cross: (Int, Int))] = [
            ("all on target", chain(3), [true, true, true], [(true, [0, 1, 2])], (0, 0)),
            ("none on target", chain(3), [false, false, false], [(false, [0, 1, 2])], (0, 0)),
            ("cpu node in the middle splits", chain(5), [true, true, false, true, true], [(true, [0, 1]), (false, [2]), (true, [3, 4])], (1, 1)),
            ("leading cpu node", chain(3), [false, true, true], [(false, [0]), (true, [1, 2])], (1, 0)),
            // Node 3 needs the CPU node's output, so it starts a new target subset.
            ("diamond with one cpu branch", diamond, [true, true, false, true, true], [(true, [0, 1]), (false, [2]), (true, [3, 4])], (1, 1)),
            // Independent branches: the supported nodes of both branches join one subset.
            ("independent cpu branch does not split", branches, [true, false, true, false, true],
             [(true, [0, 2]), (false, [1, 3]), (true, [4])], (1, 0)),
            ("empty graph", [], [], [], (0, 0)),
        ]
        for c in cases {
            let subsets = Partitioner.partition(nodes: c.nodes, onTarget: c.on)
            XCTAssertEqual(subsets.map(\.onTarget), c.expect.map(\.0), c.id)
            XCTAssertEqual(subsets.map { $0.nodes.sorted() }, c.expect.map(\.1), c.id)
            let crossings = Partitioner.crossings(nodes: c.nodes, onTarget: c.on)
            XCTAssertEqual(crossings.toTarget, c.cross.0, "\(c.id): to target")
            XCTAssertEqual(crossings.fromTarget, c.cross.1, "\(c.id): from target")
        }
    }

    func testGreedyGrouping() {
        // TFLite's greedy mode: a supported node later in execution order joins the current subset as soon
        // as its inputs are ready, even when an unsupported node comes before it in the list.
        let nodes: [(inputs: [String], outputs: [String])] = [(["x"], ["a"]), (["x"], ["b"]), (["a"], ["c"])]
        let subsets = Partitioner.partition(nodes: nodes, onTarget: [true, false, true])
        XCTAssertEqual(subsets.map(\.nodes), [[0, 2], [1]])
    }

    func testCycleDoesNotHang() {
        let nodes: [(inputs: [String], outputs: [String])] = [(["b"], ["a"]), (["a"], ["b"])]
        XCTAssertEqual(Partitioner.partition(nodes: nodes, onTarget: [true, true]).count, 0)
    }
}
