import EventPatterns
import Logging
import StepEngine

/// What happens to one spool file: accepted events are stored (and the file deleted); an
/// event that cannot be accepted moves to failed/ with the reason. A store that fails (a full
/// disk) is tried again after a pause, the file staying where it is, and later files wait
/// their turn; only after about two and a half minutes of failures does the file go to failed/.
struct SpoolIngest: Sendable {
    let engine: Engine
    let logger: Logger

    @Sendable func handle(_ file: SpoolFile) async -> SpoolDisposition {
        var pause = Duration.milliseconds(500)
        for attempt in 1...Self.attempts {
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
            } catch {
                if attempt == Self.attempts {
                    let reason = "the event could not be stored after \(attempt) attempts: \(error)"
                    logger.error("spool event rejected; moved to failed/", metadata: file.rejectionMetadata(reason: reason))
                    return .rejected(reason: reason)
                }
                logger.error(
                    "event file could not be stored; trying again", metadata: ["SPOOL_FILE": "\(file.name)", "ERROR": "\(error)", "PAUSE": "\(pause)"])
                do {
                    try await Task.sleep(for: pause)
                } catch {
                    return .left
                }
                pause = min(pause * 2, .seconds(30))
            }
        }
        return .left
    }

    private static let attempts = 10
}
