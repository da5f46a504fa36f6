import Foundation
import GRDB
import JSON
import Logging
import StatesLanguage
import StepStore
import Synchronization

/// Runs executions. Every change is one write transaction; what it makes ready, ends or
/// asks for outside the database is carried out once it is durable. A suspended execution
/// costs rows, not threads or memory.
///
/// Writes go through one writer (``CommitWriter``: its thread, or a spool thread committing its
/// own event while that thread sleeps); reads run on the calling task.
public final class Engine: Sendable, CommitObserver {
    let database: DatabasePool
    let logger: Logger
    let definitions = DefinitionCache()
    let rules = RuleCache()
    let clock: @Sendable () -> Date

    let writer: CommitWriter
    /// What the daemon is working on, for the next start should it die doing it (nil: not
    /// kept, as in tests that do not crash).
    let progress: WorkInProgress?
    /// Spool files whose processing stopped the daemon too often, with the reason they are
    /// refused (set by `recover()`).
    let setAsideSpoolFiles = Mutex<[String: String]>([:])
    /// How long what has ended is kept; pruned in batches riding on commits.
    let retention: Retention
    let pruning = Mutex(PruningState())
    /// The background checkpointer the engine opened for itself, closed by `shutdown()`.
    private let ownCheckpointer: WALCheckpointer?
    private let waiters = ExecutionWaiters()
    private let alarm: TimerAlarm
    private let jobLauncher = Mutex<(any JobLauncher)?>(nil)
    private let jobLaunches = JobLaunchQueue()
    /// Running executions and those waiting on task tokens, counted once by `recover()` and
    /// kept by every commit since; nil before.
    let runningFigures = Mutex<RunningFigures?>(nil)
    /// Told after each commit, once the figures include it.
    let commitListener = Mutex<(@Sendable () -> Void)?>(nil)

    /// `clock`: the time every commit is stamped with, and what timers and commit retries
    /// sleep on (tests move a manual one).
    /// `commitTrace`: where to note each commit's begin and durable times (benchmarks).
    /// `checkpointer`: copies the log back into the database off the writer's path (else
    /// SQLite's automatic checkpoint does, inside a commit).
    /// `awakeWriter`, `commitsOnCallingThread`: the writer's speed tricks (``CommitWriter``),
    /// each of which may be turned off.
    /// `progress`: where to note the work in progress, and what the last run left there.
    /// `crashHook`: tests only, see ``CrashHook``.
    /// `retention`: how long what has ended is kept (tests keep everything unless they say).
    /// `buckets`: where Distributed Map states read items and write results (nil: nowhere).
    ///
    /// On a pool the caller opened: tests, which read the database beside the engine.
    package init(
        database: DatabasePool, logger: Logger, clock: any EngineClock = SystemClock(), commitTrace: CommitTrace? = nil,
        checkpointer: WALCheckpointer? = nil, awakeWriter: Bool = true, commitsOnCallingThread: Bool = true,
        ownsCheckpointer: Bool = false, progress: WorkInProgress? = nil, crashHook: CrashHook? = nil, retention: Retention = .forever,
        buckets: BucketFolder? = nil
    ) {
        self.database = database
        self.retention = retention
        ownCheckpointer = ownsCheckpointer ? checkpointer : nil
        self.logger = logger
        self.clock = { clock.now() }
        self.progress = progress
        writer = CommitWriter(
            database: database, definitions: definitions, rules: rules, clock: self.clock, logger: logger, trace: commitTrace,
            checkpointer: checkpointer, commitsOnCallingThread: commitsOnCallingThread, progress: progress, crashHook: crashHook,
            buckets: buckets)
        alarm = TimerAlarm(clock: clock)
        writer.start(observer: self, awakeAfterCommit: awakeWriter ? AwakeAfterCommit() : nil)
        alarm.start { [weak self] firing in await self?.handle(firing) }
        jobLaunches.start { [weak self] jobIds in await self?.launchNow(jobIds) }
    }

