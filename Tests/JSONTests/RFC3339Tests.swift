import Foundation
import Testing

import JSON

@Suite struct RFC3339Tests {
    @Test(arguments: [
        ("2016-03-14T01:59:00Z", 1_457_920_740.0),
        ("2016-03-14T01:59:00.5Z", 1_457_920_740.5),
        ("2016-03-14T02:59:00+01:00", 1_457_920_740.0),
        ("2016-03-13T20:59:00-05:00", 1_457_920_740.0),
        ("1970-01-01T00:00:00Z", 0),
        ("2024-02-29T12:00:00Z", 1_709_208_000),
    ])
    func parsesRFC3339(text: String, seconds: Double) {
        #expect(RFC3339.parse(text)?.timeIntervalSince1970 == seconds)
    }

    @Test(arguments: [
        "2016-03-14 01:59:00Z", "2016-03-14t01:59:00z", "2016-03-14T01:59:00", "2016-02-30T00:00:00Z",
        "2016-03-14T25:00:00Z", "2016-03-14", "not a date", "2016-03-14T01:59:00.Z", "2023-02-29T00:00:00Z",
    ])
    func rejectsOtherText(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    /// Whatever the date, formatting does not trap: dates beyond what RFC 3339 writes are
    /// written as its first or last instant.
    @Test(arguments: [
        (1e16, "9999-12-31T23:59:59.999Z"), (-1e16, "0000-01-01T00:00:00.000Z"),
        (Double.infinity, "9999-12-31T23:59:59.999Z"), (-Double.infinity, "0000-01-01T00:00:00.000Z"),
        (Double.nan, "1970-01-01T00:00:00.000Z"), (253_402_300_799.999, "9999-12-31T23:59:59.999Z"),
    ])
    func formatsAnyDate(seconds: Double, text: String) {
        #expect(RFC3339.format(Date(timeIntervalSince1970: seconds)) == text)
    }

    @Test(arguments: [
        (1_553_631_253.192, "2019-03-26T20:14:13.192Z"),
        (0, "1970-01-01T00:00:00.000Z"),
        (951_782_400, "2000-02-29T00:00:00.000Z"),
    ])
    func formatsWithMilliseconds(seconds: Double, expected: String) {
        #expect(RFC3339.format(Date(timeIntervalSince1970: seconds)) == expected)
    }
}

@Suite struct RFC3339EventTimeTests {
    /// EventBridge reads `time` more leniently than ASL reads its timestamps.
    @Test(arguments: [
        ("2019-03-26t20:14:13z", 1_553_631_253.0),
        ("2019-03-26 20:14:13Z", 1_553_631_253.0),
        ("2019-03-26T22:14:13+02:00", 1_553_631_253.0),
    ])
    func eventsAcceptLowercaseAndSpace(text: String, seconds: Double) {
        #expect(RFC3339.parse(text, .events)?.timeIntervalSince1970 == seconds)
        #expect(text.contains("+") || RFC3339.parse(text, .states) == nil)
    }

    @Test func eventTimePrintsWholeSeconds() {
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_553_631_253.999), milliseconds: false) == "2019-03-26T20:14:13Z")
    }
}
