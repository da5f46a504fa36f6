import Foundation
import Glibc
import Logging
import Synchronization
import TestSupport
import Testing

@testable import StepDaemon

/// A flood larger than the kernel's inotify queue (fs.inotify.max_queued_events): the queue
/// overflows, the watcher rescans, and every file is taken exactly once (issue #15).
@Suite(.timeLimit(.minutes(2)))
struct InotifyOverflowTests {
    /// Blocks the first call until released, so the watcher reads no event while the flood
    /// comes; records every name.
    final class GatedHandler: Sendable {
        let handled = Mutex<[String]>([])
        let gate = AsyncStream<Void>.makeStream()
        let entered = AsyncStream<Void>.makeStream()

        var handler: @Sendable (SpoolFile) async -> SpoolDisposition {
            { [self] file in
                let first = handled.withLock { handled in
                    handled.append(file.name)
                    return handled.count == 1
                }
                if first {
                    entered.continuation.yield()
                    for await _ in gate.stream { break }
                }
                return .accepted
            }
        }
    }

    static var queueLimit: Int {
        let text = (try? String(contentsOfFile: "/proc/sys/fs/inotify/max_queued_events", encoding: .utf8)) ?? ""
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 16_384
    }

    @Test func aFloodPastTheQueueIsRescannedAndEveryFileTakenOnce() async throws {
        // Past what the watch keeps unread and what the kernel queues.
        let flood = Self.queueLimit + InotifyWatch.unconsumedLimit + 1_000
        try #require(flood <= 200_000, "fs.inotify.max_queued_events is \(Self.queueLimit): too many files for a test")
        // In memory where there is a tmpfs: twenty thousand files on a disk take minutes.
        try await withTemporarySpool(in: FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : nil) { spool in
            let logs = CapturedLogs()
            let watcher = SpoolWatcher(directory: spool, maximumFileSize: 1024, logger: logs.logger(label: "InotifyOverflowTests"))
            let gated = GatedHandler()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await watcher.run(handler: gated.handler) }
                try Self.drop("0-first", in: spool)
                try await bounded(seconds: 10, "the first file's handling") { () async -> Void? in
                    for await _ in gated.entered.stream { return () }
                    return nil
                }
                // The watcher is held in the first file's handling: nothing reads the queue.
                for index in 1...flood { try Self.drop(String(format: "%06d", index), in: spool) }
                gated.gate.continuation.yield()

                try await bounded(seconds: 60, "every file handled") { () async -> Void? in
                    while gated.handled.withLock({ Set($0).count }) < flood + 1 { try? await Task.sleep(for: .milliseconds(20)) }
                    return ()
                }
                await watcher.drain()
                group.cancelAll()
                try await group.waitForAll()
            }
            let handled = gated.handled.withLock { $0 }
            #expect(Set(handled).count == flood + 1)
            #expect(handled.count == flood + 1, "\(handled.count - Set(handled).count) files were handed over twice")
            #expect(try FileManager.default.contentsOfDirectory(atPath: spool.new).isEmpty)
            #expect(!logs.entries(withMessage: "inotify queue overflowed; rescanning the spool").isEmpty)
        }
    }

    /// As a job does, without the fsyncs (nothing here survives a power cut).
    static func drop(_ name: String, in spool: SpoolDirectory) throws {
        let temporary = spool.tmp + "/" + name
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        try #require(fd >= 0, "open \(temporary): \(String(cString: strerror(errno)))")
        let written = write(fd, "{}", 2)
        close(fd)
        try #require(written == 2 && rename(temporary, spool.new + "/" + name) == 0, "\(String(cString: strerror(errno)))")
    }
}
