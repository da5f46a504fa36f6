import EventPatterns
import Logging
import StepEngine

/// What happens to one spool file: accepted events are stored (and the file deleted); an
/// event that cannot be accepted moves to failed/ with the reason.
struct SpoolIngest: Sendable {
    let engine: Engine
    let logger: Logger

    @Sendable func handle(_ file: SpoolFile) async -> SpoolDisposition {
        do {
            let outcome = try await engine.ingestSpoolEvent(file.contents, fileName: file.name)
            logger.debug("event accepted", metadata: ["file": "\(file.name)", "EVENT_ID": "\(outcome["EventId"]?.stringValue ?? "")"])
            return .accepted
        } catch let error as EventFormatError {
            logger.warning("event file rejected", metadata: ["file": "\(file.name)", "reason": "\(error.message)"])
            return .rejected(reason: error.message)
        } catch {
            logger.error("event file could not be stored", metadata: ["file": "\(file.name)", "error": "\(error)"])
            return .rejected(reason: "the event could not be stored: \(error)")
        }
    }
}
