import EventPatterns
import Foundation
import JSON
import Logging
import NIOCore
import ServiceLifecycle
import StepAPI
import StepEngine
import UnixSignals

/// The stepd process: opens the store, recovers, applies the configuration folder, then
/// serves the socket API and the spool until SIGTERM or SIGINT; SIGHUP applies the folder again.
public struct Daemon {
    public struct Options: Sendable {
        public var stateDirectory: String
        /// Where to bind the API socket when systemd passes none (socket activation).
        public var socketPath: String
        /// Searched for job commands after PATH: where stepd's own programs are.
        public var binDirectory: String?
        /// Applied at start and on SIGHUP; nil for none.
        public var configurationDirectory: String?
        /// A file to note each commit's begin and durable times in (benchmarks); nil for none.
        public var commitTracePath: String?
        /// The speed machinery the store and the engine use (stepd's executor is stepd's own).
        public var speedSwitches: SpeedSwitches
        /// How long what has ended is kept (nil: for good).
        public var retention: Retention
        /// Tests only: trap while driving the execution it names (``CrashHook``:
        /// `execution:NAME` or `stateMachine:NAME`).
        public var crashHook: String?
        /// What one client may hold of each API server (the body limit is set by stepd).
        public var connectionLimits: ConnectionLimits
        /// How many `Stepd.WaitForExecution` and `Stepd.WaitUntilIdle` may wait at once.
        public var maximumHeldWaits: Int
        /// The folder whose subfolders are the buckets Distributed Map states read and write
        /// (nil: `<state>/buckets`).
        public var bucketsDirectory: String?

        public init(
            stateDirectory: String, socketPath: String, binDirectory: String?, configurationDirectory: String? = nil,
            commitTracePath: String? = nil, speedSwitches: SpeedSwitches = SpeedSwitches(), retention: Retention = .standard,
            crashHook: String? = nil, connectionLimits: ConnectionLimits = ConnectionLimits(),
            maximumHeldWaits: Int = APIDispatcher.defaultMaximumHeldWaits, bucketsDirectory: String? = nil
        ) {
            self.bucketsDirectory = bucketsDirectory
            self.retention = retention
            self.crashHook = crashHook
            self.stateDirectory = stateDirectory
            self.socketPath = socketPath
            self.binDirectory = binDirectory
            self.configurationDirectory = configurationDirectory
            self.commitTracePath = commitTracePath
            self.speedSwitches = speedSwitches
            self.connectionLimits = connectionLimits
            self.maximumHeldWaits = maximumHeldWaits
        }
    }

    /// How long closed executions, event ids and failed spool files are kept.
    public struct Retention: Sendable, Equatable {
        public var closedExecutions: Duration?
        public var eventIds: Duration?
        public var failedSpoolFiles: Duration?

        public init(closedExecutions: Duration?, eventIds: Duration?, failedSpoolFiles: Duration?) {
            self.closedExecutions = closedExecutions
            self.eventIds = eventIds
            self.failedSpoolFiles = failedSpoolFiles
        }

        /// AWS's 90 days for executions, a day for event ids, two weeks for failed spool files.
        public static let standard = Retention(
            closedExecutions: .seconds(90 * 86_400), eventIds: .seconds(86_400), failedSpoolFiles: .seconds(14 * 86_400))
    }

    let options: Options
    let logger: Logger

    public init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    public func run() async throws {
        // systemd's hand-over first, before anything is spawned: the variables leave the
        // environment as the sockets and the watchdog interval are taken.
        let inheritedSockets = try SocketActivation.takeListeningSockets(logger: logger)
        let watchdogInterval = WatchdogService.pingInterval()
        // Trapped before the long part of the start: SIGHUP's default action ends the process.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let (connectionLimits, maximumHeldWaits) = boundsForOpenFiles()

        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: options.stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // The database and the spool are stepd's and its jobs' alone, also in a folder made
        // before (systemd's StateDirectory=, an older stepd).
        if chmod(options.stateDirectory, 0o700) != 0 {
            logger.warning(
                "cannot make the state folder private (mode 0700)",
                metadata: ["FOLDER": "\(options.stateDirectory)", "ERROR": "\(String(cString: strerror(errno)))"])
        }
        let logDirectory = DaemonPaths.jobLogs(in: options.stateDirectory)
        try fileManager.createDirectory(atPath: logDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])

