/// Journal field names made from swift-log metadata keys.
///
/// journald keeps a field only when its name is 1 to 64 of `[A-Z0-9_]` and starts with
/// neither a digit nor `_` (underscore names are the trusted fields journald adds itself);
/// it silently drops any other. stepd's own keys are UPPER_SNAKE already (`JOB_ID`), but a
/// camelCase key (`executionArn`) or a library's dotted one (`error.message`) is converted
/// rather than lost.
///
/// | metadata key | field name |
/// |---|---|
/// | `JOB_ID` | `JOB_ID` |
/// | `executionArn` | `EXECUTION_ARN` |
/// | `URLPath`, `utf8Bytes` | `URL_PATH`, `UTF8_BYTES` |
/// | `error.message`, `_private` | `ERROR_MESSAGE`, `PRIVATE` |
/// | `2fa`, `message` | `FIELD_2FA`, `FIELD_MESSAGE` |
/// | `.`, `é` | (dropped) |
public enum JournalFieldName {
    public static let maximumLength = 64

    /// Written by the handler itself: a metadata key that converts to one of them is
    /// prefixed rather than doubling or replacing it.
    public static let reserved: Set<String> = [
        "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "CODE_FILE", "CODE_LINE", "CODE_FUNC",
    ]

    /// Put before a name that would start with a digit or clash with a reserved one.
    public static let escapePrefix = "FIELD_"

    /// Whether journald accepts `name` from a client as it is.
    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= maximumLength else { return false }
        guard first != underscore, !isDigit(first) else { return false }
        return bytes.allSatisfy { isUpper($0) || isDigit($0) || $0 == underscore }
    }

    /// The field name for a metadata key: words split at case changes and at any character
    /// outside `[A-Za-z0-9]`, upper-cased, joined by `_`. Nil when no letter or digit is left.
    public static func converting(_ key: String) -> String? {
        let bytes = Array(key.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 4)
        var separatorPending = false
        for (index, byte) in bytes.enumerated() {
            guard isUpper(byte) || isLower(byte) || isDigit(byte) else {
                separatorPending = true
                continue
            }
            if isUpper(byte), index > 0 {
                let previous = bytes[index - 1]
                let next = index + 1 < bytes.count ? bytes[index + 1] : nil
                // "jobId", "utf8Bytes": a capital after a lower-case letter or a digit starts
                // a word; "URLPath": so does the last capital of a run followed by lower case.
                if isLower(previous) || isDigit(previous) || (isUpper(previous) && next.map(isLower) == true) {
                    separatorPending = true
                }
            }
            if separatorPending, !output.isEmpty { output.append(underscore) }
            separatorPending = false
            output.append(isLower(byte) ? byte - 32 : byte)
        }
        guard let first = output.first else { return nil }
        var name = String(decoding: output, as: UTF8.self)
        if isDigit(first) || reserved.contains(name) { name = escapePrefix + name }
        if name.utf8.count > maximumLength {
            // ASCII only, so the prefix of the UTF-8 view is a prefix of the characters.
            name = String(decoding: name.utf8.prefix(maximumLength), as: UTF8.self)
            while name.hasSuffix("_") { name.removeLast() }
        }
        return name
    }

    private static let underscore = UInt8(ascii: "_")
    private static func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
    private static func isLower(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
