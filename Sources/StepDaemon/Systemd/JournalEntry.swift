import Logging

/// One log line as journal fields, in the order they are sent: `MESSAGE`, `PRIORITY`,
/// `SYSLOG_IDENTIFIER`, `CODE_FILE`, `CODE_LINE`, `CODE_FUNC`, then one field per metadata
/// entry (named by `JournalFieldName`, sorted by name).
///
/// `MESSAGE` carries the metadata too (`job ended JOB_ID=… JOB_EXIT=…`), as the console line
/// does: `journalctl -u stepd` and `systemctl status` show only the message, and a line such
/// as "execution failed" is of no use there without saying which one.
///
/// Values go as they are, newlines included: `sd_journal_sendv` sends a value holding a
/// newline in the native protocol's length-prefixed form.
public struct JournalEntry: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public let name: String
        public let value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }

        /// `NAME=value`, the form `sd_journal_sendv` takes.
        public var encoded: [UInt8] {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(name.utf8.count + 1 + value.utf8.count)
            bytes += name.utf8
            bytes.append(UInt8(ascii: "="))
            bytes += value.utf8
            return bytes
        }
    }

    public let fields: [Field]

    public init(
        level: Logger.Level, message: String, metadata: Logger.Metadata, identifier: String,
        file: String, function: String, line: UInt
    ) {
        var named: [(name: String, value: String)] = []
        var seen: Set<String> = []
        // Sorted by key first, so when two keys make the same name the kept one does not
        // depend on dictionary order.
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            guard let name = JournalFieldName.converting(key), seen.insert(name).inserted else { continue }
            named.append((name, value.description))
        }
        named.sort { $0.name < $1.name }
        let text = named.isEmpty ? message : message + " " + named.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
        fields = [
            Field("MESSAGE", text),
            Field("PRIORITY", String(Self.priority(of: level))),
            Field("SYSLOG_IDENTIFIER", identifier),
            Field("CODE_FILE", file),
            Field("CODE_LINE", String(line)),
            Field("CODE_FUNC", function),
        ] + named.map { Field($0.name, $0.value) }
    }

    /// syslog(3) priorities: swift-log has no `emerg` or `alert`, and `trace` is finer than
    /// syslog's finest, `debug`.
    public static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    public func value(of name: String) -> String? {
        fields.first { $0.name == name }?.value
    }
}
