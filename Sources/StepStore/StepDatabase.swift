import Foundation
import GRDB

/// The daemon's SQLite file: WAL, one writer, durable commits.
public enum StepDatabase {
    /// Opens (creating when missing) the database at `path` and applies every migration.
    ///
    /// Commits use `synchronous=FULL`: a transition the API has acknowledged survives a power cut.
    public static func open(path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        let pool = try DatabasePool(path: path, configuration: configuration)
        // The pool turns its writer to synchronous=NORMAL when it enables WAL (after
        // `prepareDatabase` has run), which may lose the last commits on a power cut. Only the
        // writer commits, so setting it there makes every commit durable.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        try StepMigrations.migrator.migrate(pool)
        return pool
    }
}
