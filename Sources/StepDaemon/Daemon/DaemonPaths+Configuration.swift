import Foundation

extension DaemonPaths {
    /// The configuration folder: `$CONFIGURATION_DIRECTORY` when systemd sets it
    /// (ConfigurationDirectory=; the first one if several), else `/etc/stepd` as root, else
    /// `$XDG_CONFIG_HOME/stepd` (default `~/.config/stepd`).
    public static func defaultConfigurationDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment, isRoot: Bool
    ) -> String {
        if let configured = environment["CONFIGURATION_DIRECTORY"]?.split(separator: ":").first, !configured.isEmpty {
            return String(configured)
        }
        if isRoot { return "/etc/stepd" }
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty { return config + "/stepd" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.config/stepd"
    }
}
