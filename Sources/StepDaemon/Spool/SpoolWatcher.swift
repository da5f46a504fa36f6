import Foundation
import Glibc
import Logging
import Synchronization

/// What the daemon did with a spool file.
public enum SpoolDisposition: Sendable, Equatable {
    /// Stored (or a duplicate of a stored event): the file is unlinked.
    case accepted
    /// Not acceptable: the file moves to `failed/` beside a `<name>.error` saying why.
    case rejected(reason: String)
    /// Not taken now (stepd is stopping): the file stays in `new/` for the next scan.
    case left
    /// Not taken now for a reason that passes (a full disk, a failing store): the file stays
    /// in `new/`, and the spool is scanned again after a pause.
    case retryLater(reason: String)
}

/// A complete file read from `new/`.
public struct SpoolFile: Sendable, Equatable {
    public let name: String
    public let contents: Data

    public init(name: String, contents: Data) {
        self.name = name
        self.contents = contents
    }
}

/// Watches `new/` of the spool with inotify and hands each file to the daemon, one at a time.
///
/// For each file: open with `O_NOFOLLOW | O_NONBLOCK`; it must be a regular file no bigger
/// than `maximumFileSize`; read it; call the handler; on `.accepted` unlink it, on
/// `.rejected` move it to `failed/` and write `failed/<name>.error`. Names starting with `.`
/// are ignored; a file that vanished before it could be opened is skipped quietly.
public final class SpoolWatcher: Sendable {
    public let directory: SpoolDirectory
    public let maximumFileSize: Int
    private let logger: Logger
    /// Serializes `run`'s processing with `drain()`: one file at a time, whoever asks.
    private let processing = AsyncSerialLock()
    /// The handler of the running `run`, for `drain()`.
    private let currentHandler = Mutex<(@Sendable (SpoolFile) async -> SpoolDisposition)?>(nil)
    private let readFile: @Sendable (_ path: String, _ limit: Int) -> SpoolReader.Outcome
    private let retries: SpoolRetries
    /// How long files stay in failed/ (nil: for good).
    private let failedFileRetention: Duration?
    /// When failed/ was last pruned: at most once an hour, when a scan or a rejection happens.
    private let failedFilesPruned = Mutex<ContinuousClock.Instant?>(nil)

    /// The default limit is EventBridge's 256 KiB entry size plus room for the envelope.
    public convenience init(
        directory: SpoolDirectory, maximumFileSize: Int = 256 * 1024 + 4096, failedFileRetention: Duration? = nil, logger: Logger
    ) {
        self.init(
            directory: directory, maximumFileSize: maximumFileSize, logger: logger, readFile: SpoolReader.read,
            failedFileRetention: failedFileRetention)
    }

    /// `readFile`: how a file is read (tests make it fail); `retryPauses`: the first pause
    /// before a scan for files left by a passing failure, and the longest it doubles up to.
    init(
        directory: SpoolDirectory, maximumFileSize: Int, logger: Logger,
        readFile: @escaping @Sendable (_ path: String, _ limit: Int) -> SpoolReader.Outcome,
        retryPauses: (first: Duration, longest: Duration) = (.seconds(1), .seconds(60)), failedFileRetention: Duration? = nil
    ) {
        self.directory = directory
        self.maximumFileSize = maximumFileSize
        self.logger = logger
        self.readFile = readFile
        self.failedFileRetention = failedFileRetention
        retries = SpoolRetries(first: retryPauses.first, longest: retryPauses.longest)
    }

    /// Adds the inotify watch on `new/` (`IN_MOVED_TO | IN_CLOSE_WRITE`, `IN_ONLYDIR`), then
    /// processes the files already there (sorted by name), then each file inotify reports,
    /// until the task is cancelled. `IN_Q_OVERFLOW` triggers a full rescan.
    ///
    /// A file left in `new/` by a passing failure (the file could not be read for want of
    /// memory or descriptors, the store failed) makes the spool be scanned again after a
    /// pause (1 s, doubling up to 60 s while failures go on); later files are not held up.
    /// Only then does the watcher wake up on its own.
    ///
    /// Returns when the task is cancelled (after the watch thread has exited); throws when
    /// the watch cannot be set up or is lost (for instance `new/` was deleted).
    public func run(handler: @escaping @Sendable (SpoolFile) async -> SpoolDisposition) async throws {
        let watch = try InotifyWatch(directory: directory.new)
        let events = watch.start()
        let retryRequests = retries.open()
        currentHandler.withLock { $0 = handler }
        defer {
            currentHandler.withLock { $0 = nil }
            retries.close()
        }
        let failure: SpoolError? = await withTaskCancellationHandler {
            // On the watch's own thread: the one inotify wakes reads the file and hands it on.
            await withTaskExecutorPreference(watch) {
                await withTaskGroup(of: SpoolError?.self) { group in
                    group.addTask {
                        for await pause in retryRequests {
                            do { try await Task.sleep(for: pause) } catch { break }
                            await self.processAll(handler)
                        }
                        return nil
                    }
                    group.addTask {
                        await self.processAll(handler)
                        for await event in events {
                            switch event {
                            case .file(let name):
                                await self.serialized { await self.process(name: name, handler) }
                            case .overflow:
                                self.logger.warning(
                                    "inotify queue overflowed; rescanning the spool", metadata: ["SPOOL_DIRECTORY": "\(self.directory.new)"])
                                await self.processAll(handler)
                            case .failed(let message):
                                return SpoolError(message)
                            }
                        }
                        return nil
                    }
                    // The events end only when the watch stops or fails; the retries then too.
                    let first = await group.next() ?? nil
                    group.cancelAll()
                    retries.close()
                    let second = await group.next() ?? nil
                    return first ?? second
                }
            }
        } onCancel: {
            watch.stop()
            retries.close()
        }
        watch.stop()
        await watch.waitUntilExited()
        if let failure { throw failure }
    }

