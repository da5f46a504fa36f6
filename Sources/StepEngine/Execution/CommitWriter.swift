import Foundation
import GRDB
import Logging
import StepStore
import Synchronization

/// What the engine does with a commit once it is durable, or with one that failed.
protocol CommitObserver: AnyObject, Sendable {
    /// Called on the thread that committed (the writer's, or the spool's), in commit order,
    /// before the next commit begins.
    func committed(effects: TransitionEffects, nextTimerDue: Double??)
    /// Nothing of the commit happened; `executions` were to be driven in it.
    func commitFailed(executions: [Int64], consecutiveFailures: Int)
}

/// The thread that writes. Callers queue a change and wait; the thread takes everything
/// queued meanwhile into one group commit and answers each caller directly from here.
///
/// A plain thread blocked on a semaphore costs no wakeups while idle, and a commit crosses
/// no executors: GRDB's synchronous write runs on this thread, and the callers resume from it.
/// One exception: a caller that may block (the spool's thread) commits its own change while
/// this thread sleeps (`submitCommittingHere`); `isAwake` says who holds the writer's role.
///
/// After a commit the thread may stay awake a little while before it sleeps
/// (`AwakeAfterCommit`), so that a client's next request does not wait for its CPU to wake.
///
/// Both are speed tricks that can be turned off (`commitsOnCallingThread` at init, no
/// `awakeAfterCommit` at start): every commit is then the thread's, and it sleeps after each.
final class CommitWriter: Sendable {
    private struct Inbox {
        var writes: [PendingWrite] = []
        var ready: [Int64] = []
        var readySet: Set<Int64> = []
        /// True from the moment work is queued for a sleeping thread until it sleeps again.
        var isAwake = false
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
        var consecutiveFailures = 0
        var isClosed = false
        /// The thread has returned (or never started and was closed); nothing commits any more.
        var hasEnded = false
        var endWaiters: [CheckedContinuation<Void, Never>] = []
        /// When the commit in progress began; nil between commits.
        var commitStartedAt: ContinuousClock.Instant?

        var hasWork: Bool { !writes.isEmpty || !ready.isEmpty }
    }

    private struct ObserverReference {
        weak var observer: (any CommitObserver)?
    }

    private let inbox = Mutex(Inbox())
    /// Counts what may end the thread's quiet spell (work queued, `close`), so that while it
    /// stays awake it watches one number instead of taking the lock over and over.
    private let arrivals = Atomic<Int>(0)
    private let wakeUp = DispatchSemaphore(value: 0)
    private let observer = Mutex(ObserverReference())
    private let database: DatabasePool
    private let definitions: DefinitionCache
    private let rules: RuleCache
    private let clock: @Sendable () -> Date
    private let logger: Logger
    private let trace: CommitTrace?
    private let checkpointer: WALCheckpointer?
    private let commitsOnCallingThread: Bool
    private let progress: WorkInProgress?
    private let crashHook: CrashHook?
    private let buckets: BucketFolder?

    /// `commitsOnCallingThread`: false makes `submitCommittingHere` queue like `submit`.
    /// `progress`: told which execution each drive is for, and of each durable commit.
    init(
        database: DatabasePool, definitions: DefinitionCache, rules: RuleCache, clock: @escaping @Sendable () -> Date, logger: Logger,
        trace: CommitTrace?, checkpointer: WALCheckpointer?, commitsOnCallingThread: Bool = true, progress: WorkInProgress? = nil,
        crashHook: CrashHook? = nil, buckets: BucketFolder? = nil
    ) {
        self.database = database
        self.buckets = buckets
        self.progress = progress
        self.crashHook = crashHook
        self.commitsOnCallingThread = commitsOnCallingThread
        self.trace = trace
        self.checkpointer = checkpointer
        self.definitions = definitions
        self.rules = rules
        self.clock = clock
        self.logger = logger
    }

