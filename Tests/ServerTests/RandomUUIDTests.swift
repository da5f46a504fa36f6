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

    @Test func theLowercasedStringIsFoundationsTextInLowercase() {
        for _ in 0..<1000 {
            let identifier = UUID.random()
            #expect(identifier.lowercasedString == identifier.uuidString.lowercased())
        }
        let fixed = UUID(uuid: (0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff))
        #expect(fixed.lowercasedString == "00010203-0405-0607-8899-aabbccddeeff")
    }
}
