import Foundation
import Testing

@testable import StepEngine

@Suite struct SpoolEventIdTests {
    /// Expected values: the first 16 bytes of SHA-256(name + NUL + contents), as Python's hashlib computes them.
    @Test(arguments: [
        ("a.json", "{}", "3001689e-e6d2-d310-8623-23416d419ec9"),
        ("r-1.json", #"{"source": "x"}"#, "4a87f375-ab14-203e-32f2-7713d0a917c5"),
    ])
    func idIsADigestOfNameAndContents(name: String, contents: String, expected: String) {
        #expect(Engine.spoolEventId(fileName: name, contents: Data(contents.utf8)) == expected)
    }
}