    /// Opens (creating and migrating it when needed) the database at `databasePath` and the
    /// engine on it, with its writer thread running, and its background checkpointer when
    /// `backgroundCheckpoints` (without one SQLite checkpoints inside commits, as it does by
    /// default; a checkpointer that cannot open is logged and done without).
    /// `logWriteBuffer`, `awakeWriter`, `commitsOnCallingThread`: the speed tricks, each of
    /// which may be turned off (`StepDatabase.open`, ``CommitWriter``).
    /// The work in progress is noted in `<databasePath>-progress` (see ``WorkInProgress``).
    public convenience init(
        databasePath: String, logger: Logger, clock: any EngineClock = SystemClock(), commitTrace: CommitTrace? = nil,
        backgroundCheckpoints: Bool = true, logWriteBuffer: Bool = true, awakeWriter: Bool = true, commitsOnCallingThread: Bool = true,
        crashHook: CrashHook? = nil, retention: Retention = .standard, buckets: BucketFolder? = nil
    ) throws {
        let database = try StepDatabase.open(path: databasePath, logWriteBuffer: logWriteBuffer)
        let progress: WorkInProgress?
        do {
            progress = try WorkInProgress(path: databasePath + "-progress")
        } catch {
            progress = nil
            logger.warning(
                "work in progress is not noted: an input that stops stepd would be replayed at every start", metadata: ["ERROR": "\(error)"])
        }
        var checkpointer: WALCheckpointer?
        if backgroundCheckpoints {
            do {
                checkpointer = try WALCheckpointer(database: database) { [logger] error in
                    logger.warning("a background WAL checkpoint failed; SQLite's own checkpoint remains", metadata: ["ERROR": "\(error)"])
                }
            } catch {
                logger.warning("no background WAL checkpoints; SQLite checkpoints inside commits", metadata: ["ERROR": "\(error)"])
            }
        }
        self.init(
            database: database, logger: logger, clock: clock, commitTrace: commitTrace, checkpointer: checkpointer, awakeWriter: awakeWriter,
            commitsOnCallingThread: commitsOnCallingThread, ownsCheckpointer: true, progress: progress, crashHook: crashHook,
            retention: retention, buckets: buckets)
    }

    deinit {
        writer.close()
        alarm.stop()
        jobLaunches.stop()
    }

    public func setJobLauncher(_ launcher: any JobLauncher) {
        jobLauncher.withLock { $0 = launcher }
    }

    // MARK: - Transactions

    /// Runs `body` in the next group commit (as if in a savepoint of its own: a failure undoes
    /// only its own changes) and returns its value
    /// once the commit is durable; its effects are carried out then.
    ///
    /// - Important: `body` may run twice, and a run may be rolled back (see `PendingWrite`).
    ///   It changes the database and `effects` only; a log line, a launch or anything else
    ///   that reaches outside goes in `effects`.
    ///
    /// `commitsHere`: the calling thread may block for the commit, and does it itself when the
    /// writer thread sleeps (see `CommitWriter.submitCommittingHere`).
    func transact<T: Sendable>(
        runsFirst: Bool = false, commitsHere: Bool = false, _ body: @escaping @Sendable (Database, Date, inout TransitionEffects) throws -> T
    ) async throws -> T {
        let value = try await withCheckedThrowingContinuation { continuation in
            let write = PendingWrite(body: { db, now, effects in try body(db, now, &effects) }, continuation: continuation, runsFirst: runsFirst)
            if commitsHere {
                writer.submitCommittingHere(write)
            } else {
                writer.submit(write)
            }
        }
        guard let typed = value as? T else { fatalError("a group commit returned \(type(of: value)) for \(T.self)") }
        return typed
    }

