import EventPatterns
import Foundation
import GRDB
import JSON
import Logging
import ServiceLifecycle
import StepAPI
import StepEngine
import StepStore

/// The stepd process: opens the store, recovers, then serves the socket API and the spool
/// until SIGTERM or SIGINT.
public struct Daemon {
    public struct Options: Sendable {
        public var stateDirectory: String
        public var socketPath: String
        /// Searched for job commands after PATH: where stepd's own programs are.
        public var binDirectory: String?

        public init(stateDirectory: String, socketPath: String, binDirectory: String?) {
            self.stateDirectory = stateDirectory
            self.socketPath = socketPath
            self.binDirectory = binDirectory
        }
    }

    let options: Options
    let logger: Logger

    public init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    public func run() async throws {
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: options.stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let logDirectory = DaemonPaths.jobLogs(in: options.stateDirectory)
        try fileManager.createDirectory(atPath: logDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])

        let database = try StepDatabase.open(path: DaemonPaths.database(in: options.stateDirectory))
        let engine = Engine(database: database, logger: logger)
        let spool = SpoolDirectory(root: DaemonPaths.spool(in: options.stateDirectory))
        try spool.create()
        let watcher = SpoolWatcher(directory: spool, logger: logger)
        let ingest = SpoolIngest(engine: engine, logger: logger)
        let jobs = DaemonJobs(
            engine: engine, spool: spool, watcher: watcher, ingest: ingest, logDirectory: logDirectory,
            binDirectory: options.binDirectory, logger: logger)
        engine.setJobLauncher(jobs)
        defer { jobs.shutdown() }

        // Recovery: executions and timers first, then the events that arrived while stepd was
        // down (so jobs that reported and ended meanwhile are seen to have reported), then jobs.
        let recovery = try await engine.recover()
        await watcher.drain(handler: ingest.handle)
        for job in recovery.pendingJobs { await jobs.launch(job) }
        await jobs.adopt(recovery.runningJobs)

        // Room for a 1 MiB definition with every character escaped, and a little more.
        let server = APIServer(
            socketPath: options.socketPath, handler: APIDispatcher(engine: engine, logger: logger), logger: logger,
            maximumBodySize: 2 * Limits.maximumDefinitionBytes + 65_536)
        let spoolService = SpoolService(watcher: watcher, ingest: ingest)
        let readiness = ReadinessReporter(
            server: server, engine: engine, logger: logger, recovery: recovery, socketPath: options.socketPath)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: spoolService), .init(service: server), .init(service: readiness)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        logger.info("stopped")
    }
}

/// Feeds spool files to the engine as inotify reports them.
struct SpoolService: Service {
    let watcher: SpoolWatcher
    let ingest: SpoolIngest

    func run() async throws {
        let watcher = self.watcher
        let ingest = self.ingest
        // The watcher stops on cancellation; a graceful shutdown stops it between files.
        try await cancelWhenGracefulShutdown {
            try await watcher.run(handler: ingest.handle)
        }
    }
}

/// Says "ready" once the socket listens (recovery is done before the services start), and
/// on shutdown releases the requests that wait for executions, before the server drains.
struct ReadinessReporter: Service {
    let server: APIServer
    let engine: Engine
    let logger: Logger
    let recovery: Recovery
    let socketPath: String

    func run() async throws {
        try await server.waitUntilListening()
        logger.notice(
            "ready",
            metadata: [
                "socket": "\(socketPath)", "readyExecutions": "\(recovery.readyExecutions)",
                "waitingOnTokens": "\(recovery.executionsWaitingOnTokens)",
            ])
        SystemdNotifier.ready(status: "\(recovery.executionsWaitingOnTokens) executions waiting on task tokens")
        try? await gracefulShutdown()
        SystemdNotifier.stopping()
        engine.beginShutdown()
    }
}
