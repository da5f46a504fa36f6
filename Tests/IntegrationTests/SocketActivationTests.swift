import Foundation
import JSON
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// stepd started by `systemd-socket-activate`, which binds the socket, waits for the first
/// connection and only then execs stepd with the socket as fd 3 (LISTEN_FDS=1).
@Suite("stepd under socket activation")
struct SocketActivationTests {
    static let activator = "/usr/bin/systemd-socket-activate"
    static let sanitizerOptions = ["ASAN_OPTIONS", "TSAN_OPTIONS"].filter { ProcessInfo.processInfo.environment[$0] != nil }

    @Test(
        "a request sent before stepd runs is answered once it is up, after the configuration folder is applied",
        .enabled(if: FileManager.default.isExecutableFile(atPath: activator), "needs \(activator) (package systemd)"))
    func requestBeforeStart() async throws {
        try await withTemporaryRoot { root in
            let binaries = try Locations.binaryDirectory()
            let socketPath = root + "/activated.sock"
            let ownSocket = root + "/own.sock"
            try FileManager.default.createDirectory(atPath: root + "/conf", withIntermediateDirectories: true)
            try SystemdFixtures.write(SystemdFixtures.passDefinition(comment: "from the folder"), to: root + "/conf/hello.asl.json")
            let stepd = try LaunchedStepd.start(
                executable: Self.activator,
                // The activator passes stepd no environment of its own but what -E names: the
                // sanitizers' options of `make test-asan` and `make test-tsan` must go through.
                arguments: Self.sanitizerOptions.flatMap { ["-E", $0] } + [
                    "-l", socketPath, binaries + "/stepd",
                    "--state-dir", root + "/state", "--socket", ownSocket, "--config", root + "/conf",
                ],
                socketPath: socketPath)
            try await withLaunchedStepd(stepd) {
                try await waitForDirectory(root, seconds: 30, "the activator's socket") {
                    FileManager.default.fileExists(atPath: socketPath)
                }
                #expect(!stepd.process.output.contains(" ready"), "stepd must not run before the first connection")

                // This connection is what makes the activator start stepd.
                let described = try await stepd.call("AWSStepFunctions.DescribeStateMachine", ["stateMachineArn": "hello"])
                #expect(described["definition"] == .string(SystemdFixtures.passDefinition(comment: "from the folder")))
                #expect(stepd.process.output.contains("serving the sockets systemd passed"), "\(stepd.process.output)")
                #expect(!FileManager.default.fileExists(atPath: ownSocket), "stepd bound --socket although a socket was passed")

                // Later connections go to the same socket.
                let health = try await stepd.call("Stepd.Health", [:])
                #expect(health["Status"] == "OK")

                let status = await stepd.stop()
                #expect(status == 0, "stepd exited with \(status): \(stepd.process.output)")
                #expect(FileManager.default.fileExists(atPath: socketPath), "stepd removed a socket file it did not create")
            }
        }
    }
}
