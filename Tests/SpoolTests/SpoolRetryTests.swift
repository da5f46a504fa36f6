import Foundation
import Glibc
import Logging
import Synchronization
@testable import StepDaemon
import Testing

/// A failure that passes (no memory, no descriptors, a full disk, a failing store) leaves the
/// file in new/ and the spool is scanned again after a pause; only a file that can never be
/// accepted goes to failed/ (issue #15).
@Suite(.timeLimit(.minutes(1)))
struct SpoolRetryTests {
    @Test(arguments: [
        (EMFILE, true), (ENFILE, true), (ENOMEM, true), (EIO, true), (ENOSPC, true), (EDQUOT, true),
        (EACCES, false), (EISDIR, false), (ENXIO, false), (EPERM, false),
    ])
    func passingErrors(code: Int32, passes: Bool) {
        #expect(SpoolReader.isPassing(code) == passes, "\(String(cString: strerror(code)))")
    }

    /// Reads `flaky-*` files as failing with `code` the first `times` tries (as the reader
    /// tells such a failure), then as they are.
    static func flakyReader(code: Int32, times: Int) -> @Sendable (String, Int) -> SpoolReader.Outcome {
        let tries = Mutex<[String: Int]>([:])
        return { path, limit in
            let name = URL(fileURLWithPath: path).lastPathComponent
            let tried = tries.withLock { tries in
                tries[name, default: 0] += 1
                return tries[name] ?? 0
            }
            if name.hasPrefix("flaky-"), tried <= times {
                return SpoolReader.failure("the file cannot be opened", code)
            }
            return SpoolReader.read(path: path, limit: limit)
        }
    }

    static func watcher(_ spool: SpoolDirectory, reader: @escaping @Sendable (String, Int) -> SpoolReader.Outcome = SpoolReader.read)
        -> SpoolWatcher
    {
        SpoolWatcher(
            directory: spool, maximumFileSize: 1024, logger: Logger(label: "SpoolRetryTests"), readFile: reader,
            retryPauses: (.milliseconds(10), .milliseconds(40)))
    }

    @Test(arguments: [EMFILE, ENOMEM, EIO])
    func aFileThatCannotBeReadNowIsTakenByALaterScan(code: Int32) async throws {
        try await withTemporarySpool { spool in
            let watcher = Self.watcher(spool, reader: Self.flakyReader(code: code, times: 3))
            let recorder = RecordingHandler()
            try spool.write(event: Data("{}".utf8), name: "flaky-1")
            try spool.write(event: Data("{}".utf8), name: "good-2")
            try await whileWatching(watcher, recorder) { () async throws in
                #expect(try await recorder.next().name == "good-2", "a later file is not held up")
                #expect(try await recorder.next().name == "flaky-1", "the fourth try reads it")
                await watcher.drain()
                #expect(!fileExists(spool.new + "/flaky-1"))
                #expect(!fileExists(spool.failed + "/flaky-1"))
            }
        }
    }

    @Test(arguments: [EACCES, EISDIR])
    func aFileThatCanNeverBeReadGoesToFailed(code: Int32) async throws {
        try await withTemporarySpool { spool in
            let watcher = Self.watcher(spool, reader: Self.flakyReader(code: code, times: 1))
            let recorder = RecordingHandler()
            try spool.write(event: Data("{}".utf8), name: "flaky-1")
            try spool.write(event: Data("{}".utf8), name: "good-2")
            try await whileWatching(watcher, recorder) { () async throws in
                #expect(try await recorder.next().name == "good-2")
                await watcher.drain()
                #expect(fileExists(spool.failed + "/flaky-1"))
                #expect(!fileExists(spool.new + "/flaky-1"))
            }
        }
    }

    @Test func aStoreThatFailsForNowLeavesTheFileForALaterScan() async throws {
        try await withTemporarySpool { spool in
            let watcher = Self.watcher(spool)
            let recorder = RecordingHandler()
            try await whileWatching(watcher, recorder) { () async throws in
                try spool.write(event: Data("{}".utf8), name: "later-1")
                #expect(try await recorder.next().name == "later-1")
                #expect(try await recorder.next().name == "later-1", "the scan after the pause hands it over again")
                await watcher.drain()
                #expect(!fileExists(spool.new + "/later-1"))
                #expect(try FileManager.default.contentsOfDirectory(atPath: spool.failed).isEmpty)
            }
        }
    }
}

/// failed/ keeps its files for their retention; the spool's own activity prunes older ones.
@Suite(.timeLimit(.minutes(1)))
struct FailedFileRetentionTests {
    @Test func aScanDeletesFailedFilesPastTheirRetentionAndKeepsTheRest() async throws {
        try await withTemporarySpool { spool in
            for name in ["old", "old.error", "new", "new.error"] {
                #expect(FileManager.default.createFile(atPath: spool.failed + "/" + name, contents: Data("x".utf8)))
            }
            let fifteenDaysAgo = Date().addingTimeInterval(-15 * 86_400)
            for name in ["old", "old.error"] {
                try FileManager.default.setAttributes([.modificationDate: fifteenDaysAgo], ofItemAtPath: spool.failed + "/" + name)
            }
            let watcher = SpoolWatcher(directory: spool, failedFileRetention: .seconds(14 * 86_400), logger: Logger(label: "SpoolTests"))
            await watcher.drain(handler: RecordingHandler().handler)
            #expect(try FileManager.default.contentsOfDirectory(atPath: spool.failed).sorted() == ["new", "new.error"])
        }
    }

    @Test func withoutARetentionFailedFilesStay() async throws {
        try await withTemporarySpool { spool in
            #expect(FileManager.default.createFile(atPath: spool.failed + "/old", contents: Data("x".utf8)))
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 0)], ofItemAtPath: spool.failed + "/old")
            await makeWatcher(spool).drain(handler: RecordingHandler().handler)
            #expect(fileExists(spool.failed + "/old"))
        }
    }
}
