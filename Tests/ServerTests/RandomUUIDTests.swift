import Foundation
import StepEngine
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

    @Test func timeOrderedIsVersion7WithTheMillisecondsFirst() {
        let date = Date(timeIntervalSince1970: 1_764_384_000.5)
        for _ in 0..<1000 {
            let text = UUID.timeOrdered(at: date).lowercasedString
            let characters = Array(text)
            #expect(characters[14] == "7", "version nibble of \(text)")
            #expect("89ab".contains(characters[19]), "variant nibble of \(text)")
            // 1,764,384,000,500 ms is 0x019acd7b49f4.
            #expect(text.hasPrefix("019acd7b-49f4-7"), "time prefix of \(text)")
        }
    }

    /// Ordered by the millisecond they were drawn in (their first 13 characters); within one
    /// millisecond the random bits order them.
    @Test func timeOrderedNamesSortByTheMillisecondTheyWereDrawnIn() {
        let start = Date(timeIntervalSince1970: 1_764_384_000)
        let names = (0..<2000).map { step in UUID.timeOrdered(at: start.addingTimeInterval(Double(step) / 400)).lowercasedString }
        let milliseconds = names.map { $0.prefix(13) }
        #expect(Set(milliseconds).count == names.count)
        #expect(milliseconds == milliseconds.sorted())
        #expect(names == names.sorted())
    }

    @Test func timeOrderedDoesNotRepeatWithinOneMillisecond() {
        let date = Date()
        let identifiers = Set((0..<10_000).map { _ in UUID.timeOrdered(at: date) })
        #expect(identifiers.count == 10_000)
    }
}
