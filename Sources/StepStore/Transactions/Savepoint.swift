import Glibc
import GRDB

extension Database {
    /// Runs `body` in a savepoint of the current transaction: kept when it returns, rolled
    /// back when it throws (and the error rethrown).
    ///
    /// GRDB's `inSavepoint` prepares its three statements at every call; a group commit opens
    /// a savepoint for each write, each execution it drives and each task, so these are
    /// prepared once per connection instead.
    ///
    /// Within `withoutSavepoints` no savepoint is opened; a body that throws after changing
    /// rows marks the whole run to be done again with savepoints.
    public func withSavepoint<T>(_ body: () throws -> T) throws -> T {
        guard isInsideTransaction else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "a savepoint needs a transaction around it")
        }
        if let run = SavepointFreeRun.current {
            let changesBefore = totalChangesCount
            do {
                return try body()
            } catch {
                if totalChangesCount != changesBefore { run.needsSavepoints = true }
                throw error
            }
        }
        try cachedStatement(sql: "SAVEPOINT stepd").execute()
        let value: T
        do {
            value = try body()
        } catch {
            // A failing disk may have ended the whole transaction already, savepoints and all.
            if isInsideTransaction {
                try? cachedStatement(sql: "ROLLBACK TO SAVEPOINT stepd").execute()
                try? cachedStatement(sql: "RELEASE SAVEPOINT stepd").execute()
            }
            throw error
        }
        try cachedStatement(sql: "RELEASE SAVEPOINT stepd").execute()
        return value
    }

    /// Runs `body` with `withSavepoint` opening no savepoint, on the bet that nothing in it
    /// fails: a group commit's savepoints cost a tenth of its work, and they are almost never
    /// rolled back. When one would have been (a body threw after changing rows), throws
    /// `SavepointsNeeded` once `body` is done: the caller rolls the transaction back and runs
    /// it again, with savepoints. `body` must be safe to run twice.
    public func withoutSavepoints<T>(_ body: () throws -> T) throws -> T {
        let run = SavepointFreeRun()
        let previous = SavepointFreeRun.current
        SavepointFreeRun.current = run
        defer { SavepointFreeRun.current = previous }
        let value = try body()
        if run.needsSavepoints { throw SavepointsNeeded() }
        return value
    }
}

/// A transaction run without savepoints needed one: roll it back and run it again with them.
public struct SavepointsNeeded: Error {}

/// The savepoint-free run in progress on this thread, if any: a transaction runs on one
/// thread from its beginning to its end.
private final class SavepointFreeRun {
    var needsSavepoints = false

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    static var current: SavepointFreeRun? {
        get { pthread_getspecific(key).map { Unmanaged<SavepointFreeRun>.fromOpaque($0).takeUnretainedValue() } }
        set {
            // The run is retained by `withoutSavepoints` for as long as it is current.
            pthread_setspecific(key, newValue.map { Unmanaged.passUnretained($0).toOpaque() })
        }
    }
}
