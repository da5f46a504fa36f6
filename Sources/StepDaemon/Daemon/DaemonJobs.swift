import Foundation
import Synchronization
import JSON
import Logging
import StepEngine

/// Connects the engine's job requests to the job runner, and job exits back to the engine.
/// A job that ends without having reported gets a failure report written for it, so no
/// workflow waits forever on a dead job.
final class DaemonJobs: JobLauncher {
    let engine: Engine
    let spool: SpoolDirectory
    let watcher: SpoolWatcher
    let ingest: SpoolIngest
    let logDirectory: String
    let logger: Logger
    let runnerBox = RunnerBox()

    /// The runner needs its exit callback at construction, and the callback needs us.
    final class RunnerBox: Sendable {
        private let storage = Mutex<JobRunner?>(nil)
        var runner: JobRunner? { storage.withLock { $0 } }
        func set(_ runner: JobRunner) { storage.withLock { $0 = runner } }
    }

    init(
        engine: Engine, spool: SpoolDirectory, watcher: SpoolWatcher, ingest: SpoolIngest, logDirectory: String, binDirectory: String?,
        logger: Logger
    ) {
        self.engine = engine
        self.spool = spool
        self.watcher = watcher
        self.ingest = ingest
        self.logDirectory = logDirectory
        self.logger = logger
        let runner = JobRunner(fallbackSearchDirectory: binDirectory, logger: logger) { [weak self] job, exit in
            await self?.jobEnded(jobId: job.jobId, exit: exit)
        }
        runnerBox.set(runner)
    }

    func launch(_ job: PendingJob) async {
        guard let runner = runnerBox.runner else { return }
        var environment = job.environment
        environment["STEPD_JOB_ID"] = job.jobId
        environment["STEPD_JOB_NAME"] = job.jobName
        environment["STEPD_EVENTS_DIR"] = spool.root
        let launch = JobLaunch(
            jobId: job.jobId, jobName: job.jobName, command: job.command, environment: environment,
            workingDirectory: job.workingDirectory, timeoutSeconds: job.timeoutSeconds,
            logFile: logDirectory + "/\(job.jobId).log")
        do {
            let running = try runner.start(launch)
            logger.info("job started", metadata: ["JOB_ID": "\(job.jobId)", "job": "\(job.jobName)", "pid": "\(running.pid)"])
            try await engine.recordJobStarted(jobId: job.jobId, pid: running.pid, pidStartTime: running.startTime)
        } catch let error as JobError {
            logger.error("job could not be started", metadata: ["JOB_ID": "\(job.jobId)", "error": "\(error.message)"])
            await jobEnded(jobId: job.jobId, description: "could not be started: \(error.message)")
        } catch {
            logger.error("job start could not be recorded", metadata: ["JOB_ID": "\(job.jobId)", "error": "\(error)"])
        }
    }

    /// After a restart: watch again the jobs that were running; those gone meanwhile ended unseen.
    func adopt(_ jobs: [RunningJobRow]) async {
        guard let runner = runnerBox.runner else { return }
        for job in jobs {
            let adopted = runner.adopt(RunningJob(jobId: job.jobId, pid: job.pid, startTime: job.pidStartTime), timeoutDeadline: job.deadline)
            if adopted {
                logger.info("job re-adopted", metadata: ["JOB_ID": "\(job.jobId)", "pid": "\(job.pid)"])
            } else {
                await jobEnded(jobId: job.jobId, description: "ended while stepd was not running")
            }
        }
    }

    func shutdown() {
        runnerBox.runner?.shutdown()
    }

    private func jobEnded(jobId: String, exit: JobExit) async {
        let description: String
        switch exit {
        case .exited(let code): description = "exited with status \(code)"
        case .signaled(let signal): description = "was killed by signal \(signal)"
        case .timedOut: description = "was stopped at its time limit"
        case .unknown: description = "ended (its exit status is unknown: it was started by an earlier stepd)"
        }
        await jobEnded(jobId: jobId, description: description)
    }

    private func jobEnded(jobId: String, description: String) async {
        // Its report may be in the spool still: ingest what is there before judging (whether
        // or not the watcher runs yet: at startup it does not).
        await watcher.drain(handler: ingest.handle)
        do {
            guard let ended = try await engine.recordJobExit(jobId: jobId, description: description) else { return }
            logger.info("job ended", metadata: ["JOB_ID": "\(jobId)", "exit": "\(description)", "reported": "\(ended.reported)"])
            if !ended.reported {
                try writeFailureReport(for: ended, description: description)
            }
        } catch {
            logger.error("job exit could not be recorded", metadata: ["JOB_ID": "\(jobId)", "error": "\(error)"])
        }
    }

    /// The report the job should have written: an "AppFlow End Flow Run Report" with a
    /// failure status, so the rules that route the job's outcome see it.
    private func writeFailureReport(for job: EndedJob, description: String) throws {
        let now = Date().formatted(Date.ISO8601FormatStyle())
        let event: JSONValue = [
            "version": "0",
            "id": .string(UUID().uuidString.lowercased()),
            "detail-type": "AppFlow End Flow Run Report",
            "source": "aws.appflow",
            "account": .string(LocalARN.account),
            "time": .string(now),
            "region": .string(LocalARN.region),
            "resources": [.string(LocalARN.flow(job.jobName))],
            "detail": [
                "flow-name": .string(job.jobName),
                "flow-arn": .string(LocalARN.flow(job.jobName)),
                "execution-id": .string(job.jobId),
                "status": "Execution Failed",
                "num-of-records-processed": "0",
                "end-time": .string(now),
                "error": .string("The job \(description) without reporting its outcome"),
            ],
        ]
        try spool.write(event: event.jsonData, name: "stepd-job-\(job.jobId).json")
        logger.warning("job ended without reporting; wrote a failure report for it", metadata: ["JOB_ID": "\(job.jobId)"])
    }
}