    /// Starts the thread. The observer is held weakly: when it goes, the thread ends.
    /// `awakeAfterCommit` nil: the thread sleeps as soon as it has nothing to do.
    func start(observer: any CommitObserver, awakeAfterCommit: AwakeAfterCommit? = AwakeAfterCommit()) {
        self.observer.withLock { $0.observer = observer }
        let thread = Thread { [self] in
            self.writeForever(awakeAfterCommit: awakeAfterCommit)
            self.ended()
        }
        thread.name = "stepd-writer"
        // Evaluating deeply nested JSON recurses; give it the stack a main thread would have.
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Ends the thread once the commit in progress is done. Writes queued then, and any
    /// submitted later, fail with `EngineUnavailable.stopping`; their callers were told nothing
    /// happened, and ready executions stay ready in the database for the next start.
    func close() {
        let mustWake = inbox.withLock { inbox in
            inbox.isClosed = true
            return Self.markAwake(&inbox)
        }
        arrivals.add(1, ordering: .releasing)
        if mustWake { wakeUp.signal() }
    }

    /// Closes the writer and returns once its thread has ended (at once if it never started).
    func closeAndWait() async {
        close()
        await withCheckedContinuation { continuation in
            let hasEnded = inbox.withLock { inbox in
                if inbox.hasEnded { return true }
                inbox.endWaiters.append(continuation)
                return false
            }
            if hasEnded { continuation.resume() }
        }
    }

    /// The thread's last act: answers what is still queued and whoever waits for the end.
    private func ended() {
        let (writes, waiters) = inbox.withLock { inbox in
            inbox.hasEnded = true
            inbox.isAwake = false
            defer {
                inbox.writes.removeAll()
                inbox.idleWaiters.removeAll()
                inbox.endWaiters.removeAll()
            }
            return (inbox.writes, inbox.idleWaiters + inbox.endWaiters)
        }
        for write in writes { write.finish(.failure(EngineUnavailable.stopping)) }
        for waiter in waiters { waiter.resume() }
    }

    // MARK: - Queueing work

    /// Like `submit`, but when the writer thread sleeps and nothing else is queued, commits on
    /// the calling thread: one thread fewer to wake between an event and its commit. The
    /// caller must be a thread that may block for a commit (not an event loop). Work queued
    /// meanwhile goes to the writer thread.
    func submitCommittingHere(_ write: PendingWrite) {
        guard commitsOnCallingThread else {
            submit(write)
            return
        }
        let claimed = inbox.withLock { inbox -> Bool in
            guard !inbox.isAwake, !inbox.hasWork, !inbox.isClosed else { return false }
            // Holding `isAwake` makes this thread the writer: others queue, nobody else commits.
            inbox.isAwake = true
            inbox.commitStartedAt = .now
            return true
        }
        guard claimed else {
            submit(write)
            return
        }
        guard let observer = observer.withLock({ $0.observer }) else {
            write.finish(.failure(CancellationError()))
            return
        }
        commit(writes: [write], executions: [], observer: observer)
        // Whatever came meanwhile (and what this commit made ready) is the writer thread's.
        let next = inbox.withLock { inbox -> (wakeWriter: Bool, idleWaiters: [CheckedContinuation<Void, Never>]) in
            inbox.commitStartedAt = nil
            if inbox.hasWork || inbox.isClosed { return (true, []) }
            inbox.isAwake = false
            defer { inbox.idleWaiters.removeAll() }
            return (false, inbox.idleWaiters)
        }
        if next.wakeWriter { wakeUp.signal() }
        for waiter in next.idleWaiters { waiter.resume() }
    }

    func submit(_ write: PendingWrite) {
        let mustWake = inbox.withLock { inbox -> Bool? in
            if inbox.isClosed { return nil }
            if write.runsFirst {
                inbox.writes.insert(write, at: inbox.writes.firstIndex { !$0.runsFirst } ?? inbox.writes.endIndex)
            } else {
                inbox.writes.append(write)
            }
            return Self.markAwake(&inbox)
        }
        guard let mustWake else {
            write.finish(.failure(EngineUnavailable.stopping))
            return
        }
        arrivals.add(1, ordering: .releasing)
        if mustWake { wakeUp.signal() }
    }

    func schedule(_ executions: [Int64]) {
        guard !executions.isEmpty else { return }
        let mustWake = inbox.withLock { inbox in
            for id in executions where inbox.readySet.insert(id).inserted { inbox.ready.append(id) }
            return inbox.hasWork && Self.markAwake(&inbox)
        }
        arrivals.add(1, ordering: .releasing)
        if mustWake { wakeUp.signal() }
    }

    /// Returns once no execution is ready to run, no write is pending and no commit is running,
    /// or once the writer has ended.
    func waitUntilIdle() async {
        await withCheckedContinuation { continuation in
            let isIdle = inbox.withLock { inbox in
                if inbox.hasEnded || (!inbox.isAwake && !inbox.hasWork) { return true }
                inbox.idleWaiters.append(continuation)
                return false
            }
            if isIdle { continuation.resume() }
        }
    }

    /// How long the commit in progress has been running (zero between commits): the watchdog
    /// stops pinging while one hangs.
    func currentCommitDuration() -> Duration {
        inbox.withLock { inbox in inbox.commitStartedAt.map { .now - $0 } ?? .zero }
    }

    /// The thread sleeps on the semaphore only while not awake, so exactly one signal wakes it.
    private static func markAwake(_ inbox: inout Inbox) -> Bool {
        if inbox.isAwake { return false }
        inbox.isAwake = true
        return true
    }

    // MARK: - The thread

    private enum Next {
        case commit(writes: [PendingWrite], executions: [Int64])
        /// Nothing to do yet: stay awake a while (`isAwake` stays true, so nobody signals).
        case stayAwake(Duration)
        case sleep([CheckedContinuation<Void, Never>])
        case stop
    }

    private func writeForever(awakeAfterCommit initial: AwakeAfterCommit?) {
        var awakeAfterCommit = initial
        /// When the thread last found nothing to do after a commit; nil while it has work.
        var quietSince: ContinuousClock.Instant?
        var stayedAwake = false
        while true {
            let next = inbox.withLock { inbox -> Next in
                inbox.commitStartedAt = nil
                if inbox.isClosed { return .stop }
                guard inbox.hasWork else {
                    if !stayedAwake, let window = awakeAfterCommit?.window, window > .zero { return .stayAwake(window) }
                    inbox.isAwake = false
                    defer { inbox.idleWaiters.removeAll() }
                    return .sleep(inbox.idleWaiters)
                }
                let writes = inbox.writes
                inbox.writes.removeAll()
                let executions = Array(inbox.ready.prefix(GroupCommit.executionsPerCommit))
                inbox.ready.removeFirst(executions.count)
                for id in executions { inbox.readySet.remove(id) }
                inbox.commitStartedAt = .now
                return .commit(writes: writes, executions: executions)
            }
            switch next {
            case .stop:
                return
            case .stayAwake(let window):
                if quietSince == nil { quietSince = .now }
                stayedAwake = true
                watchForArrivals(for: window)
            case .sleep(let idleWaiters):
                if quietSince == nil { quietSince = .now }
                for waiter in idleWaiters { waiter.resume() }
                wakeUp.wait()
            case .commit(let writes, let executions):
                if let since = quietSince {
                    awakeAfterCommit?.learn(quiet: .now - since)
                    quietSince = nil
                }
                guard let observer = observer.withLock({ $0.observer }) else { return }
                commit(writes: writes, executions: executions, observer: observer)
                stayedAwake = false
            }
        }
    }

    /// Returns when something arrived or `window` passed. Yields the CPU at every turn, so a
    /// thread that needs it (one about to queue work, say) runs first.
    private func watchForArrivals(for window: Duration) {
        let seen = arrivals.load(ordering: .acquiring)
        let deadline = ContinuousClock.now + window
        while arrivals.load(ordering: .acquiring) == seen, ContinuousClock.now < deadline {
            sched_yield()
        }
    }

    private func commit(writes: [PendingWrite], executions: [Int64], observer: any CommitObserver) {
        let began = clock()
        var commit = GroupCommit(writes: writes, queued: executions, now: began, definitions: definitions, logger: logger)
        commit.buckets = buckets
        commit.progress = progress
        commit.crashHook = crashHook
        do {
            var committing = began
            let write = { (withSavepoints: Bool) throws -> GroupCommit.Outcome in
                try self.database.writeWithPreparedTransaction { db in
                    let outcome = withSavepoints ? try commit.run(in: db) : try db.withoutSavepoints { try commit.run(in: db) }
                    if self.trace != nil { committing = Date() }
                    return outcome
                }
            }
            let outcome: GroupCommit.Outcome
            do {
                outcome = try write(false)
            } catch is SavepointsNeeded {
                // Something failed halfway: all of it again, each part in its savepoint. The
                // caches may hold what was just rolled back.
                definitions.invalidate()
                rules.invalidate()
                outcome = try write(true)
            }
            trace?.record(began: began, committing: committing, durable: Date(), writes: writes.count, executions: executions.count)
            checkpointer?.committed()
            progress?.committed()
            inbox.withLock { $0.consecutiveFailures = 0 }
            observer.committed(effects: outcome.effects, nextTimerDue: outcome.nextTimerDue)
            for (write, result) in zip(writes, outcome.results) { write.finish(result) }
            schedule(outcome.effects.readyExecutions + outcome.stillReady)
            checkpointer?.finishCheckpointIfDue(on: database)
        } catch {
            // Nothing of this transaction happened: the writes fail (their callers hear why),
            // the caches may hold what was rolled back, and the executions are tried again
            // later (a full disk may have room by then).
            let failures = inbox.withLock { inbox in
                inbox.consecutiveFailures += 1
                return inbox.consecutiveFailures
            }
            logger.error(
                "a group commit failed", metadata: ["ERROR": "\(error)", "WRITES": "\(writes.count)", "EXECUTIONS": "\(executions.count)"])
            progress?.commitFailed()
            let failure = (error as? DatabaseError).map(GroupCommit.describe) ?? error
            for write in writes { write.finish(.failure(failure)) }
            definitions.invalidate()
            rules.invalidate()
            observer.commitFailed(executions: executions, consecutiveFailures: failures)
        }
    }
}