        let bucketsDirectory = options.bucketsDirectory ?? DaemonPaths.buckets(in: options.stateDirectory)
        try fileManager.createDirectory(atPath: bucketsDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])

        // Its writer thread runs from here: recovery and the configuration commit before the
        // services start. `EngineService` stops it, after every service that may write.
        let engine = try Engine(
            databasePath: DaemonPaths.database(in: options.stateDirectory), logger: logger,
            commitTrace: try options.commitTracePath.map(CommitTrace.init(path:)), logWriteBuffer: options.speedSwitches.logWriteBuffer,
            awakeWriter: options.speedSwitches.awakeWriter, commitsOnCallingThread: options.speedSwitches.commitOnSpoolThread,
            crashHook: options.crashHook.flatMap(CrashHook.init),
            retention: StepEngine.Retention(closedExecutions: options.retention.closedExecutions, eventIds: options.retention.eventIds),
            buckets: BucketFolder(root: bucketsDirectory))
        let status = StatusReporter(engine: engine, logger: logger)
        if SystemdNotifier.isListening {
            engine.onCommit { [status] in status.figuresMayHaveChanged() }
        }
        let spool = SpoolDirectory(root: DaemonPaths.spool(in: options.stateDirectory))
        try spool.create()
        let watcher = SpoolWatcher(directory: spool, failedFileRetention: options.retention.failedSpoolFiles, logger: logger)
        let ingest = SpoolIngest(engine: engine, logger: logger)
        let spawnMarkers = SpawnMarkers(folder: DaemonPaths.spawnMarkers(in: options.stateDirectory))
        try spawnMarkers.create()
        let jobs = DaemonJobs(
            engine: engine, spool: spool, watcher: watcher, ingest: ingest, logDirectory: logDirectory,
            binDirectory: options.binDirectory, spawnMarkers: spawnMarkers, logger: logger)
        engine.setJobLauncher(jobs)
        defer { jobs.shutdown() }

        // Recovery: executions and timers first, then the events that arrived while stepd was
        // down (so jobs that reported and ended meanwhile are seen to have reported), then jobs.
        let recovery = try await engine.recover()
        await watcher.drain(handler: ingest.handle)
        for job in await jobs.settleSpawns(recovery.pendingJobs) { await jobs.launch(job) }
        await jobs.adopt(recovery.runningJobs)

        // The configuration is in place before the first request is answered: a client that
        // connected to a passed socket early waits for it.
        let dispatcher = APIDispatcher(engine: engine, logger: logger, maximumHeldWaits: maximumHeldWaits)
        let configuration = options.configurationDirectory.map {
            ConfigurationLoader(directory: $0, dispatcher: dispatcher, logger: logger)
        }
        await configuration?.apply()

        let servers = makeServers(inheritedSockets, dispatcher: dispatcher, limits: connectionLimits)
        let ready = ListeningSignal()
        let readiness = ReadinessReporter(
            servers: servers, engine: engine, status: status, ready: ready, logger: logger, recovery: recovery,
            listeners: inheritedSockets.isEmpty ? [options.socketPath] : inheritedSockets.map(\.description))
        // Started in this order and stopped in the reverse: the readiness reporter first says
        // STOPPING=1 and releases held waits, the servers drain, the engine's writer makes its
        // last commit, and the watchdog pings until last.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let watchdogInterval {
            services.append(.init(service: WatchdogService(interval: watchdogInterval, servers: servers, engine: engine, logger: logger)))
        }
        services.append(.init(service: EngineService(engine: engine)))
        if SystemdNotifier.isListening { services.append(.init(service: StatusService(reporter: status))) }
        services.append(.init(service: ReloadService(hangups: hangups, configuration: configuration, status: status, ready: ready, logger: logger)))
        // Jobs before the spool, so stopped after it: an exit being handled may still drain it.
        services.append(.init(service: jobs))
        services.append(.init(service: SpoolService(watcher: watcher, ingest: ingest)))
        services += servers.map { .init(service: $0) }
        services.append(.init(service: readiness))
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.info("stopped")
    }

    /// Raises the open file limit to its hard limit, and fits the connection and wait bounds
    /// within it: connections leave ``OpenFileLimit/reserved`` descriptors to the rest of
    /// the daemon, and waits leave connections to other requests.
    private func boundsForOpenFiles() -> (ConnectionLimits, Int) {
        let change = OpenFileLimit.raiseToHardLimit()
        if let failure = change.failure {
            logger.warning("open file limit not raised", metadata: ["NOFILE": "\(change.before)", "ERROR": "\(failure)"])
        } else {
            logger.info("open file limit", metadata: ["NOFILE": "\(change.after)", "NOFILE_BEFORE": "\(change.before)"])
        }
        var limits = options.connectionLimits
        // Room for a 1 MiB definition with every character escaped, and a little more.
        limits.maximumBodyBytes = 2 * Limits.maximumDefinitionBytes + 65_536
        if change.after > 0 {
            let fitting = OpenFileLimit.connectionBound(requested: limits.maximumConnections, openFiles: change.after)
            if fitting < limits.maximumConnections {
                logger.warning(
                    "connection bound lowered to fit the open file limit",
                    metadata: ["MAX_CONNECTIONS": "\(fitting)", "REQUESTED": "\(limits.maximumConnections)", "NOFILE": "\(change.after)"])
                limits.maximumConnections = fitting
            }
        }
        var waits = options.maximumHeldWaits
        if waits >= limits.maximumConnections {
            waits = max(1, limits.maximumConnections / 2)
            logger.warning(
                "held wait bound lowered below the connection bound",
                metadata: ["MAX_HELD_WAITS": "\(waits)", "REQUESTED": "\(options.maximumHeldWaits)", "MAX_CONNECTIONS": "\(limits.maximumConnections)"])
        }
        return (limits, waits)
    }

    /// One server per socket systemd passed; without any, one on our own socket at `--socket`.
    private func makeServers(_ inherited: [InheritedSocket], dispatcher: APIDispatcher, limits: ConnectionLimits) -> [APIServer] {
        guard !inherited.isEmpty else {
            return [APIServer(socketPath: options.socketPath, handler: dispatcher, logger: logger, limits: limits)]
        }
        logger.info(
            "serving the sockets systemd passed; --socket is not bound",
            metadata: ["SOCKETS": "\(inherited.map(\.description).joined(separator: ", "))"])
        return inherited.map {
            APIServer(listeningDescriptor: $0.descriptor, handler: dispatcher, logger: logger, limits: limits)
        }
    }
}