    /// Reads on the calling task: WAL readers never wait for the writer, and a read takes
    /// microseconds, less than a hop to another thread would.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try readNow(body)
    }

    private func readNow<T>(_ body: (Database) throws -> T) throws -> T {
        try database.read(body)
    }

    /// For a body that runs one statement, which sees one state of the database by itself:
    /// no transaction around it (GRDB's costs more than the query).
    func readOneStatement<T>(_ body: (Database) throws -> T) throws -> T {
        try database.unsafeRead(body)
    }

    // MARK: - After a commit (on the thread that committed)

    func committed(effects: TransitionEffects, nextTimerDue: Double??) {
        runningFigures.withLock { figures in figures?.apply(effects) }
        for line in effects.logLines { line.write() }
        commitListener.withLock { $0 }?()
        if let nextDue = nextTimerDue { alarm.arm(nextDue: nextDue) }
        waiters.executionsEnded(effects.endedExecutions)
        if !effects.jobsToStart.isEmpty { launchJobs(effects.jobsToStart) }
        pruneIfDue()
    }

    /// After a failed commit: wait (0.5 s, doubling up to 30 s) before trying the executions
    /// and the timers again. Only a failing disk makes the engine wake up on its own.
    func commitFailed(executions: [Int64], consecutiveFailures: Int) {
        let delay = min(30, 0.5 * pow(2, Double(min(consecutiveFailures - 1, 6))))
        alarm.retry(executions, at: clock().addingTimeInterval(delay))
    }

    /// Returns once no execution is ready to run and no write is pending.
    public func waitUntilIdle() async {
        await writer.waitUntilIdle()
    }

    // MARK: - Waiting for an execution to end

    /// Answers when the execution has ended (at once if it already has), with its description.
    public func waitForExecution(arn reference: String, scope: ExecutionScope = .all) async throws -> ExecutionDescription {
        let arn = try LocalARN.normalizedExecution(reference)
        let id = try readOneStatement { db -> Int64 in
            guard let (id, starter) = try ExecutionRecord.idAndStarter(arn: arn, in: db) else {
                throw ExecutionError.doesNotExist(arn: arn)
            }
            guard scope.allows(startedByUid: starter) else {
                throw AccessDenied.notStarter(of: arn)
            }
            return id
        }
        return try await waitForEnd(ofExecution: id)
    }

    /// Waits until execution `id` has ended; its description then.
    func waitForEnd(ofExecution id: Int64) async throws -> ExecutionDescription {
        if waiters.isClosed { throw EngineUnavailable.stopping }
        let waiter = UUID.random()
        var statusReadError: (any Error)?
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                guard waiters.register(executionId: id, waiter: waiter, continuation: continuation) else {
                    continuation.resume()
                    return
                }
                // Registered before the check: an end committed before it is seen by the
                // check, one committed after finds the waiter.
                var status: ExecutionRecord.Status?
                do {
                    status = try readOneStatement { db in try ExecutionRecord.status(id: id, in: db) }
                } catch {
                    statusReadError = error
                }
                if status != .running || Task.isCancelled {
                    waiters.release(executionId: id, waiter: waiter)
                }
            }
        } onCancel: {
            waiters.release(executionId: id, waiter: waiter)
        }
        if let statusReadError { throw statusReadError }
        try Task.checkCancellation()
        let now = clock().timeIntervalSince1970
        let description = try await read { db in
            try ExecutionRecord.find(db, key: id).map { try Self.describe($0, in: db, now: now) }
        }
        guard let description else { throw ExecutionError.doesNotExist(arn: "\(id)") }
        if description.status == .running { throw EngineUnavailable.stopping }
        return description
    }

    /// Answers every pending wait (with ServiceUnavailable) so that a graceful shutdown is not
    /// held up by requests that would wait for executions to end.
    public func beginShutdown() {
        waiters.close()
        alarm.stop()
    }

    /// Stops the engine's threads and tasks: what `beginShutdown` stops, the job launches (once
    /// those queued are handed over), the writer (after the commit in progress; writes still
    /// queued fail with `EngineUnavailable.stopping`) and the checkpointer it opened. Returns
    /// once the writer's thread has ended. What was ready stays ready for the next start.
    public func shutdown() async {
        beginShutdown()
        // Before the writer closes: a launch in flight records its job's start, so the next
        // start does not launch the job again.
        await jobLaunches.finish()
        await writer.closeAndWait()
        // The writer has ended: nothing counts commits or finishes checkpoints any more.
        ownCheckpointer?.close()
    }

    // MARK: - Timers

    /// Arms the timer from what the timer table holds, in a commit of its own.
    func rearmTimer() async {
        do {
            try await transact { _, _, effects in effects.timersChanged = true }
        } catch {
            logger.error("cannot read the timer table", metadata: ["ERROR": "\(error)"])
        }
    }

    /// Returns once nothing is due at the clock's now: every timer and commit retry due by
    /// then has been handled, and what that made ready has run. A test that moves a manual
    /// clock waits for this before it looks.
    public func waitUntilNothingIsDue() async {
        repeat {
            await alarm.waitUntilSettled()
            await writer.waitUntilIdle()
            // What just ran may have set a timer that is due already (a Wait of 0 s).
        } while !alarm.isSettled
    }

    private func handle(_ firing: TimerAlarm.Firing) async {
        switch firing {
        case .timersDue:
            await fireDueTimers()
        case .retry(let executions):
            writer.schedule(executions)
            // The failed commit may have taken the armed timer's firing with it.
            alarm.forget()
            await rearmTimer()
        }
    }

    private func fireDueTimers() async {
        do {
            let definitions = self.definitions
            let logger = self.logger
            try await transact { db, now, effects in
                try TimerFiring.fireDue(db: db, now: now, definitions: definitions, logger: logger, effects: &effects)
            }
        } catch {
            logger.error("due timers could not be fired", metadata: ["ERROR": "\(error)"])
        }
    }

    // MARK: - Jobs

    /// Hands the jobs to the launch queue: the committing thread must not wait for a launch.
    private func launchJobs(_ jobIds: [String]) {
        jobLaunches.enqueue(jobIds)
    }

    private func launchNow(_ jobIds: [String]) async {
        guard let launcher = jobLauncher.withLock({ $0 }) else {
            logger.warning("jobs were requested but no job launcher is set", metadata: ["JOB_IDS": "\(jobIds)"])
            return
        }
        for jobId in jobIds {
            guard let job = try? await pendingJob(id: jobId) else { continue }
            await launcher.launch(job)
        }
    }

    // MARK: - Recovery

    /// Picks up where the last run stopped: ready executions run, timers re-arm. Returns
    /// what the daemon must do about jobs (launch the pending, re-adopt the running).
    public func recover() async throws -> Recovery {
        try await settleInterruptedWork()
        let (ready, pending, running) = try await read { db in
            let ready = try ExecutionRecord.readyIds(in: db)
            let pending = try JobRecord.pendingIds(in: db)
            let running = try JobRecord.running(in: db)
                .map { job -> (JobRecord, Int?) in (job, try JobDefinitionRecord.find(db, key: job.jobName)?.timeoutSeconds) }
            return (ready, pending, running)
        }
        // One pass over the executions, first in its commit; every commit keeps the figures
        // from then on, this one included.
        let waitingOnTokens = try await transact(runsFirst: true) { [self] db, _, _ -> Int in
            let executions = try ExecutionRecord.runningCounts(in: db)
            let counted = RunningFigures(running: executions.running, waitingOnTokens: executions.waitingOnTokens)
            self.runningFigures.withLock { $0 = counted }
            return counted.waitingOnTokens
        }
        writer.schedule(ready)
        await rearmTimer()
        var pendingJobs: [PendingJob] = []
        for id in pending {
            if let job = try await pendingJob(id: id) { pendingJobs.append(job) }
        }
        return Recovery(
            readyExecutions: ready.count, executionsWaitingOnTokens: waitingOnTokens, pendingJobs: pendingJobs,
            runningJobs: running.compactMap { record, timeoutSeconds in
                guard let pid = record.pid else { return nil }
                let deadline = timeoutSeconds.map { Date(timeIntervalSince1970: (record.startedAt ?? record.createdAt) + Double($0)) }
                return RunningJobRow(
                    jobId: record.id, jobName: record.jobName, pid: pid, pidStartTime: UInt64(record.pidStartTime ?? 0), deadline: deadline)
            })
    }
}

/// What `Engine.recover()` found.
public struct Recovery: Sendable {
    public let readyExecutions: Int
    public let executionsWaitingOnTokens: Int
    public let pendingJobs: [PendingJob]
    public let runningJobs: [RunningJobRow]
}
