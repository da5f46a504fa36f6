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
    private var isDriving = false
    private var waiters: [Int64: [CheckedContinuation<Void, Never>]] = [:]
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

    /// Runs `body` in one write transaction and, once it has committed, carries out its effects.
    func transact<T: Sendable>(_ body: @escaping @Sendable (Database, Date, inout TransitionEffects) throws -> T) async throws -> T {
        let now = clock()
        let (value, effects) = try await database.write { db -> (T, TransitionEffects) in
            var effects = TransitionEffects()
            let value = try body(db, now, &effects)
            return (value, effects)
        }
        apply(effects)
        return value
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.read(body)
    }

    private func apply(_ effects: TransitionEffects) {
        schedule(effects.readyExecutions)
        for id in effects.endedExecutions {
            for waiter in waiters.removeValue(forKey: id) ?? [] { waiter.resume() }
        }
        if effects.timersChanged { Task { await self.rearmTimer() } }
        if !effects.jobsToStart.isEmpty { launchJobs(effects.jobsToStart) }
    }

    // MARK: - Driving ready executions

    private func schedule(_ ids: [Int64]) {
        for id in ids where readySet.insert(id).inserted { readyQueue.append(id) }
        if !isDriving, !readyQueue.isEmpty {
            isDriving = true
            Task { await self.driveReadyExecutions() }
        }
    }

    /// Runs ready executions in batches: each batch is one transaction with a savepoint per
    /// execution, so executions that become ready together share one commit.
    private func driveReadyExecutions() async {
        while !readyQueue.isEmpty {
            let batch = Array(readyQueue.prefix(256))
            readyQueue.removeFirst(batch.count)
            for id in batch { readySet.remove(id) }
            let definitions = self.definitions
            let logger = self.logger
            let now = clock()
            do {
                let (effects, stillReady) = try await database.write { db -> (TransitionEffects, [Int64]) in
                    var effects = TransitionEffects()
                    var stillReady: [Int64] = []
                    for id in batch {
                        var stepper = ExecutionStepper(db: db, now: now, definitions: definitions)
                        do {
                            var more = false
                            try db.inSavepoint {
                                more = try stepper.drive(executionId: id)
                                return .commit
                            }
                            if more { stillReady.append(id) }
                            effects.merge(stepper.effects)
                        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL || error.resultCode == .SQLITE_IOERR {
                            throw error
                        } catch {
                            logger.error("execution failed on an internal error", metadata: ["executionId": "\(id)", "error": "\(error)"])
                            var failing = ExecutionStepper(db: db, now: now, definitions: definitions)
                            if var execution = try ExecutionRecord.fetchOne(db, key: id), execution.status == "RUNNING" {
                                try failing.failExecution(&execution, error: StatesError(name: StatesError.runtime, cause: "internal error: \(error)"))
                                try execution.update(db)
                                effects.merge(failing.effects)
                            }
                        }
                    }
                    return (effects, stillReady)
                }
                apply(effects)
                schedule(stillReady)
            } catch {
                // The executions stay ready in the database; the next start drives them again.
                logger.error("a batch of transitions could not be committed", metadata: ["error": "\(error)", "executions": "\(batch.count)"])
            }
        }
        isDriving = false
        for waiter in idleWaiters { waiter.resume() }
        idleWaiters.removeAll()
    }

    /// Returns once no execution is ready to run (tests and benchmarks use it).
    public func waitUntilIdle() async {
        if !isDriving, readyQueue.isEmpty { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    // MARK: - Waiting for an execution to end

    /// Answers when the execution has ended (at once if it already has), with its description.
    public func waitForExecution(arn reference: String) async throws -> JSONValue {
        let arn = try LocalARN.normalizedExecution(reference)
        let id = try await read { db -> Int64 in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM execution WHERE arn = ?", arguments: [arn]) else {
                throw APIError("ExecutionDoesNotExist", "Execution Does Not Exist: '\(arn)'")
            }
            return id
        }
        if isStopping { throw Self.stoppingError }
        await withCheckedContinuation { continuation in
            waiters[id, default: []].append(continuation)
            Task { await self.releaseWaitersIfEnded(id) }
        }
        let description = try await describeExecution(arn: arn)
        if description["status"]?.stringValue == "RUNNING" { throw Self.stoppingError }
        return description
    }

    private static let stoppingError = APIError(
        "ServiceUnavailable", "stepd is stopping; the execution goes on after it restarts, wait for it again then", httpStatus: 503)

    /// Answers every pending wait (with ServiceUnavailable) so that a graceful shutdown is not
    /// held up by requests that would wait for executions to end.
    public func beginShutdown() {
        isStopping = true
        for waiter in waiters.values.joined() { waiter.resume() }
        waiters.removeAll()
        timerTask?.cancel()
        timerTask = nil
        armedDue = nil
    }

    private func releaseWaitersIfEnded(_ id: Int64) async {
        let status = try? await read { db in try String.fetchOne(db, sql: "SELECT status FROM execution WHERE id = ?", arguments: [id]) }
        guard let status, status != "RUNNING" else { return }
        for waiter in waiters.removeValue(forKey: id) ?? [] { waiter.resume() }
    }

    // MARK: - Timers

    /// Sleeps until the earliest timer is due — one wakeup per due time, never a poll.
    func rearmTimer() async {
        let next: Double?
        do {
            next = try await read { db in try Double.fetchOne(db, sql: "SELECT MIN(dueAt) FROM timer") }
        } catch {
            logger.error("cannot read the timer table", metadata: ["error": "\(error)"])
            return
        }
        guard next != armedDue else { return }
        timerTask?.cancel()
        armedDue = next
        guard let next else { timerTask = nil; return }
        let delay = max(0, next - clock().timeIntervalSince1970)
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
            logger.error("due timers could not be fired", metadata: ["error": "\(error)"])
        }
        await rearmTimer()
    }

    // MARK: - Jobs

    private func launchJobs(_ jobIds: [String]) {
        guard let launcher = jobLauncher else {
            logger.warning("jobs were requested but no job launcher is set", metadata: ["jobs": "\(jobIds)"])
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
                .map { job -> (JobRecord, Int?) in (job, try JobDefinitionRecord.fetchOne(db, key: job.jobName)?.timeoutSeconds) }
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
