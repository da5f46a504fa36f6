import Logging
import ServiceLifecycle
import UnixSignals

/// `systemctl reload` (ExecReload=kill -HUP $MAINPID): on SIGHUP, tells systemd a reload is
/// under way, applies the configuration folder again, and says ready with a fresh status.
/// SIGHUPs that come before the daemon is ready wait for it: the daemon traps SIGHUP first
/// thing, so an early one does not end the process.
struct ReloadService: Service {
    let hangups: UnixSignalsSequence
    let configuration: ConfigurationLoader?
    let status: StatusReporter
    let ready: ListeningSignal
    let logger: Logger

    func run() async throws {
        for await _ in hangups.cancelOnGracefulShutdown() {
            do {
                try await ready.wait()
            } catch {
                return
            }
            logger.notice("reloading", metadata: ["CONFIGURATION_FOLDER": "\(configuration?.directory ?? "none")"])
            SystemdNotifier.reloading()
            await configuration?.apply()
            SystemdNotifier.ready(status: status.currentLine())
            logger.notice("reloaded")
        }
    }
}
