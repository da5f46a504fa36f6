import Logging
import ServiceLifecycle
import StepEngine
import Synchronization

/// Keeps systemd's STATUS= line current without waking the daemon for it.
///
/// The engine says after each commit that the figures may have changed
/// (``figuresMayHaveChanged()``, through `Engine.onCommit`); the first such word sends a
/// fresh line at once and holds the next one back for a second, so a busy daemon sends at
/// most one a second and an idle one none: no timer runs while nothing changes. The daemon
/// wires it up only under systemd (NOTIFY_SOCKET set).
final class StatusReporter: Sendable {
    let engine: Engine
    let logger: Logger
    /// Set by the first change after a line went out; cleared just before the next is counted.
    private let changePending = Atomic<Bool>(false)
    private let changes: AsyncStream<Void>
    private let changeContinuation: AsyncStream<Void>.Continuation

    static let minimumInterval = Duration.seconds(1)

    init(engine: Engine, logger: Logger) {
        self.engine = engine
        self.logger = logger
        (changes, changeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Cheap enough to call on every commit: only the first call after a line went out does anything.
    func figuresMayHaveChanged() {
        guard !changePending.exchange(true, ordering: .acquiringAndReleasing) else { return }
        changeContinuation.yield()
    }

    /// The STATUS= text as of now.
    func currentLine() -> String {
        do {
            return ServiceStatus(figures: try engine.figures()).line
        } catch {
            logger.warning("cannot count the figures for systemd's status line", metadata: ["ERROR": "\(error)"])
            return "figures unavailable: \(error)"
        }
    }

    /// Sends a line for each burst of changes, at most one a second, until cancelled.
    func sendUpdates() async {
        for await _ in changes {
            changePending.store(false, ordering: .sequentiallyConsistent)
            SystemdNotifier.status(currentLine())
            do {
                try await Task.sleep(for: Self.minimumInterval)
            } catch {
                return
            }
        }
    }
}

/// Runs the ``StatusReporter``'s updates as long as the daemon serves.
struct StatusService: Service {
    let reporter: StatusReporter

    func run() async throws {
        let reporter = self.reporter
        await cancelWhenGracefulShutdown { await reporter.sendUpdates() }
    }
}
