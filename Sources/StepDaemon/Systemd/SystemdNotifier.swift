import CSystemd

/// Messages to the service manager (`sd_notify`); without NOTIFY_SOCKET they go nowhere,
/// so the daemon calls these the same way under systemd and in a terminal.
enum SystemdNotifier {
    static func ready(status: String) {
        send("READY=1\nSTATUS=\(status)")
    }

    static func stopping() {
        send("STOPPING=1")
    }

    private static func send(_ state: String) {
        _ = sd_notify(0, state)
    }
}
