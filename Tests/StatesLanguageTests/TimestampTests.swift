import Foundation
import Testing

@testable import StatesLanguage

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2016-03-14T01:59:00Z", 1_457_920_740.0),
        ("2016-03-14T01:59:00.5Z", 1_457_920_740.5),
        ("2016-03-14T02:59:00+01:00", 1_457_920_740.0),
        ("2016-03-13T20:59:00-05:00", 1_457_920_740.0),
        ("1970-01-01T00:00:00Z", 0),
        ("2024-02-29T12:00:00Z", 1_709_208_000),
    ])
    func parsesRFC3339(text: String, seconds: Double) {
        #expect(Timestamp.parse(text)?.timeIntervalSince1970 == seconds)
    }

    @Test(arguments: [
        "2016-03-14 01:59:00Z", "2016-03-14t01:59:00z", "2016-03-14T01:59:00", "2016-02-30T00:00:00Z",
        "2016-03-14T25:00:00Z", "2016-03-14", "not a date", "2016-03-14T01:59:00.Z", "2023-02-29T00:00:00Z",
    ])
    func rejectsOtherText(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test(arguments: [
        (1_553_631_253.192, "2019-03-26T20:14:13.192Z"),
        (0, "1970-01-01T00:00:00.000Z"),
        (951_782_400, "2000-02-29T00:00:00.000Z"),
    ])
    func formatsWithMilliseconds(seconds: Double, expected: String) {
        #expect(Timestamp.format(Date(timeIntervalSince1970: seconds)) == expected)
    }
}
