@_spi(ExperimentalCustomExecutors) import _Concurrency
import ArgumentParser
import Foundation
import Logging
import NIOCore
import StepClient
import StepDaemon

/// Installs the daemon's executors before anything runs on the default one (ArgumentParser's
/// `main()` moves there before `run()`).
@main
enum StepdEntry {
    /// The one reading of the switches' variables (see `SpeedSwitches`).
    static let speedSwitches = SpeedSwitches(environment: ProcessInfo.processInfo.environment)

    static func main() async {
        if speedSwitches.quietExecutor {
            _createExecutors(factory: QuietExecutorFactory.self)
        }
        await StepdCommand.main()
    }
}

struct StepdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stepd",
        abstract: "Runs Amazon States Language workflows durably on this host.",
        discussion: "Serves the Step Functions and EventBridge APIs on a Unix socket and watches the event spool <state-dir>/events/new.")

    @Option(help: "Folder for the database, the event spool and job logs (default: /var/lib/stepd as root, else $XDG_STATE_HOME/stepd).")
    var stateDir: String?

    @Option(help: "Unix socket to serve the API on when systemd passes none (default: /run/stepd/stepd.sock as root, else $XDG_RUNTIME_DIR/stepd/stepd.sock).")
    var socket: String?

    @Option(
        name: .customLong("config"),
        help: ArgumentHelp(
            "Configuration folder, applied at start and on SIGHUP as `stepctl apply -f` applies a folder (default: $CONFIGURATION_DIRECTORY, else /etc/stepd as root, else $XDG_CONFIG_HOME/stepd).",
            valueName: "dir"))
    var configurationDirectory: String?

    @Option(help: ArgumentHelp(
        "Folder whose subfolders are the S3 buckets a Distributed Map's ItemReader reads and ResultWriter writes (default: <state-dir>/buckets).",
        valueName: "dir"))
    var bucketsDir: String?

    @Option(help: ArgumentHelp("Append a JSON line per commit (when its transaction began, when it was durable) to FILE; for benchmarks.", valueName: "FILE"))
    var traceCommits: String?

    @Option(help: ArgumentHelp("How long closed executions, their history and ended jobs are kept: 90d (AWS's), 24h, 30m, 45s, or forever.", valueName: "period"))
    var keepClosedExecutions = "90d"

    @Option(help: ArgumentHelp("How long received event ids are kept to recognise an event seen twice.", valueName: "period"))
    var keepEventIds = "24h"

    @Option(help: ArgumentHelp("How long files in the spool's failed/ folder are kept.", valueName: "period"))
    var keepFailedSpoolFiles = "14d"

    @Option(help: ArgumentHelp("API connections open at once, per socket; more are closed when accepted.", valueName: "count"))
    var maxConnections: Int = ConnectionLimits.defaultMaximumConnections

    @Option(help: ArgumentHelp(
        "Stepd.WaitForExecution and Stepd.WaitUntilIdle requests waiting at once; more are refused with ThrottlingException. Below --max-connections.",
        valueName: "count"))
    var maxHeldWaits: Int = APIDispatcher.defaultMaximumHeldWaits

    @Option(help: ArgumentHelp("Seconds a client has to send a whole request, from its first byte; a client that stalls is disconnected.", valueName: "seconds"))
    var requestTimeout: Double = 10

    @Option(help: ArgumentHelp("Seconds an API connection with no request in progress stays open.", valueName: "seconds"))
    var idleTimeout: Double = 60

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(help: "Where to log: auto (the journal when stderr is connected to it, as under systemd; else stderr), journal, console (stderr). Jobs' output follows: a journal stream per job, or a log file per job.")
    var logTarget: String = "auto"

    func validate() throws {
        if maxConnections < 1 { throw ValidationError("--max-connections must be at least 1") }
        if maxHeldWaits < 1 { throw ValidationError("--max-held-waits must be at least 1") }
        for (name, seconds) in [("--request-timeout", requestTimeout), ("--idle-timeout", idleTimeout)] {
            guard seconds > 0, seconds <= 86_400 else { throw ValidationError("\(name) must be more than 0 and at most 86400 seconds") }
        }
        if Logger.Level(rawValue: logLevel) == nil { throw ValidationError("unknown log level '\(logLevel)'") }
        guard let target = LogTarget(rawValue: logTarget) else {
            throw ValidationError("unknown log target '\(logTarget)' (auto, journal or console)")
        }
        if let reason = target.unavailableReason() { throw ValidationError(reason) }
        for period in [keepClosedExecutions, keepEventIds, keepFailedSpoolFiles] {
            do { _ = try RetentionPeriod.parse(period) } catch { throw ValidationError(error.description) }
        }
    }

    func run() async throws {
        DaemonLogging.bootstrap(target: LogTarget(rawValue: logTarget) ?? .auto, level: Logger.Level(rawValue: logLevel) ?? .info)
        let logger = Logger(label: "stepd")
        let speedSwitches = StepdEntry.speedSwitches
        if !speedSwitches.turnedOff.isEmpty {
            logger.info("speed machinery turned off", metadata: ["OFF": "\(speedSwitches.turnedOff.joined(separator: " "))"])
        }
        let isRoot = getuid() == 0
        let environment = ProcessInfo.processInfo.environment
        // STEPD_SOCKET tells clients where to call; the daemon binds only where --socket or the
        // default places say, so a variable left in an admin's shell cannot move it.
        var clientEnvironment = environment
        clientEnvironment["STEPD_SOCKET"] = nil
        // Absolute paths: jobs run in other working directories and get the spool's path.
        let options = Daemon.Options(
            stateDirectory: absolute(stateDir ?? DaemonPaths.defaultStateDirectory(environment: environment, isRoot: isRoot)),
            socketPath: absolute(socket ?? StepClient.defaultSocketPath(environment: clientEnvironment, isRoot: isRoot)),
            binDirectory: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().path,
            configurationDirectory: absolute(
                configurationDirectory ?? DaemonPaths.defaultConfigurationDirectory(environment: environment, isRoot: isRoot)),
            commitTracePath: traceCommits.map(absolute), speedSwitches: speedSwitches,
            retention: Daemon.Retention(
                closedExecutions: try RetentionPeriod.parse(keepClosedExecutions), eventIds: try RetentionPeriod.parse(keepEventIds),
                failedSpoolFiles: try RetentionPeriod.parse(keepFailedSpoolFiles)),
            crashHook: environment["STEPD_TEST_CRASH_WHILE_DRIVING"],
            connectionLimits: ConnectionLimits(
                maximumConnections: maxConnections, requestTimeout: Self.timeAmount(seconds: requestTimeout),
                idleTimeout: Self.timeAmount(seconds: idleTimeout)),
            maximumHeldWaits: maxHeldWaits, bucketsDirectory: bucketsDir.map(absolute))
        if let hook = environment["STEPD_TEST_CRASH_WHILE_DRIVING"] {
            // The crash is the test's point; a core file of it is litter.
            var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
            _ = setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &noCore)
            logger.warning("test crash hook set: stepd will trap while driving what it names", metadata: ["HOOK": "\(hook)"])
        }
        do {
            try await Daemon(options: options, logger: logger).run()
        } catch {
            logger.critical("stepd stopped on an error", metadata: ["ERROR": "\(error)"])
            throw ExitCode(1)
        }
    }

    private static func timeAmount(seconds: Double) -> TimeAmount {
        .nanoseconds(Int64(seconds * 1_000_000_000))
    }

    private func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
