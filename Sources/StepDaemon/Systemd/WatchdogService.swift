import CSystemd
import Logging
import NIOCore
import ServiceLifecycle
import StepEngine

/// Pings systemd's watchdog (WATCHDOG=1) at half the interval the unit sets (WatchdogSec=).
///
/// The wait runs as a timer on the event loop that accepts API connections, the ping is sent
/// from that loop, and only while the engine's writer is not stuck in one commit: a wedged
/// loop or a wedged writer stops the pings, and systemd restarts the daemon. Without a watchdog this
/// service is not started at all, so an idle daemon never wakes up for it.
struct WatchdogService: Service {
    let interval: TimeAmount
    let servers: [APIServer]
    let engine: Engine
    let logger: Logger

    /// Half of WATCHDOG_USEC when systemd asks for pings for this process, else nil. Removes
    /// WATCHDOG_USEC and WATCHDOG_PID from the environment: they are the daemon's alone.
    static func pingInterval() -> TimeAmount? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(1, &microseconds) > 0, microseconds > 0 else { return nil }
        return .microseconds(Int64(clamping: microseconds / 2))
    }

    func run() async throws {
        var loops: [any EventLoop] = []
        for server in servers { loops.append(try await server.listeningEventLoop()) }
        guard let pingingLoop = loops.first else { return }
        let otherLoops = Array(loops.dropFirst())
        logger.info("systemd watchdog on", metadata: ["PING_EVERY_MILLISECONDS": "\(interval.nanoseconds / 1_000_000)"])
        do {
            try await cancelWhenGracefulShutdown { try await pingUntilCancelled(from: pingingLoop, alsoChecking: otherLoops) }
        } catch is CancellationError {
            // Shutdown: the pings stop last, once everything else has stopped.
        }
    }

    /// Each round: the timer on the accepting loop, a turn of every other listener's loop, a
    /// check of the engine's writer, then the ping from the accepting loop.
    private func pingUntilCancelled(from pingingLoop: any EventLoop, alsoChecking otherLoops: [any EventLoop]) async throws {
        while true {
            let timer = pingingLoop.scheduleTask(in: interval) {}
            do {
                try await withTaskCancellationHandler {
                    try await timer.futureResult.get()
                } onCancel: {
                    timer.cancel()
                }
            } catch {
                // A cancelled timer fails with NIO's own error; shutdown is what it means.
                if Task.isCancelled { throw CancellationError() }
                throw error
            }
            for loop in otherLoops { try await loop.submit {}.get() }
            guard engine.isWriterResponsive(limit: .nanoseconds(interval.nanoseconds)) else {
                logger.error("a commit has been running for longer than half the watchdog interval; not pinging")
                continue
            }
            try await pingingLoop.submit { SystemdNotifier.watchdog() }.get()
        }
    }
}
