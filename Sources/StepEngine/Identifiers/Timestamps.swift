import Foundation
import StatesLanguage

enum Timestamps {
    /// `2019-03-26T20:14:13.192Z`, the form AWS uses inside payloads (and the context object).
    static func iso8601(_ date: Date) -> String {
        Timestamp.format(date)
    }
}
