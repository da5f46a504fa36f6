import Foundation
import JSON
import StepClient
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// stepd's configuration folder (`--config`): applied before READY=1, again on SIGHUP; a bad
/// file is logged and skipped, and what it described before stays.
@Suite("stepd's configuration folder")
struct ConfigurationFolderIntegrationTests {
    static func launch(root: String, notify: NotifyListener) throws -> LaunchedStepd {
        try LaunchedStepd.start(
            executable: try Locations.binaryDirectory() + "/stepd",
            arguments: ["--state-dir", root + "/state", "--socket", root + "/s.sock", "--config", root + "/conf"],
            socketPath: root + "/s.sock", environment: ["NOTIFY_SOCKET": notify.path])
    }

    static func isReady(_ message: String) -> Bool { notifyFields(message)["READY"] == "1" }

    /// Sends SIGHUP and waits for RELOADING=1 and the READY=1 after it.
    static func reload(_ stepd: LaunchedStepd, _ notify: NotifyListener) async throws {
        let before = notify.messages.value.count
        stepd.process.signal(SIGHUP)
        try await notify.wait(for: "RELOADING=1 then READY=1") { messages in
            guard let reloading = firstIndex(in: messages, from: before, where: { notifyFields($0)["RELOADING"] == "1" }) else {
                return false
            }
            return firstIndex(in: messages, from: reloading + 1, where: isReady) != nil
        }
    }

    func definition(of name: String, _ stepd: LaunchedStepd) async throws -> String? {
        try await stepd.call("AWSStepFunctions.DescribeStateMachine", ["stateMachineArn": .string(name)])["definition"]?.stringValue
    }

    @Test("applied before READY=1; a changed file is in effect after the READY=1 that follows SIGHUP; bad files are skipped and the old version kept")
    func startAndReload() async throws {
        try await withTemporaryRoot { root in
            let conf = root + "/conf"
            try FileManager.default.createDirectory(atPath: conf + "/work", withIntermediateDirectories: true)
            let first = SystemdFixtures.passDefinition(comment: "first")
            try SystemdFixtures.write(first, to: conf + "/hello.asl.json")
            try SystemdFixtures.write(#"{"StartAt": "Nowhere", "States": {}}"#, to: conf + "/broken.asl.json")
            try SystemdFixtures.write("{not json", to: conf + "/garbled.rule.json")
            try SystemdFixtures.write(
                #"{"Name": "greeter", "Command": ["sh", "-c", "true"], "WorkingDirectory": "work"}"#, to: conf + "/greeter.job.json")
            try SystemdFixtures.write(
                #"{"Name": "on-ping", "EventPattern": {"source": ["test"]}, "Targets": [{"Id": "1", "Arn": "arn:aws:states:local:000000000000:stateMachine:hello"}]}"#,
                to: conf + "/on-ping.rule.json")

            try await withNotifyListener(path: root + "/notify.sock") { notify in
                let stepd = try Self.launch(root: root, notify: notify)
                try await withLaunchedStepd(stepd) {
                    try await notify.wait(for: "READY=1") { $0.contains(where: Self.isReady) }
                    // The good files, applied before READY=1 (nothing else defined them).
                    #expect(try await definition(of: "hello", stepd) == first)
                    let job = try await stepd.call("Stepd.DescribeJobDefinition", ["Name": "greeter"])
                    #expect(job["WorkingDirectory"] == .string(conf + "/work"), "\(job.serialized())")
                    let rules = try await stepd.call("AWSEvents.ListRules", [:])
                    #expect(rules["Rules"]?.arrayValue?.compactMap { $0["Name"]?.stringValue } == ["on-ping"])
                    // The bad ones, named in the log with the reason.
                    let log = stepd.process.output
                    #expect(log.contains("configuration file not applied"))
                    #expect(log.contains(conf + "/broken.asl.json"), "\(log)")
                    #expect(log.contains(conf + "/garbled.rule.json"), "\(log)")
                    let missing = try await stepd.client.callFailing("AWSStepFunctions.DescribeStateMachine", ["stateMachineArn": "broken"])
                    #expect(missing.contains("StateMachineDoesNotExist"))

                    // A change, then SIGHUP: in effect once READY=1 follows RELOADING=1.
                    let second = SystemdFixtures.passDefinition(comment: "second")
                    try SystemdFixtures.write(second, to: conf + "/hello.asl.json")
                    try await Self.reload(stepd, notify)
                    #expect(try await definition(of: "hello", stepd) == second)

                    // A broken edit: the daemon keeps what it had and goes on serving.
                    try SystemdFixtures.write(#"{"StartAt": "A", "States": {"A": {"Type": "Bogus"}}}"#, to: conf + "/hello.asl.json")
                    try await Self.reload(stepd, notify)
                    #expect(try await definition(of: "hello", stepd) == second)
                    #expect(try await stepd.call("Stepd.Health", [:])["Status"] == "OK")
                }
            }
        }
    }

    @Test("a missing folder applies nothing and stepd starts")
    func missingFolder() async throws {
        try await withTemporaryRoot { root in
            try await withNotifyListener(path: root + "/notify.sock") { notify in
                let stepd = try Self.launch(root: root, notify: notify)
                try await withLaunchedStepd(stepd) {
                    try await notify.wait(for: "READY=1") { $0.contains(where: Self.isReady) }
                    #expect(stepd.process.output.contains("no configuration folder"), "\(stepd.process.output)")
                    let machines = try await stepd.call("AWSStepFunctions.ListStateMachines", [:])
                    #expect(machines["stateMachines"]?.arrayValue?.isEmpty == true)
                }
            }
        }
    }
}

extension StepClient {
    /// The error text of a call expected to fail (bounded).
    func callFailing(_ target: String, _ body: JSONValue) async throws -> String {
        let client = self
        return try await bounded(seconds: 60, target) {
            do {
                let answer = try await client.call(target, body)
                throw HarnessError("\(target) succeeded (\(answer.serialized())) where an error was expected")
            } catch let error as StepClientError {
                return error.description
            }
        }
    }
}
