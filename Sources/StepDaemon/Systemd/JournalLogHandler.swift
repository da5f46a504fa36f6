import CSystemd
import Glibc
import Logging

/// A swift-log handler that writes each line to the systemd journal as one structured
/// entry (see `JournalEntry`): `journalctl -u stepd EXECUTION_ARN=…` finds a workflow's
/// lines, `journalctl -p warning` the troubles.
///
/// When journald refuses an entry (it is not running, or it went away) the line is written
/// to stderr instead, so nothing is lost without a trace.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    /// `SYSLOG_IDENTIFIER`: what `journalctl -t` selects by.
    public let identifier: String

    public init(identifier: String = "stepd", metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.identifier = identifier
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let entry = JournalEntry(
            level: event.level, message: event.message.description, metadata: mergedMetadata(event),
            identifier: identifier, file: event.file, function: event.function, line: event.line)
        let result = Self.send(entry)
        if result < 0 {
            let line = "\(event.level): \(entry.value(of: "MESSAGE") ?? "") (journal: \(String(cString: strerror(-result))))\n"
            var bytes = Array(line.utf8)[...]
            while !bytes.isEmpty {
                let written = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { break }
                bytes = bytes.dropFirst(written)
            }
        }
    }

    /// The handler's metadata, then the provider's, then the call's; an error as
    /// StreamLogHandler renders it.
    func mergedMetadata(_ event: LogEvent) -> Logger.Metadata {
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, new in new }
        }
        if let explicit = event.metadata, !explicit.isEmpty {
            merged.merge(explicit) { _, new in new }
        }
        if let error = event.error {
            merged["ERROR_MESSAGE"] = "\(error)"
            merged["ERROR_TYPE"] = "\(String(reflecting: type(of: error)))"
        }
        return merged
    }

    /// `sd_journal_sendv` over the entry's fields; 0, or a negative errno.
    static func send(_ entry: JournalEntry) -> Int32 {
        // One buffer, one iovec per field pointing into it.
        var buffer: [UInt8] = []
        var spans: [(offset: Int, count: Int)] = []
        spans.reserveCapacity(entry.fields.count)
        for field in entry.fields {
            let encoded = field.encoded
            spans.append((buffer.count, encoded.count))
            buffer += encoded
        }
        return buffer.withUnsafeMutableBytes { raw -> Int32 in
            guard let base = raw.baseAddress else { return -EINVAL }
            let vectors = spans.map { iovec(iov_base: base + $0.offset, iov_len: $0.count) }
            return vectors.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
        }
    }
}
