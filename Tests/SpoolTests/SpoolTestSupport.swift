import Foundation
import Glibc
import Logging
import Synchronization
import StepDaemon
import TestSupport
import Testing

struct StreamEnded: Error, CustomStringConvertible {
    let what: String
    var description: String { "\(what) cannot come: the stream ended" }
}

/// A fresh spool under the temporary directory (or `folder`), removed afterwards.
func withTemporarySpool(in folder: String? = nil, _ body: (SpoolDirectory) async throws -> Void) async throws {
    let base = (folder ?? FileManager.default.temporaryDirectory.path) + "/stepd-spool-\(UUID().uuidString)"
    let spool = SpoolDirectory(root: base + "/events")
    try spool.create()
    defer { try? FileManager.default.removeItem(atPath: base) }
    try await body(spool)
}

/// Records handler calls and answers with a disposition chosen by file name: names starting
/// with "reject-" are rejected with the reason "rejected by test: <name>"; names starting with
/// "later-" are left for a retry the first time, then accepted.
final class RecordingHandler: Sendable {
    let calls: AsyncStream<SpoolFile>
    private let continuation: AsyncStream<SpoolFile>.Continuation
    private let leftOnce = Mutex<Set<String>>([])

    init() {
        (calls, continuation) = AsyncStream.makeStream(of: SpoolFile.self)
    }

    var handler: @Sendable (SpoolFile) async -> SpoolDisposition {
        { [self] file in
            continuation.yield(file)
            if file.name.hasPrefix("reject-") { return .rejected(reason: "rejected by test: \(file.name)") }
            if file.name.hasPrefix("later-"), leftOnce.withLock({ $0.insert(file.name).inserted }) {
                return .retryLater(reason: "left by test: \(file.name)")
            }
            return .accepted
        }
    }

    /// The next handler call, waiting at most `seconds`.
    func next(seconds: Double = 10) async throws -> SpoolFile {
        let calls = self.calls
        let file = try await bounded(seconds: seconds, "a spool handler call") {
            var iterator = calls.makeAsyncIterator()
            return await iterator.next()
        }
        guard let file else { throw StreamEnded(what: "a spool handler call") }
        return file
    }
}

/// Runs the watcher beside `body`, then cancels it and waits for `run` to return.
func whileWatching(
    _ watcher: SpoolWatcher, _ recorder: RecordingHandler, _ body: () async throws -> Void
) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await watcher.run(handler: recorder.handler) }
        try await body()
        group.cancelAll()
        try await group.waitForAll()
    }
}

func fileExists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
}

func makeWatcher(_ spool: SpoolDirectory, limit: Int = 1024) -> SpoolWatcher {
    SpoolWatcher(directory: spool, maximumFileSize: limit, logger: Logger(label: "SpoolTests"))
}
