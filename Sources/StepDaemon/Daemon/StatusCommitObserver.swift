import GRDB
import Synchronization

/// Hears every commit of the engine's database, on the writer's queue, and tells the
/// ``StatusReporter``: the figures can only change when something commits. It also counts
/// the events stored (rows inserted into `receivedEvent`), which both the spool and PutEvents
/// go through; a duplicate event inserts nothing and is not counted.
final class StatusCommitObserver: TransactionObserver, Sendable {
    private let reporter: StatusReporter
    /// Events inserted by the transaction under way; savepoints rolled back drop theirs
    /// before they get here.
    private let insertedEvents = Mutex(0)

    init(reporter: StatusReporter) {
        self.reporter = reporter
    }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        if case .insert(let tableName) = eventKind { return tableName == "receivedEvent" }
        return false
    }

    func databaseDidChange(with event: DatabaseEvent) {
        insertedEvents.withLock { $0 += 1 }
    }

    func databaseDidCommit(_ db: Database) {
        let events = insertedEvents.withLock { count in
            defer { count = 0 }
            return count
        }
        if events > 0 { reporter.eventsStored(events) }
        reporter.figuresMayHaveChanged()
    }

    func databaseDidRollback(_ db: Database) {
        insertedEvents.withLock { $0 = 0 }
    }
}
