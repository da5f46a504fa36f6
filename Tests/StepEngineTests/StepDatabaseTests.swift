import Foundation
import GRDB
import StepStore
import Testing

@Suite struct StepDatabaseTests {
    /// Commits must survive a power cut: WAL with synchronous=FULL (2) on the writer, the
    /// connection that commits.
    @Test func commitsAreDurable() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stepd-db-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pool = try StepDatabase.open(path: folder.appendingPathComponent("db.sqlite").path)
        let (mode, synchronous) = try pool.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode == "wal")
        #expect(synchronous == 2)
    }
}
