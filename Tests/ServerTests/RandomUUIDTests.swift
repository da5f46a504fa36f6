import Foundation
import StepAPI
import Testing

@Suite struct RandomUUIDTests {
    @Test func isVersion4WithTheRFC4122Variant() {
        for _ in 0..<1000 {
            let text = UUID.random().uuidString.lowercased()
            let characters = Array(text)
            #expect(characters.count == 36)
            #expect(characters[14] == "4", "version nibble of \(text)")
            #expect("89ab".contains(characters[19]), "variant nibble of \(text)")
        }
    }

    @Test func doesNotRepeat() {
        let identifiers = Set((0..<10_000).map { _ in UUID.random() })
        #expect(identifiers.count == 10_000)
    }
}
