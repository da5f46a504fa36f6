import Foundation
import Synchronization
import JSON
import Logging
import ServiceLifecycle
import StepEngine

/// Connects the engine's job requests to the job runner, and job exits back to the engine.
/// A job that ends without having reported gets a failure report written for it, so no
/// workflow waits forever on a dead job. Jobs' output goes where stepd's own log lines go:
/// to the journal (a stream per job, identifier = the job name) or to a file per job.
///
/// As a service it runs the job runner (its watcher thread) and handles each job's exit in a
/// child task of its own, until the group shuts down.
final class DaemonJobs: JobLauncher, Service {
    let engine: Engine
    let spool: SpoolDirectory
    let watcher: SpoolWatcher
    let ingest: SpoolIngest
    let logDirectory: String
    let outputDestination: LogDestination
    let logger: Logger
    let runner: JobRunner
    let spawnMarkers: SpawnMarkers
    private let isShuttingDown = Mutex(false)

    init(
        engine: Engine, spool: SpoolDirectory, watcher: SpoolWatcher, ingest: SpoolIngest, logDirectory: String, binDirectory: String?,
        spawnMarkers: SpawnMarkers, logger: Logger, outputDestination: LogDestination = DaemonLogging.destination
    ) {
        self.spawnMarkers = spawnMarkers
        self.engine = engine
        self.spool = spool
        self.watcher = watcher
        self.ingest = ingest
        self.logDirectory = logDirectory
        self.outputDestination = outputDestination
        self.logger = logger
        runner = JobRunner(fallbackSearchDirectory: binDirectory, logger: logger)
    }

    /// Runs the job runner and handles each exit it reports; returns once the group shuts
    /// down, the runner has stopped and every exit it reported has been handled. A runner that
    /// cannot watch (no wake-up pipe, `poll` failed: logged) does not end the service, which
    /// would stop stepd: the API and the executions go on without job exits.
    func run() async {
        let runner = self.runner
        await withDiscardingTaskGroup { group in
            // Owned by this service's group, as is each exit's task below.
            group.addTask { await runner.run() }
            // Ends when the runner stops: its watcher thread finishes the stream.
            for await (job, exit) in runner.exits {
                group.addTask { await self.jobEnded(job, exit: exit) }
            }
        }
        try? await gracefulShutdown()
    }

    func launch(_ job: PendingJob) async {
        // A job asked for while stepd stops stays pending: the next start launches it.
        guard !isShuttingDown.withLock({ $0 }) else { return }
        var environment = job.environment
        environment["STEPD_EVENTS_DIR"] = spool.root
        let launch = JobLaunch(
            jobId: job.jobId, jobName: job.jobName, command: job.command, environment: environment,
            workingDirectory: job.workingDirectory, timeoutSeconds: job.timeoutSeconds,
            output: .forJob(jobId: job.jobId, jobName: job.jobName, logDirectory: logDirectory, destination: outputDestination))
        do {
            // Just before the spawn: should stepd die after it, the next start must not spawn
            // the job again.
            let running = try runner.start(launch) { () throws(JobLaunchError) in try spawnMarkers.mark(job.jobId) }
            try await engine.recordJobStarted(jobId: job.jobId, pid: running.pid, pidStartTime: running.startTime)
            spawnMarkers.clear(job.jobId)
        } catch let error as JobLaunchError {
            // Not spawned: no mark.
            spawnMarkers.clear(job.jobId)
            // Refused because stepd is stopping: the job stays pending for the next start.
            if isShuttingDown.withLock({ $0 }) || runner.isStopped { return }
            logger.error(
                "job could not be started",
                metadata: ["JOB_ID": "\(job.jobId)", "JOB_NAME": "\(job.jobName)", "EXECUTION_ARN": "\(job.executionArn)", "ERROR": "\(error.message)"])
            await jobEnded(jobId: job.jobId, description: "could not be started: \(error.message)")
        } catch {
            logger.error("job start could not be recorded", metadata: ["JOB_ID": "\(job.jobId)", "JOB_NAME": "\(job.jobName)", "ERROR": "\(error)"])
        }
    }

