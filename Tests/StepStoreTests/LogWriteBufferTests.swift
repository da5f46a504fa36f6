import Foundation
import GRDB
import StepStore
import TestSupport
import Testing

/// The VFS that gathers SQLite's log writes (Sources/SQLiteLogWriteBuffer) must leave a commit
/// in the log file by the time the commit returns: a copy of the files taken then, recovered
/// as after a crash, holds every committed row.
@Suite struct LogWriteBufferTests {
    /// A database opened as stepd opens it, and a second folder for copies of its files.
    private struct Files {
        let scratch: ScratchDatabase
        let copy: ScratchDatabase
        let pool: DatabasePool

        init() throws {
            scratch = try ScratchDatabase()
            copy = try ScratchDatabase()
            pool = try StepDatabase.open(path: scratch.path)
        }

        /// The rows of `t` in a copy of the database and log files as they are on disk now,
        /// opened as stepd would open them after a crash: the wal-index rebuilt from the log alone.
        func rowsInCopy() throws -> Int {
            for suffix in ["", "-wal"] {
                try? FileManager.default.removeItem(atPath: copy.path + suffix)
                try FileManager.default.copyItem(atPath: scratch.path + suffix, toPath: copy.path + suffix)
            }
            try? FileManager.default.removeItem(atPath: copy.path + "-shm")
            let recovered = try DatabaseQueue(path: copy.path)
            return try recovered.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") ?? -1 }
        }

        func remove() {
            scratch.remove()
            copy.remove()
        }
    }

    @Test func everyCommitIsInTheLogFileWhenItReturns() async throws {
        let files = try Files()
        defer { files.remove() }
        let pool = files.pool
        try await pool.write { db in try db.execute(sql: "CREATE TABLE t (x TEXT)") }
        for committed in 1...20 {
            try await pool.write { db in try db.execute(sql: "INSERT INTO t VALUES (hex(randomblob(600)))") }
            #expect(try files.rowsInCopy() == committed, "after commit \(committed)")
        }
    }

    /// GRDB's own setting for a pool (and SQLite's usual one in WAL mode): commits that do not
    /// sync the log. Readers must find each commit's frames in the file all the same.
    @Test func aConnectionThatDoesNotSyncAtCommitShowsReadersEveryCommit() async throws {
        let files = try Files()
        defer { files.remove() }
        let pool = files.pool
        try await pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        try await pool.write { db in try db.execute(sql: "CREATE TABLE t (x TEXT)") }
        for committed in 1...20 {
            try await pool.write { db in try db.execute(sql: "INSERT INTO t VALUES (hex(randomblob(600)))") }
            #expect(try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") } == committed, "after commit \(committed)")
            #expect(try files.rowsInCopy() == committed, "after commit \(committed)")
        }
    }

    /// The VFS is the process's default once stepd's database is open: another database,
    /// opened as GRDB opens one (commits that do not sync), goes straight through.
    @Test func aConnectionThatDidNotAskForGatheringGoesStraightThrough() async throws {
        let files = try Files()
        defer { files.remove() }
        let other = try ScratchDatabase()
        defer { other.remove() }
        let pool = try DatabasePool(path: other.path)
        try await pool.write { db in try db.execute(sql: "CREATE TABLE t (x TEXT)") }
        for committed in 1...5 {
            try await pool.write { db in try db.execute(sql: "INSERT INTO t VALUES (hex(randomblob(600)))") }
            #expect(try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") } == committed, "after commit \(committed)")
        }
    }

    /// Far more than the 128 KiB the buffer holds (and than one write of the unix VFS takes),
    /// in one transaction and in one statement.
    @Test func aTransactionLargerThanTheBufferCommitsWhole() async throws {
        let files = try Files()
        defer { files.remove() }
        let pool = files.pool
        try await pool.write { db in
            try db.execute(sql: "CREATE TABLE t (x TEXT)")
            for _ in 0..<400 { try db.execute(sql: "INSERT INTO t VALUES (hex(randomblob(2000)))") }
        }
        #expect(try files.rowsInCopy() == 400)
        try await pool.write { db in try db.execute(sql: "INSERT INTO t SELECT x FROM t") }
        #expect(try files.rowsInCopy() == 800)
        #expect(try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") } == 800)
    }
}