    /// Processes every file now in `new/` (sorted by name) with the handler `run` was given,
    /// serialized with `run`. The daemon calls this when a job exits, to ingest its report
    /// before deciding it never reported. Returns at once when `run` is not running (before
    /// it starts, files wait for its initial scan).
    public func drain() async {
        guard let handler = currentHandler.withLock({ $0 }) else {
            logger.debug("spool drain requested while the watcher is not running")
            return
        }
        await processAll(handler)
    }

    /// Processes every file now in `new/` (sorted by name) with `handler`, serialized with
    /// `run` (for a one-shot ingest without a watch, and for tests).
    public func drain(handler: @escaping @Sendable (SpoolFile) async -> SpoolDisposition) async {
        await processAll(handler)
    }

    // MARK: - Processing

    private func serialized(_ body: () async -> Void) async {
        await processing.lock()
        await body()
        processing.unlock()
    }

    private func processAll(_ handler: @Sendable (SpoolFile) async -> SpoolDisposition) async {
        await serialized {
            retries.scanStarts()
            defer { retries.scanEnded() }
            pruneFailedFilesIfDue()
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: directory.new).sorted()
            } catch {
                logger.error("cannot list the spool", metadata: ["SPOOL_DIRECTORY": "\(directory.new)", "ERROR": "\(error)"])
                return
            }
            for name in names {
                await process(name: name, handler)
            }
        }
    }

    /// Reads, hands over and disposes of one file. Callers hold `processing`.
    private func process(name: String, _ handler: @Sendable (SpoolFile) async -> SpoolDisposition) async {
        // Bytes, not Foundation's substring search: this runs for every event.
        guard !name.isEmpty, !name.hasPrefix("."), !name.utf8.contains(UInt8(ascii: "/")) else { return }
        let path = directory.new + "/" + name
        switch readFile(path, maximumFileSize) {
        case .vanished:
            logger.trace("spool file vanished before it was read", metadata: ["SPOOL_FILE": "\(name)"])
        case .failedForNow(let reason):
            leaveForRetry(name: name, reason: reason)
        case .unacceptable(let reason):
            logger.warning("spool file rejected; moved to failed/", metadata: ["SPOOL_FILE": "\(name)", "REASON": "\(reason)"])
            reject(name: name, reason: reason)
        case .contents(let data):
            switch await handler(SpoolFile(name: name, contents: data)) {
            case .accepted:
                if unlink(path) != 0, errno != ENOENT {
                    logger.error("cannot remove an accepted spool file", metadata: [
                        "SPOOL_FILE": "\(path)", "ERROR": "\(systemMessage(errno))",
                    ])
                }
            case .rejected(let reason):
                reject(name: name, reason: reason)
            case .left:
                logger.debug("spool file left for the next scan", metadata: ["SPOOL_FILE": "\(name)"])
            case .retryLater(let reason):
                leaveForRetry(name: name, reason: reason)
            }
        }
    }

    private func leaveForRetry(name: String, reason: String) {
        let pause = retries.request()
        logger.warning(
            "spool file left in new/ for now; the spool is scanned again after a pause",
            metadata: ["SPOOL_FILE": "\(name)", "REASON": "\(reason)", "PAUSE": "\(pause.map { "\($0)" } ?? "at the next start")"])
    }

    /// Deletes the files of failed/ older than their retention, at most once an hour, riding
    /// on the spool's own activity: nothing wakes an idle daemon for it.
    private func pruneFailedFilesIfDue() {
        guard let retention = failedFileRetention else { return }
        let now = ContinuousClock.now
        let due = failedFilesPruned.withLock { last in
            if let last, now - last < .seconds(3_600) { return false }
            last = now
            return true
        }
        guard due else { return }
        let cutoff = Date().timeIntervalSince1970 - Double(retention.components.seconds)
        let deleted = SpoolDirectory.deleteFiles(in: directory.failed, modifiedBefore: cutoff)
        if deleted > 0 {
            logger.info("pruned files of the spool's failed/ past their retention", metadata: ["FILES": "\(deleted)"])
        }
    }

    /// Moves `new/<name>` to `failed/<name>` and writes `failed/<name>.error`: the reason on
    /// one line, then the time.
    private func reject(name: String, reason: String) {
        defer { pruneFailedFilesIfDue() }
        let source = directory.new + "/" + name
        let target = directory.failed + "/" + name
        logger.debug("moving a rejected spool file to failed/", metadata: ["SPOOL_FILE": "\(name)", "REASON": "\(reason)"])
        guard rename(source, target) == 0 else {
            let code = errno
            if code != ENOENT {
                logger.error("cannot move a rejected spool file to failed/", metadata: [
                    "SPOOL_FILE": "\(source)", "ERROR": "\(systemMessage(code))",
                ])
                if SpoolReader.isPassing(code) { _ = retries.request() }
            }
            return
        }
        let oneLine = reason.split(whereSeparator: \.isNewline).joined(separator: " ")
        let text = "\(oneLine)\nrejected at \(Date().formatted(.iso8601))\n"
        let errorPath = target + ".error"
        let fd = open(errorPath, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            logger.error("cannot write the reason for a rejected spool file", metadata: [
                "SPOOL_FILE": "\(errorPath)", "ERROR": "\(systemMessage(errno))",
            ])
            return
        }
        defer { _ = close(fd) }
        do {
            try SpoolDirectory.writeAll(fd: fd, data: Data(text.utf8), path: errorPath)
        } catch {
            logger.error("cannot write the reason for a rejected spool file", metadata: ["SPOOL_FILE": "\(errorPath)", "ERROR": "\(error)"])
        }
    }
}
