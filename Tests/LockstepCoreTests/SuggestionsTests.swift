import LockstepCore
import XCTest

final class SuggestionsTests: XCTestCase {
    func testDistanceCountsEditsAndAdjacentTranspositions() {
        let cases: [(String, String, Int)] = [
            ("", "", 0), ("", "abc", 3), ("abc", "", 3), ("kitten", "sitting", 3), ("models", "modles", 1),
            ("ca", "abc", 3), ("atol", "atl", 1), ("CONV_2D", "CONV2D", 1), ("same", "same", 0),
        ]
        for (a, b, expected) in cases {
            XCTAssertEqual(Suggestions.distance(a, b), expected, "\(a) ~ \(b)")
            XCTAssertEqual(Suggestions.distance(b, a), expected, "\(b) ~ \(a)")
        }
    }

    func testClosestIsCaseInsensitiveNearestFirstAndBounded() {
        let keys = ["version", "name", "models", "tolerances", "accuracy"]
        let cases: [(name: String, candidates: [String], limit: Int, expected: [String])] = [
            ("modles", keys, 1, ["models"]),
            ("MODELS", keys, 3, ["models"]),
            ("xyz", keys, 3, []),
            ("tol", keys, 3, ["tolerances"]),                                // contained in a candidate
            ("relux", ["Relu", "Elu", "Selu", "Sum"], 3, ["Relu", "Elu", "Selu"]),  // ties by name
            ("tflite-xnnpak", ["tflite-xnnpack", "tflite-gpu", "ort-cpu"], 3, ["tflite-xnnpack"]),
            ("a", ["b", "c", "d", "e"], 2, ["b", "c"]),                      // limit
        ]
        for c in cases {
            XCTAssertEqual(Suggestions.closest(to: c.name, in: c.candidates, limit: c.limit), c.expected, c.name)
        }
    }
}
