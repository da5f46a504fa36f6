import Foundation
import Testing

/// The socket's fallback folder, /tmp/stepd-<uid>: one another user could have made (here, one
/// with mode 0755) is refused by stepd, which will not serve there, and by stepctl, which will
/// not send there (issue #15).
@Suite(
    "the socket's fallback folder under /tmp",
    .enabled(if: !FileManager.default.fileExists(atPath: "/tmp/stepd-\(geteuid())"), "the user's fallback folder is in use"))
struct SocketFolderTests {
    @Test("stepd and stepctl refuse a fallback folder others may write or replace")
    func openFallbackFolderIsRefused() async throws {
        let folder = "/tmp/stepd-\(geteuid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #require(chmod(folder, 0o755) == 0)
        let socket = folder + "/it-\(UUID().uuidString.prefix(8)).sock"
        let binaries = try Locations.binaryDirectory()
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("stepd-folder-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: state) }

        let stepd = try ChildProcess(
            executable: binaries + "/stepd", arguments: ["--state-dir", state, "--socket", socket, "--config", state + "/none"],
            environment: ProcessInfo.processInfo.environment)
        #expect(await stepd.waitForExit(seconds: 30), "stepd did not stop: \(stepd.output)")
        #expect(stepd.observed.value.exitStatus != 0)
        #expect(stepd.output.contains("has mode 755; it must be 0700"), "\(stepd.output)")
        #expect(!FileManager.default.fileExists(atPath: socket))

        let stepctl = try ChildProcess(
            executable: binaries + "/stepctl", arguments: ["--socket", socket, "list-state-machines"],
            environment: ProcessInfo.processInfo.environment)
        #expect(await stepctl.waitForExit(seconds: 30))
        #expect(stepctl.observed.value.exitStatus == 255)
        #expect(stepctl.output.contains("refusing the socket"), "\(stepctl.output)")
    }
}
