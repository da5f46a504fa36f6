import Foundation
import GRDB
import Glibc
import SQLiteLogWriteBuffer
import SQLiteProcessSettings

/// The daemon's SQLite file: WAL, one writer, durable commits.
public enum StepDatabase {
    /// Opens (creating when missing) the database at `path` and applies every migration.
    ///
    /// Commits use `synchronous=FULL`: a transition the API has acknowledged survives a power cut.
    ///
    /// `logWriteBuffer`: the writer's commits write their log frames in one write, not two per
    /// page (Sources/SQLiteLogWriteBuffer). False leaves SQLite's own writes; the VFS is then
    /// not installed, unless something else in the process installed it.
    /// The database holds every execution's input and history, task tokens included: only
    /// its owner may read it. A new file is made with mode 0600 before SQLite opens it, so the
    /// log and index files SQLite makes beside it take that mode too; existing ones are set to it.
    static func restrictToOwner(databasePath path: String) throws {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw DatabaseError(resultCode: .SQLITE_CANTOPEN, message: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { Glibc.close(fd) }
        guard fchmod(fd, 0o600) == 0 else {
            throw DatabaseError(resultCode: .SQLITE_PERM, message: "cannot make \(path) private: \(String(cString: strerror(errno)))")
        }
        for companion in [path + "-wal", path + "-shm"] {
            _ = chmod(companion, 0o600)  // absent until SQLite makes them, with the mode above
        }
    }

    public static func open(path: String, logWriteBuffer: Bool = true) throws -> DatabasePool {
        // Before SQLite's first use in the process (the install below is it, in stepd). Only a
        // speed setting: a process that used SQLite earlier (a test's) keeps the statistics.
        _ = stepd_sqlite_turn_off_memory_statistics()
        if logWriteBuffer {
            let installed = stepd_sqlite_log_write_buffer_install()
            guard installed == ResultCode.SQLITE_OK.rawValue else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: installed),
                    message: "cannot install the log write buffer VFS: SQLite has no default VFS, or one older than version 3 of the VFS interface")
            }
        }
        var configuration = Configuration()
        // The schema's REFERENCES say how rows depend on each other; SQLite does not enforce
        // them. Checking them cost a lookup per history event, about a tenth of a transition,
        // and only the engine writes: it deletes dependent rows itself, and a test runs
        // `PRAGMA foreign_key_check` after every kind of change.
        configuration.foreignKeysEnabled = false
        configuration.busyMode = .timeout(10)
        try restrictToOwner(databasePath: path)
        let pool = try DatabasePool(path: path, configuration: configuration)
        // The pool turns its writer to synchronous=NORMAL when it enables WAL (after
        // `prepareDatabase` has run), which may lose the last commits on a power cut. Only the
        // writer commits, so setting it there makes every commit durable.
        //
        // The savepoints around each write, execution and task keep their undo pages in a
        // journal of their own; in memory, not in a temporary file written at every transition.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            guard logWriteBuffer else { return }
            // Every commit of this connection syncs the log, as gathering its writes requires.
            let gathering = stepd_sqlite_log_write_buffer_gather(db.sqliteConnection.map { UnsafeMutableRawPointer($0) })
            guard gathering == ResultCode.SQLITE_OK.rawValue else {
                throw DatabaseError(resultCode: ResultCode(rawValue: gathering), message: "the writer's connection cannot gather its log writes: its files were not opened by the log write buffer VFS")
            }
        }
        try StepMigrations.migrator.migrate(pool)
        return pool
    }
}
