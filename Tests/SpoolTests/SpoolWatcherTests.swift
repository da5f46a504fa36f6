import Foundation
import Glibc
import Logging
@testable import StepDaemon
import Testing

@Suite(.timeLimit(.minutes(1)))
struct SpoolWatcherTests {
    @Test func renamedFileReachesHandlerAndIsUnlinked() async throws {
        try await withTemporarySpool { spool in
            let watcher = makeWatcher(spool)
            let recorder = RecordingHandler()
            try await whileWatching(watcher, recorder) {
                // Once the marker is handled, the watch is in place: the next file comes by inotify.
                try spool.write(event: Data("{}".utf8), name: "0-marker")
                #expect(try await recorder.next().name == "0-marker")
                try spool.write(event: Data(#"{"source":"job"}"#.utf8), name: "1-event")
                let file = try await recorder.next()
                #expect(file == SpoolFile(name: "1-event", contents: Data(#"{"source":"job"}"#.utf8)))
                await watcher.drain()  // serialized with run: the file's disposal is done
                #expect(!fileExists(spool.new + "/1-event"))
                #expect(!fileExists(spool.tmp + "/1-event"))
            }
        }
    }

    @Test func fileWrittenInPlaceIsSeenOnClose() async throws {
        try await withTemporarySpool { spool in
            let watcher = makeWatcher(spool)
            let recorder = RecordingHandler()
            try await whileWatching(watcher, recorder) {
                try spool.write(event: Data("{}".utf8), name: "0-marker")
                _ = try await recorder.next()
                #expect(FileManager.default.createFile(atPath: spool.new + "/direct", contents: Data("x".utf8)))
                #expect(try await recorder.next().name == "direct")
            }
        }
    }

    @Test func filesPresentBeforeRunAreHandledInNameOrder() async throws {
        try await withTemporarySpool { spool in
            for name in ["c", "a", "b"] { try spool.write(event: Data(name.utf8), name: name) }
            let watcher = makeWatcher(spool)
            let recorder = RecordingHandler()
            try await whileWatching(watcher, recorder) {
                var seen: [String] = []
                for _ in 0..<3 { seen.append(try await recorder.next().name) }
                #expect(seen == ["a", "b", "c"])
                await watcher.drain()
                #expect(try FileManager.default.contentsOfDirectory(atPath: spool.new).isEmpty)
            }
        }
    }

    @Test func rejectedFileLandsInFailedWithReason() async throws {
        try await withTemporarySpool { spool in
            let watcher = makeWatcher(spool)
            let recorder = RecordingHandler()
            try await whileWatching(watcher, recorder) {
                try spool.write(event: Data("not json".utf8), name: "reject-me")
                #expect(try await recorder.next().name == "reject-me")
                await watcher.drain()
                #expect(!fileExists(spool.new + "/reject-me"))
                #expect(try String(contentsOfFile: spool.failed + "/reject-me", encoding: .utf8) == "not json")
                let reason = try String(contentsOfFile: spool.failed + "/reject-me.error", encoding: .utf8)
                #expect(reason.hasPrefix("rejected by test: reject-me\nrejected at "))
            }
        }
    }

    @Test func drainProcessesPendingFilesWhileRunning() async throws {
        try await withTemporarySpool { spool in
            let watcher = makeWatcher(spool)
            let recorder = RecordingHandler()
            try await whileWatching(watcher, recorder) {
                try spool.write(event: Data("{}".utf8), name: "0-marker")
                _ = try await recorder.next()  // run is running
                try spool.write(event: Data("{}".utf8), name: "job-report")
                await watcher.drain()
                // Whoever got there first (inotify or drain), it is done when drain returns.
                #expect(!fileExists(spool.new + "/job-report"))
                #expect(try await recorder.next(seconds: 1).name == "job-report")
            }
        }
    }

    @Test func drainWithoutRunDoesNothing() async throws {
        try await withTemporarySpool { spool in
            try spool.write(event: Data("{}".utf8), name: "waiting")
            await makeWatcher(spool).drain()
            #expect(fileExists(spool.new + "/waiting"))
        }
    }

    enum BadFile: String, CaseIterable, Sendable {
        case oversized, symlink, fifo, directory
    }

    @Test(arguments: BadFile.allCases)
    func unacceptableFileIsRejectedWithReason(_ kind: BadFile) async throws {
        try await withTemporarySpool { spool in
            let path = spool.new + "/bad"
            let expected: String
            switch kind {
            case .oversized:
                try spool.write(event: Data(repeating: 0x20, count: 1025), name: "bad")
                expected = "the file is 1025 bytes, over the spool limit of 1024 bytes"
            case .symlink:
                try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/etc/hostname")
                expected = "the file is a symbolic link"
            case .fifo:
                #expect(mkfifo(path, 0o600) == 0)
                expected = "the file is not a regular file"
            case .directory:
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
                expected = "the file is not a regular file"
            }
            let recorder = RecordingHandler()
            let watcher = makeWatcher(spool, limit: 1024)
            await watcher.drain(handler: recorder.handler)
            #expect(!fileExists(path))
            #expect(fileExists(spool.failed + "/bad"))
            let reason = try String(contentsOfFile: spool.failed + "/bad.error", encoding: .utf8)
            #expect(reason.hasPrefix(expected), "\(reason)")
            // The handler never saw it: a good file after it is the first call.
            try spool.write(event: Data("{}".utf8), name: "good")
            await watcher.drain(handler: recorder.handler)
            #expect(try await recorder.next().name == "good")
        }
    }

    /// A file the daemon does not take now (it is stopping) stays in new/ for the next scan.
    @Test func leftFileStaysForTheNextScan() async throws {
        try await withTemporarySpool { spool in
            try spool.write(event: Data("{}".utf8), name: "later")
            let watcher = makeWatcher(spool)
            await watcher.drain { _ in .left }
            #expect(fileExists(spool.new + "/later"))
            #expect(!fileExists(spool.failed + "/later"))
            let recorder = RecordingHandler()
            await watcher.drain(handler: recorder.handler)
            #expect(try await recorder.next().name == "later")
        }
    }

    @Test func dotFilesAreIgnored() async throws {
        try await withTemporarySpool { spool in
            #expect(FileManager.default.createFile(atPath: spool.new + "/.partial", contents: Data()))
            try spool.write(event: Data("{}".utf8), name: "visible")
            let recorder = RecordingHandler()
            await makeWatcher(spool).drain(handler: recorder.handler)
            #expect(try await recorder.next().name == "visible")
            #expect(fileExists(spool.new + "/.partial"))
        }
    }

    @Test func runFailsWhenNewIsMissing() async throws {
        try await withTemporarySpool { spool in
            try FileManager.default.removeItem(atPath: spool.new)
            await #expect(throws: SpoolError.self) {
                try await makeWatcher(spool).run { _ in .accepted }
            }
        }
    }

    @Test func runFailsWhenNewIsDeletedWhileWatching() async throws {
        try await withTemporarySpool { spool in
            let watcher = makeWatcher(spool)
            let recorder = RecordingHandler()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await watcher.run(handler: recorder.handler) }
                try spool.write(event: Data("{}".utf8), name: "0-marker")
                _ = try await recorder.next()
                try FileManager.default.removeItem(atPath: spool.new)
                await #expect(throws: SpoolError.self) { try await group.next() }
            }
        }
    }

    @Test func cancelledBeforeStartReturns() async throws {
        try await withTemporarySpool { spool in
            let watcher = makeWatcher(spool)
            let task = Task { try await watcher.run { _ in .accepted } }
            task.cancel()
            try await task.value
        }
    }
}

