import Foundation

enum Timestamps {
    /// `2019-03-26T20:14:13.192Z`, the form AWS uses inside payloads.
    static func iso8601(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
