import Foundation
import GRDB
import SQLiteCrashTestVFS

/// What a seed's run found wrong, said so that the seed can be looked into.
struct CrashFinding: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The crash VFS (Tests/SQLiteCrashTestVFS): one run at a time, on the files of one folder.
enum CrashVFS {
    /// Makes it the process's default VFS, so that the log write buffer, installed over the
    /// default when stepd's database is first opened, wraps it. Only in a process of its own
    /// (an exit test's): the buffer is installed once per process and wraps what was the default.
    static func makeDefault() throws {
        let result = stepd_crash_vfs_register(1)
        guard result == SQLITE_OK else { throw CrashFinding("cannot register the crash VFS (SQLite result \(result))") }
    }

    static func begin(folder: String, cutAtSync: Int, seed: UInt64, writeback: CrashWriteback) throws {
        let result = stepd_crash_vfs_begin(folder, Int32(cutAtSync), seed, writeback.value)
        guard result == SQLITE_OK else { throw CrashFinding("cannot begin a crash run (SQLite result \(result))") }
    }

    static var isCut: Bool { stepd_crash_vfs_is_cut() != 0 }
    static var syncs: Int { Int(stepd_crash_vfs_syncs()) }
    static var openHandles: Int { Int(stepd_crash_vfs_open_handles()) }

    /// Ends the run, putting on the files what the cut left on the simulated disk, once the
    /// handles of the dead connections are closed: the background checkpointer's connection
    /// goes with its thread, a moment after the engine has closed it, so this waits for it, 10 s
    /// at most. Returns what the cut left of each file.
    static func finish() throws -> String {
        var report = [CChar](repeating: 0, count: 2048)
        let result = stepd_crash_vfs_finish(10_000, &report, Int32(report.count))
        guard result != SQLITE_BUSY else {
            throw CrashFinding("\(openHandles) handles on the database files were still open 10 s after the connections were dropped")
        }
        guard result == SQLITE_OK else { throw CrashFinding("cannot write the simulated disk back (SQLite result \(result))") }
        return String(decoding: report.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// What reaches the disk, at the cut, of the writes made since each file's last sync.
enum CrashWriteback: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// None of them, but a prefix of the last write of the file whose sync is the cut.
    case lost
    /// Of each file, the first ones in order, the next one torn.
    case inOrder
    /// Of each file, each one lost, whole or torn.
    case any

    var description: String {
        switch self {
        case .lost: "lost"
        case .inOrder: "in order"
        case .any: "any"
        }
    }

    var value: StepdCrashWriteback {
        switch self {
        case .lost: StepdCrashWritebackLost
        case .inOrder: StepdCrashWritebackInOrder
        case .any: StepdCrashWritebackAny
        }
    }
}

private let SQLITE_OK = ResultCode.SQLITE_OK.rawValue
private let SQLITE_BUSY = ResultCode.SQLITE_BUSY.rawValue