@Suite struct SpoolDirectoryTests {
    @Test func createMakesPrivateDirectories() async throws {
        try await withTemporarySpool { spool in
            try spool.create()  // again: idempotent
            for path in [spool.root, spool.tmp, spool.new, spool.failed] {
                var info = stat()
                #expect(lstat(path, &info) == 0)
                #expect(info.st_mode & 0o7777 == 0o700)
            }
        }
    }

    @Test(arguments: ["", ".hidden", "a/b", String(repeating: "x", count: 241)])
    func writeRefusesBadNames(_ name: String) async throws {
        try await withTemporarySpool { spool in
            #expect(throws: SpoolError.self) { try spool.write(event: Data(), name: name) }
        }
    }

    @Test func writeLeavesNothingInTmp() async throws {
        try await withTemporarySpool { spool in
            try spool.write(event: Data("{}".utf8), name: "e1")
            #expect(try FileManager.default.contentsOfDirectory(atPath: spool.tmp).isEmpty)
            #expect(try Data(contentsOf: URL(fileURLWithPath: spool.new + "/e1")) == Data("{}".utf8))
        }
    }
}

@Suite struct InotifyRecordTests {
    static func record(watch: Int32, mask: UInt32, name: String, padTo: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: watch.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: mask.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: UInt32(0).littleEndian) { bytes += $0 }
        withUnsafeBytes(of: UInt32(padTo).littleEndian) { bytes += $0 }
        var nameBytes = Array(name.utf8)
        nameBytes += [UInt8](repeating: 0, count: padTo - nameBytes.count)
        return bytes + nameBytes
    }

    @Test func parsesSeveralVariableLengthRecords() {
        let bytes =
            Self.record(watch: 1, mask: InotifyRecord.movedTo, name: "a.json", padTo: 16)
            + Self.record(watch: 1, mask: InotifyRecord.queueOverflow, name: "", padTo: 0)
            + Self.record(watch: 1, mask: InotifyRecord.closeWrite, name: "report-0123456789abcdef", padTo: 32)
            + [1, 0, 0]  // a truncated tail is dropped
        let records = bytes.withUnsafeBytes { InotifyRecord.parse($0) }
        #expect(records == [
            InotifyRecord(watch: 1, mask: InotifyRecord.movedTo, cookie: 0, name: "a.json"),
            InotifyRecord(watch: 1, mask: InotifyRecord.queueOverflow, cookie: 0, name: ""),
            InotifyRecord(watch: 1, mask: InotifyRecord.closeWrite, cookie: 0, name: "report-0123456789abcdef"),
        ])
    }
}
