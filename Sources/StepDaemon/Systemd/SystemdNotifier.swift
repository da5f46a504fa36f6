import CSystemd
import Glibc

/// Messages to the service manager (`sd_notify`); without NOTIFY_SOCKET they go nowhere,
/// so the daemon calls these the same way under systemd and in a terminal.
enum SystemdNotifier {
    /// Whether a service manager listens (NOTIFY_SOCKET is set). Read once: the daemon
    /// spends nothing on status lines nobody receives.
    static let isListening: Bool = getenv("NOTIFY_SOCKET") != nil

    static func ready(status: String) {
        send("READY=1\nSTATUS=\(status)")
    }

    static func status(_ status: String) {
        send("STATUS=\(status)")
    }

    /// A reload begins. systemd 253 and later want the monotonic time with it, to tell this
    /// reload's READY=1 from an earlier one; older ones ignore the field.
    static func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
        send("RELOADING=1\nMONOTONIC_USEC=\(microseconds)")
    }

    static func stopping() {
        send("STOPPING=1")
    }

    static func watchdog() {
        send("WATCHDOG=1")
    }

    private static func send(_ state: String) {
        _ = sd_notify(0, state)
    }
}
