import Foundation

/// RFC 3339 timestamps, parsed and printed by hand: pure, locale-free, the same on every
/// platform, and cheap (Foundation's formatters are neither cheap nor `Sendable`). Shared by
/// the pure modules: ASL timestamps and EventBridge event times.
public enum RFC3339 {
    /// How strictly to read.
    public enum Strictness: Sendable {
        /// As ASL requires: uppercase `T` and `Z` (or a numeric offset),
        /// e.g. `2016-03-14T01:59:00Z` or `2016-03-14T01:59:00.123-05:00`.
        case states
        /// As EventBridge accepts: also a lowercase `t` or a space between date and time, and a lowercase `z`.
        case events
    }

    /// The instant `text` denotes, or `nil` when it is not an RFC 3339 timestamp.
    public static func parse(_ text: String, _ strictness: Strictness = .states) -> Date? {
        let lenient = strictness == .events
        let bytes = Array(text.utf8)
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<count {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
                index += 1
            }
            return value
        }
        func expect(_ characters: Character...) -> Bool {
            guard index < bytes.count, characters.contains(where: { $0.asciiValue == bytes[index] }) else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2),
            lenient ? expect("T", "t", " ") : expect("T"),
            let hour = digits(2), expect(":"), let minute = digits(2), expect(":"), let second = digits(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60,
            second < 61
        else { return nil }
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                fraction += Double(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            if index == start { return nil }
        }
        var offsetSeconds = 0
        if lenient ? expect("Z", "z") : expect("Z") {
            offsetSeconds = 0
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let offsetHours = digits(2), expect(":"), let offsetMinutes = digits(2), offsetHours < 24,
                offsetMinutes < 60
            else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86400 + hour * 3600 + minute * 60 + min(second, 59) - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// `date` in UTC with milliseconds, as AWS prints context-object times: `2019-03-26T20:14:13.192Z`.
    public static func format(_ date: Date) -> String {
        format(date, milliseconds: true)
    }

    /// `date` in UTC; without milliseconds as EventBridge delivers `time`: `2019-03-26T20:14:13Z`.
    ///
    /// A date outside what RFC 3339 can write (years 0000 to 9999), or not finite, is written
    /// as the nearest date it can: formatting never traps, whatever the date came from.
    public static func format(_ date: Date, milliseconds showMilliseconds: Bool) -> String {
        let seconds = date.timeIntervalSince1970.isNaN ? 0 : min(max(date.timeIntervalSince1970, earliestSeconds), latestSeconds)
        let totalMilliseconds = showMilliseconds ? Int((seconds * 1000).rounded()) : Int(seconds.rounded(.down)) * 1000
        let milliseconds = ((totalMilliseconds % 1000) + 1000) % 1000
        let totalSeconds = (totalMilliseconds - milliseconds) / 1000
        let secondsOfDay = ((totalSeconds % 86400) + 86400) % 86400
        let days = (totalSeconds - secondsOfDay) / 86400
        let (year, month, day) = civilFromDays(days)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let time = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondsOfDay / 3600, 2)):"
            + "\(pad(secondsOfDay / 60 % 60, 2)):\(pad(secondsOfDay % 60, 2))"
        return showMilliseconds ? time + ".\(pad(milliseconds, 3))Z" : time + "Z"
    }

    /// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z, in seconds since 1970: the dates
    /// RFC 3339 can write.
    public static let earliestSeconds: Double = -62_167_219_200
    public static let latestSeconds: Double = 253_402_300_799.999

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let dayOfEra = z - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
