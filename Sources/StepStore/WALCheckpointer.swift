import Foundation
import GRDB
import Synchronization

/// Copies the write-ahead log back into the database file on a thread of its own, and keeps
/// the log from growing.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold (1,000
/// pages): every few hundred commits one of them also writes the pages back and syncs the
/// database file, milliseconds that make the tail of every latency. Here the writer only
/// counts its commits; every `commitsPerCheckpoint` commits this thread runs a PASSIVE
/// checkpoint on a connection of its own, which never blocks the writer. The automatic one
/// stays as a backstop at a higher threshold. An idle daemon commits nothing, so this
/// thread never wakes up then.
///
/// SQLite starts the log over from the beginning of its file only when a checkpoint has
/// copied every frame; a busy writer appends frames while this thread copies, so that
/// rarely happens by itself, and a log that grows makes every commit's sync also write the
/// file's new size: half as slow again. So once this thread is done, the writer finishes
/// the job between two commits (`finishCheckpointIfDue`): it copies the few frames added
/// meanwhile, and its next commit rewrites the log from the start.
public final class WALCheckpointer: Sendable {
    public static let commitsPerCheckpoint = 64
    /// SQLite's own checkpoint, for when this thread falls behind (pages of the log).
    static let backstopPages = 8_000

    private struct State {
        var commitsSinceCheckpoint = 0
        var isAsleep = true
        /// This thread has copied the log back; the writer has not yet copied the rest.
        var mustFinish = false
        var isClosed = false
    }

    private let connection: DatabaseQueue
    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let onError: @Sendable (any Error) -> Void
    private let onCheckpoint: @Sendable (_ framesCopied: Int) -> Void

    /// Opens a second connection to `database`'s file, raises the writer's automatic
    /// checkpoint to the backstop, and starts the thread. `onCheckpoint` hears how many
    /// frames of the log each checkpoint has copied back so far.
    public init(
        database: DatabasePool, onError: @escaping @Sendable (any Error) -> Void,
        onCheckpoint: @escaping @Sendable (_ framesCopied: Int) -> Void = { _ in }
    ) throws {
        connection = try DatabaseQueue(path: database.path)
        self.onError = onError
        self.onCheckpoint = onCheckpoint
        try database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.backstopPages)")
        }
        let thread = Thread { [self] in self.checkpointUntilClosed() }
        thread.name = "stepd-checkpointer"
        thread.start()
    }

    /// Called by the writer after each commit.
    public func committed() {
        let mustWake = state.withLock { state in
            state.commitsSinceCheckpoint += 1
            guard state.commitsSinceCheckpoint >= Self.commitsPerCheckpoint, state.isAsleep else { return false }
            state.commitsSinceCheckpoint = 0
            state.isAsleep = false
            return true
        }
        if mustWake { wakeUp.signal() }
    }

    /// Called by the writer between commits, on its own connection: after this thread's
    /// checkpoint, copies what was committed meanwhile, so that the next commit starts the log
    /// over. Usually a few frames and one sync of the database file; nothing when no commit
    /// came meanwhile.
    public func finishCheckpointIfDue(on writer: DatabasePool) {
        guard state.withLock({ state in
            defer { state.mustFinish = false }
            return state.mustFinish
        }) else { return }
        do {
            try writer.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
        } catch {
            onError(error)
        }
    }

    public func close() {
        let mustWake = state.withLock { state in
            state.isClosed = true
            defer { state.isAsleep = false }
            return state.isAsleep
        }
        if mustWake { wakeUp.signal() }
    }

    private func checkpointUntilClosed() {
        while true {
            wakeUp.wait()
            if state.withLock({ $0.isClosed }) { return }
            var copied: Int?
            do {
                copied = try connection.inDatabase { db in try db.checkpoint(.passive).checkpointedFrameCount }
            } catch {
                onError(error)
            }
            // The writer's part is due before anyone hears of this checkpoint.
            let isClosed = state.withLock { state in
                state.isAsleep = true
                state.mustFinish = true
                return state.isClosed
            }
            if let copied { onCheckpoint(copied) }
            if isClosed { return }
        }
    }
}
