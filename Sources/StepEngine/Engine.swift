import Foundation
import GRDB
import JSON
import Logging
import StatesLanguage
import StepAPI
import StepStore

/// Runs executions. Every change is one write transaction; what it makes ready, ends or
/// asks for outside the database is carried out once it is durable. A suspended execution
/// costs rows, not threads or memory.
public actor Engine {
    let database: DatabasePool
    let logger: Logger
    let definitions = DefinitionCache()
    let rules = RuleCache()
    let clock: @Sendable () -> Date

    private var readyQueue: [Int64] = []
    private var readySet: Set<Int64> = []
    private var isWriting = false
    private var pendingWrites: [PendingWrite] = []
    private var failedCommits = 0
    private var waiters: [Int64: [UUID: CheckedContinuation<Void, Never>]] = [:]
    private var timerTask: Task<Void, Never>?
    private var armedDue: Double?
    private var jobLauncher: (any JobLauncher)?
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    private var isStopping = false

    public init(database: DatabasePool, logger: Logger, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.logger = logger
        self.clock = clock
    }

    public func setJobLauncher(_ launcher: any JobLauncher) {
        jobLauncher = launcher
    }

    // MARK: - Transactions

    /// Runs `body` in the next group commit (in a savepoint of its own) and returns its value
    /// once the commit is durable; its effects are carried out then.
    func transact<T: Sendable>(_ body: @escaping @Sendable (Database, Date, inout TransitionEffects) throws -> T) async throws -> T {
        let value = try await withCheckedThrowingContinuation { continuation in
            pendingWrites.append(PendingWrite(body: { db, now, effects in try body(db, now, &effects) }, continuation: continuation))
            startWriterIfNeeded()
        }
        guard let typed = value as? T else { fatalError("a group commit returned \(type(of: value)) for \(T.self)") }
        return typed
    }

    /// Reads on the calling task, off the actor: WAL readers never wait for the writer, and a
    /// read takes microseconds, less than the hops of an asynchronous read would.
    nonisolated func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try readNow(body)
    }

    private nonisolated func readNow<T>(_ body: (Database) throws -> T) throws -> T {
        try database.read(body)
    }

    private func apply(_ effects: TransitionEffects) {
        schedule(effects.readyExecutions)
        for id in effects.endedExecutions {
            for waiter in (waiters.removeValue(forKey: id) ?? [:]).values { waiter.resume() }
        }
        if !effects.jobsToStart.isEmpty { launchJobs(effects.jobsToStart) }
    }

    // MARK: - The writer

    private func schedule(_ ids: [Int64]) {
        for id in ids where readySet.insert(id).inserted { readyQueue.append(id) }
        startWriterIfNeeded()
    }

    private func startWriterIfNeeded() {
        guard !isWriting, !pendingWrites.isEmpty || !readyQueue.isEmpty else { return }
        isWriting = true
        Task { await self.writeUntilDone() }
    }

    /// One transaction at a time, each taking every write that queued meanwhile and the ready
    /// executions: while one commit waits for the disk, the next one's work gathers.
    private func writeUntilDone() async {
        while !pendingWrites.isEmpty || !readyQueue.isEmpty {
            let writes = pendingWrites
            pendingWrites.removeAll()
            let queued = Array(readyQueue.prefix(GroupCommit.executionsPerCommit))
            readyQueue.removeFirst(queued.count)
            for id in queued { readySet.remove(id) }
            let commit = GroupCommit(writes: writes, queued: queued, now: clock(), definitions: definitions, logger: logger)
            do {
                let outcome = try await database.write { db in try commit.run(in: db) }
                if let nextDue = outcome.nextTimerDue { arm(nextDue: nextDue) }
                for (write, result) in zip(writes, outcome.results) { write.continuation.resume(with: result) }
                apply(outcome.effects)
                schedule(outcome.stillReady)
                failedCommits = 0
            } catch {
                // Nothing of this transaction happened: the writes fail (their callers hear
                // why), the caches may hold what was rolled back, and the executions are tried
                // again after a pause (a full disk may have room by then).
                failedCommits += 1
                logger.error("a group commit failed", metadata: ["ERROR": "\(error)", "WRITES": "\(writes.count)", "EXECUTIONS": "\(queued.count)"])
                let failure = (error as? DatabaseError).map(Self.describe) ?? error
                for write in writes { write.continuation.resume(throwing: failure) }
                definitions.invalidate()
                rules.invalidate()
                retryAfterFailedCommit(queued)
                break
            }
        }
        isWriting = false
        for waiter in idleWaiters { waiter.resume() }
        idleWaiters.removeAll()
    }

    /// After a failed commit: wait (0.5 s, doubling up to 30 s) before trying the executions
    /// and the timers again. Only a failing disk makes the engine wake up on its own.
    private func retryAfterFailedCommit(_ executions: [Int64]) {
        let delay = min(30, 0.5 * pow(2, Double(min(failedCommits - 1, 6))))
        Task {
            try? await Task.sleep(for: .seconds(delay))
            await self.retryNow(executions)
        }
    }

    private func retryNow(_ executions: [Int64]) async {
        schedule(executions)
        armedDue = nil
        await rearmTimer()
    }

    private static func describe(_ error: DatabaseError) -> any Error {
        if error.resultCode == .SQLITE_FULL {
            return APIError("ServiceUnavailable", "the disk holding stepd's database is full; nothing was changed", httpStatus: 503)
        }
        return error
    }

    /// Returns once no execution is ready to run and no write is pending.
    public func waitUntilIdle() async {
        if !isWriting, readyQueue.isEmpty, pendingWrites.isEmpty { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    // MARK: - Waiting for an execution to end

    /// Answers when the execution has ended (at once if it already has), with its description.
    public func waitForExecution(arn reference: String) async throws -> JSONValue {
        let arn = try LocalARN.normalizedExecution(reference)
        let id = try await read { db -> Int64 in
            guard let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM execution WHERE arn = ?"), arguments: [arn]) else {
                throw APIError("ExecutionDoesNotExist", "Execution Does Not Exist: '\(arn)'")
            }
            return id
        }
        if isStopping { throw Self.stoppingError }
        // Checked and registered in one turn of the actor: an end committed before the check
        // is seen by it, one committed after finds the waiter (its effects run on the actor).
        let status = try readNow { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT status FROM execution WHERE id = ?"), arguments: [id])
        }
        if status == ExecutionRecord.Status.running.rawValue {
            let waiter = UUID()
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    waiters[id, default: [:]][waiter] = continuation
                }
            } onCancel: {
                Task { await self.cancelWait(executionId: id, waiter: waiter) }
            }
        }
        try Task.checkCancellation()
        let description = try await describeExecution(arn: arn)
        if description["status"]?.stringValue == ExecutionRecord.Status.running.rawValue { throw Self.stoppingError }
        return description
    }

    /// A caller gone (its connection closed) stops waiting; nothing is kept for it.
    private func cancelWait(executionId: Int64, waiter: UUID) {
        waiters[executionId]?.removeValue(forKey: waiter)?.resume()
        if waiters[executionId]?.isEmpty == true { waiters[executionId] = nil }
    }

    private static let stoppingError = APIError(
        "ServiceUnavailable", "stepd is stopping; the execution goes on after it restarts, wait for it again then", httpStatus: 503)

    /// Answers every pending wait (with ServiceUnavailable) so that a graceful shutdown is not
    /// held up by requests that would wait for executions to end.
    public func beginShutdown() {
        isStopping = true
        for waiter in waiters.values.flatMap(\.values) { waiter.resume() }
        waiters.removeAll()
        timerTask?.cancel()
        timerTask = nil
        armedDue = nil
    }

    // MARK: - Timers

    /// Sleeps until the earliest timer is due — one wakeup per due time, never a poll.
    func rearmTimer() async {
        do {
            try await transact { _, _, effects in effects.timersChanged = true }
        } catch {
            logger.error("cannot read the timer table", metadata: ["ERROR": "\(error)"])
        }
    }

    /// Arms the one sleep for `nextDue`. Called in commit order with the earliest due time
    /// read in each committing transaction, so the latest call always knows best.
    private func arm(nextDue: Double?) {
        guard nextDue != armedDue else { return }
        timerTask?.cancel()
        armedDue = nextDue
        guard let nextDue, !isStopping else { timerTask = nil; return }
        let delay = max(0, nextDue - clock().timeIntervalSince1970)
        timerTask = Task {
            do {
                try await Task.sleep(for: .seconds(delay))
            } catch {
                return
            }
            await self.fireDueTimers()
        }
    }

    private func fireDueTimers() async {
        armedDue = nil
        timerTask = nil
        do {
            let definitions = self.definitions
            try await transact { db, now, effects in
                try TimerFiring.fireDue(db: db, now: now, definitions: definitions, effects: &effects)
            }
        } catch {
            logger.error("due timers could not be fired", metadata: ["ERROR": "\(error)"])
        }
    }

    // MARK: - Jobs

    private func launchJobs(_ jobIds: [String]) {
        guard let launcher = jobLauncher else {
            logger.warning("jobs were requested but no job launcher is set", metadata: ["JOB_IDS": "\(jobIds)"])
            return
        }
        Task {
            for jobId in jobIds {
                guard let job = try? await self.pendingJob(id: jobId) else { continue }
                await launcher.launch(job)
            }
        }
    }

    // MARK: - Recovery

    /// Picks up where the last run stopped: ready executions run, timers re-arm. Returns
    /// what the daemon must do about jobs (launch the pending, re-adopt the running).
    public func recover() async throws -> Recovery {
        let (ready, pending, running, waitingOnTokens) = try await read { db in
            let ready = try Int64.fetchAll(db, sql: "SELECT id FROM execution WHERE phase IN ('enter', 'resume') ORDER BY id")
            let pending = try String.fetchAll(db, sql: "SELECT id FROM job WHERE status = 'pending'")
            let running = try JobRecord.filter(Column("status") == JobRecord.Status.running.rawValue).fetchAll(db)
                .map { job -> (JobRecord, Int?) in (job, try JobDefinitionRecord.find(db, key: job.jobName)?.timeoutSeconds) }
            let tokens = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM execution WHERE phase = 'awaitingToken'") ?? 0
            return (ready, pending, running, tokens)
        }
        schedule(ready)
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
