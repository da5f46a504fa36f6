import JSON
import Logging

extension SpoolFile {
    /// For the log line of a refused event: the file, the reason, and the event's id when
    /// the file is JSON with a string `id` (an event refused for another field still names it).
    func rejectionMetadata(reason: String) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["SPOOL_FILE": "\(name)", "REASON": "\(reason)"]
        if let id = (try? JSONValue(parsing: contents))?["id"]?.stringValue { metadata["EVENT_ID"] = "\(id)" }
        return metadata
    }
}