    /// After a restart, of the pending jobs: those whose spawn may have happened (marked) are
    /// looked for, and adopted if they run; one that does not run is not spawned again (a job
    /// runs at most once): it ended, with the failure report that implies unless it reported.
    /// Returns the jobs never spawned, for `launch`.
    func settleSpawns(_ pending: [PendingJob]) async -> [PendingJob] {
        let marked = spawnMarkers.marked()
        var toLaunch: [PendingJob] = []
        var cutShort: [PendingJob] = []
        for job in pending {
            if marked.contains(job.jobId) { cutShort.append(job) } else { toLaunch.append(job) }
        }
        let found = JobProcessFinder.find(jobIds: Set(cutShort.map(\.jobId)))
        for job in cutShort {
            if let process = found[job.jobId] {
                do {
                    try await engine.recordJobStarted(jobId: job.jobId, pid: process.pid, pidStartTime: process.startTime)
                } catch {
                    logger.error("job start could not be recorded", metadata: ["JOB_ID": "\(job.jobId)", "ERROR": "\(error)"])
                }
                await adopt([RunningJobRow(
                    jobId: job.jobId, jobName: job.jobName, pid: process.pid, pidStartTime: process.startTime,
                    deadline: job.timeoutSeconds.map { Date().addingTimeInterval(Double($0)) })])
            } else {
                await jobEnded(
                    jobId: job.jobId,
                    description: "was being spawned when stepd stopped and does not run now; it is not spawned again, so that it runs at most once")
            }
        }
        // Marks of jobs no longer pending (their start was committed just before the stop).
        for jobId in marked { spawnMarkers.clear(jobId) }
        return toLaunch
    }

    /// After a restart: watch again the jobs that were running; those gone meanwhile ended unseen.
    func adopt(_ jobs: [RunningJobRow]) async {
        for job in jobs {
            let adopted = runner.adopt(
                RunningJob(jobId: job.jobId, pid: job.pid, startTime: job.pidStartTime), jobName: job.jobName, timeoutDeadline: job.deadline)
            if adopted {
                logger.info("job re-adopted", metadata: ["JOB_ID": "\(job.jobId)", "JOB_NAME": "\(job.jobName)", "JOB_PID": "\(job.pid)"])
            } else {
                await jobEnded(jobId: job.jobId, description: "ended while stepd was not running")
            }
        }
    }

    func shutdown() {
        isShuttingDown.withLock { $0 = true }
        runner.shutdown()
    }

    private func jobEnded(_ job: RunningJob, exit: JobExit) async {
        let description: String
        switch exit {
        case .exited(let code): description = "exited with status \(code)"
        case .signaled(let signal): description = "was killed by signal \(signal)"
        case .timedOut: description = "was stopped at its time limit"
        case .unknown: description = "ended (its exit status is unknown: it was started by an earlier stepd)"
        }
        await jobEnded(jobId: job.jobId, pid: job.pid, description: description)
    }

    private func jobEnded(jobId: String, pid: Int32? = nil, description: String) async {
        // Its report may be in the spool still: ingest what is there before judging (whether
        // or not the watcher runs yet: at startup it does not).
        await watcher.drain(handler: ingest.handle)
        do {
            guard let ended = try await engine.recordJobExit(jobId: jobId, description: description) else { return }
            var metadata: Logger.Metadata = [
                "JOB_ID": "\(jobId)", "JOB_NAME": "\(ended.jobName)", "EXECUTION_ARN": "\(ended.executionArn)", "JOB_EXIT": "\(description)",
            ]
            if let pid { metadata["JOB_PID"] = "\(pid)" }
            if ended.reported {
                logger.info("job ended", metadata: metadata)
            } else {
                logger.warning("job ended without reporting; its failure report was sent for it", metadata: metadata)
            }
        } catch {
            logger.error("job exit could not be recorded", metadata: ["JOB_ID": "\(jobId)", "ERROR": "\(error)"])
        }
    }
}
