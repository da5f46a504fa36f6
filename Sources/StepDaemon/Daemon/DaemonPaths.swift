import Foundation

/// Where the daemon keeps its state and its socket unless told otherwise.
///
/// As root (a system service): `/var/lib/stepd` and `/run/stepd/stepd.sock`. Otherwise
/// under the XDG folders of the user: `$XDG_STATE_HOME/stepd` (default `~/.local/state/stepd`)
/// and `$XDG_RUNTIME_DIR/stepd/stepd.sock` (default `/tmp/stepd-<uid>/stepd.sock`).
public enum DaemonPaths {
    public static func defaultStateDirectory(environment: [String: String] = ProcessInfo.processInfo.environment, isRoot: Bool) -> String {
        if isRoot { return "/var/lib/stepd" }
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty { return state + "/stepd" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/state/stepd"
    }

    public static func database(in stateDirectory: String) -> String { stateDirectory + "/stepd.sqlite" }
    public static func spool(in stateDirectory: String) -> String { stateDirectory + "/events" }
    /// The buckets of Distributed Map states' ItemReader and ResultWriter, by default.
    public static func buckets(in stateDirectory: String) -> String { stateDirectory + "/buckets" }
    public static func jobLogs(in stateDirectory: String) -> String { stateDirectory + "/jobs" }
    /// A mark per job being spawned (`SpawnMarkers`).
    public static func spawnMarkers(in stateDirectory: String) -> String { stateDirectory + "/spawning" }
}