/// Stops the engine's writer and checkpointer when the group shuts down (they run from the
/// start, before the group: recovery commits).
struct EngineService: Service {
    let engine: Engine

    func run() async {
        // Cancelled (a service failed) or shut down gracefully: the engine stops either way.
        try? await gracefulShutdown()
        await engine.shutdown()
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

/// Says "ready" (READY=1 with the first STATUS=) once every socket listens (recovery and the
/// configuration folder are done before the services start), and on shutdown says STOPPING=1
/// and releases the requests that wait for executions, before the servers drain.
struct ReadinessReporter: Service {
    let servers: [APIServer]
    let engine: Engine
    let status: StatusReporter
    let ready: ListeningSignal
    let logger: Logger
    let recovery: Recovery
    let listeners: [String]

    func run() async throws {
        do {
            for server in servers { try await server.waitUntilListening() }
        } catch {
            ready.fail(error)
            throw error
        }
        logger.notice(
            "ready",
            metadata: [
                "SOCKET": "\(listeners.joined(separator: ", "))", "READY_EXECUTIONS": "\(recovery.readyExecutions)",
                "WAITING_ON_TOKENS": "\(recovery.executionsWaitingOnTokens)",
            ])
        SystemdNotifier.ready(status: status.currentLine())
        ready.succeed()
        try? await gracefulShutdown()
        SystemdNotifier.stopping()
        engine.beginShutdown()
    }
}
