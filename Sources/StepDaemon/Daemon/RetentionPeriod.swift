/// A retention period as the command line gives it: a whole number with a unit (`90d`,
/// `24h`, `30m`, `45s`), or `forever`.
public enum RetentionPeriod {
    /// nil for `forever`; throws when `text` is neither.
    public static func parse(_ text: String) throws(RetentionPeriodError) -> Duration? {
        if text == "forever" { return nil }
        guard let unit = text.last, let count = Int64(text.dropLast()), count > 0 else { throw RetentionPeriodError(text: text) }
        let seconds: Int64
        switch unit {
        case "s": seconds = 1
        case "m": seconds = 60
        case "h": seconds = 3_600
        case "d": seconds = 86_400
        default: throw RetentionPeriodError(text: text)
        }
        // Longer than any disk lives: 100 years is the bound, so no product overflows.
        guard count <= 36_500 * 86_400 / seconds else { throw RetentionPeriodError(text: text) }
        return .seconds(count * seconds)
    }
}

public struct RetentionPeriodError: Error, CustomStringConvertible {
    public let text: String
    public var description: String {
        "'\(text)' is not a retention period: a whole number above 0 with s, m, h or d (at most 100 years), or 'forever'"
    }
}
