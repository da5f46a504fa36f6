@_spi(ExperimentalCustomExecutors) @_spi(ExperimentalScheduling) import _Concurrency
import Dispatch
import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// Swift concurrency's default executor for the daemon: jobs run on a few plain threads
/// taking them from one queue, and delayed jobs wait on NIO's event loop timers.
///
/// Why not the platform's executor: on Linux it runs jobs on libdispatch's global queues, and
/// the first worker of those arms libdispatch's pool monitor (`_dispatch_workq_init_once`), a
/// 1-second timer that never stops. An idle stepd must not wake up at all.
///
/// Built on Swift 6.3's experimental executor SPI (`_createExecutors`); the dispatch executor
/// comes back when STEPD_NO_QUIET_EXECUTOR (or STEPD_PLAIN) is set: `SpeedSwitches`.
final class QuietGlobalExecutor: TaskExecutor, SchedulingExecutor, Sendable {
    static let shared = QuietGlobalExecutor(threads: max(2, ProcessInfo.processInfo.activeProcessorCount))

    private let jobs = Mutex(CircularBuffer<UnownedJob>())
    /// Counts queued jobs; a thread waiting on it sleeps without a timeout.
    private let available = DispatchSemaphore(value: 0)
    private let timers = MultiThreadedEventLoopGroup.singleton

    private init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [self] in runJobs() }
            thread.name = "stepd-executor-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        push(UnownedJob(job))
    }

    func enqueue<C: Clock>(_ job: consuming ExecutorJob, after delay: C.Duration, tolerance: C.Duration?, clock: C) {
        let unowned = UnownedJob(job)
        guard let duration = delay as? Swift.Duration else {
            // Only clocks measured in Swift.Duration reach stepd; anything else runs now.
            push(unowned)
            return
        }
        let (seconds, attoseconds) = duration.components
        let (nanoseconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let total = overflow ? Int64.max : nanoseconds.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
        timers.any().scheduleTask(in: .nanoseconds(max(0, total))) { [self] in push(unowned) }
    }

    func enqueue<C: Clock>(_ job: consuming ExecutorJob, at instant: C.Instant, tolerance: C.Duration?, clock: C) {
        enqueue(job, after: clock.now.duration(to: instant), tolerance: tolerance, clock: clock)
    }

    private func push(_ job: UnownedJob) {
        jobs.withLock { $0.append(job) }
        available.signal()
    }

    private func runJobs() {
        while true {
            available.wait()
            guard let job = jobs.withLock({ $0.popFirst() }) else { continue }
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

struct QuietExecutorFactory: ExecutorFactory {
    static var mainExecutor: any MainExecutor { PlatformExecutorFactory.mainExecutor }
    static var defaultExecutor: any TaskExecutor { QuietGlobalExecutor.shared }
}
