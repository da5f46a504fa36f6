import Foundation
import JSON
import Testing

/// Two real users, made for the test, call the real stepd with stepctl: each acts on its own
/// executions only, and neither may change definitions (issue #15, "who may do what").
@Suite(
    "two real users on one stepd",
    .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/useradd"), "needs root, useradd and runuser"))
struct TwoUsersTests {
    struct TemporaryUser {
        let name: String
        let uid: UInt32
    }

    static func makeUser() throws -> TemporaryUser {
        let name = "sit-" + UUID().uuidString.prefix(8).lowercased()
        let made = SystemCommand.run("/usr/sbin/useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name])
        guard made.status == 0 else { throw HarnessError("useradd \(name) failed: \(made.output)") }
        let id = SystemCommand.run("/usr/bin/id", ["-u", name])
        guard let uid = UInt32(id.output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw HarnessError("id -u \(name): \(id.output)")
        }
        return TemporaryUser(name: name, uid: uid)
    }

    static func remove(_ user: TemporaryUser) {
        SystemCommand.run("/usr/sbin/userdel", [user.name])
    }

    @Test("each user sees, stops and lists only its own executions; neither may create a state machine")
    func eachUserActsOnItsOwn() async throws {
        let alice = try Self.makeUser()
        defer { Self.remove(alice) }
        let bob = try Self.makeUser()
        defer { Self.remove(bob) }
        try await withStepd { stepd in
            // The test's folder is root's alone (mkdtemp); the users must reach the socket.
            try #require(chmod(stepd.root, 0o755) == 0 && chmod(stepd.socketPath, 0o666) == 0)
            let waits = #"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100000, "End": true}}}"#
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", ["name": "waits", "definition": .string(waits)])

            let started = try await stepd.stepctl(["start-execution", "--state-machine", "waits", "--name", "a1"], asUser: alice.name)
            #expect(started.status == 0, "stderr: \(started.stderr)")
            let arn = try #require(started.json?["executionArn"]?.stringValue, "stdout: \(started.stdout) stderr: \(started.stderr)")

            let peeked = try await stepd.stepctl(["describe-execution", "--execution-arn", arn], asUser: bob.name)
            #expect(peeked.status == 254)
            #expect(peeked.stderr.contains("AccessDeniedException") && peeked.stderr.contains("uid \(bob.uid)"), "stderr: \(peeked.stderr)")
            let own = try await stepd.stepctl(["describe-execution", "--execution-arn", arn], asUser: alice.name)
            #expect(own.json?["status"] == "RUNNING", "stdout: \(own.stdout) stderr: \(own.stderr)")

            let bobsList = try await stepd.stepctl(["list-executions", "--state-machine", "waits"], asUser: bob.name)
            #expect(bobsList.status == 0, "stderr: \(bobsList.stderr)")
            #expect(bobsList.json?["executions"]?.arrayValue?.isEmpty == true, "stdout: \(bobsList.stdout)")
            let alicesList = try await stepd.stepctl(["list-executions", "--state-machine", "waits"], asUser: alice.name)
            #expect(alicesList.json?["executions"]?.arrayValue?.count == 1, "stdout: \(alicesList.stdout)")

            let created = try await stepd.stepctl(["create-state-machine", "--name", "mine", "--definition", waits], asUser: bob.name)
            #expect(created.status == 254)
            #expect(created.stderr.contains("states:CreateStateMachine"), "stderr: \(created.stderr)")

            let stoppedByBob = try await stepd.stepctl(["stop-execution", "--execution-arn", arn], asUser: bob.name)
            #expect(stoppedByBob.status == 254, "stderr: \(stoppedByBob.stderr)")
            let stopped = try await stepd.stepctl(["stop-execution", "--execution-arn", arn], asUser: alice.name)
            #expect(stopped.status == 0, "stderr: \(stopped.stderr)")
            #expect(try await stepd.describeExecution(arn)["status"] == "ABORTED")
        }
    }
}
