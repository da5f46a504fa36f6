import EventPatterns
import Logging
import StepEngine

/// What happens to one spool file: accepted events are stored (and the file deleted); an
/// event that cannot be accepted moves to failed/ with the reason. A store that fails for a
/// reason that passes (a full disk, a failing device) leaves the file in new/ for the
/// watcher's next scan, after a pause; only what can never be stored goes to failed/.
struct SpoolIngest: Sendable {
    let engine: Engine
    let logger: Logger

    @Sendable func handle(_ file: SpoolFile) async -> SpoolDisposition {
        do {
            let outcome = try await engine.ingestSpoolEvent(file.contents, fileName: file.name)
            logger.debug("event accepted", metadata: ["SPOOL_FILE": "\(file.name)", "EVENT_ID": "\(outcome.eventId)"])
            return .accepted
        } catch let error as SpoolEventSetAside {
            logger.error("spool event set aside; moved to failed/", metadata: file.rejectionMetadata(reason: error.reason))
            return .rejected(reason: error.reason)
        } catch let error as EventFormatError {
            logger.warning("spool event rejected; moved to failed/", metadata: file.rejectionMetadata(reason: error.message))
            return .rejected(reason: error.message)
        } catch EngineUnavailable.stopping {
            return .left
        } catch let error as EngineUnavailable {
            return .retryLater(reason: "the event could not be stored: \(error)")
        } catch {
            let reason = "the event could not be stored: \(error)"
            logger.error("spool event rejected; moved to failed/", metadata: file.rejectionMetadata(reason: reason))
            return .rejected(reason: reason)
        }
    }
}
