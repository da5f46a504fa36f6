import Foundation
import JSON
import Testing

@Suite("Wait state against the real stepd")
struct WaitStateTests {
    static let definition = #"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"P"},"P":{"Type":"Pass","Result":{"ok":true},"End":true}}}"#

    private func createWaitMachine(_ stepd: StepdProcess) async throws {
        _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", ["name": "wait-then-pass", "definition": .string(Self.definition)])
    }

    @Test("Wait 1 s then Pass: SUCCEEDED with the Pass result, history has the Wait state", arguments: StepdMode.allCases)
    func waitThenPass(mode: StepdMode) async throws {
        try await withStepd(mode: mode) { stepd in
            try await createWaitMachine(stepd)
            let arn = try await stepd.startExecution("wait-then-pass")
            let ended = try await stepd.waitForExecution(arn)
            #expect(ended["status"] == "SUCCEEDED", "\(ended.serialized())")
            #expect(try JSONValue(parsing: try #require(ended["output"]?.stringValue)) == ["ok": true])
            let history = try await stepd.call("AWSStepFunctions.GetExecutionHistory", ["executionArn": .string(arn)])
            let types = history["events"]?.arrayValue?.compactMap { $0["type"]?.stringValue } ?? []
            #expect(types == [
                "ExecutionStarted", "WaitStateEntered", "WaitStateExited", "PassStateEntered", "PassStateExited",
                "ExecutionSucceeded",
            ])
        }
    }

    @Test("kill -9 right after the start: after a restart the timer re-arms and the execution SUCCEEDS", arguments: StepdMode.allCases)
    func waitSurvivesRestart(mode: StepdMode) async throws {
        try await withStepd(mode: mode) { stepd in
            try await createWaitMachine(stepd)
            let arn = try await stepd.startExecution("wait-then-pass")
            try await stepd.kill9()
            try await stepd.launch()
            let ended = try await stepd.waitForExecution(arn)
            #expect(ended["status"] == "SUCCEEDED", "\(ended.serialized())")
            #expect(try JSONValue(parsing: try #require(ended["output"]?.stringValue)) == ["ok": true])
        }
    }
}

@Suite("stopping the real stepd")
struct ShutdownTests {
    /// `clientStillWaiting` true: the waiting client is still connected at SIGTERM; false: it gave up first.
    @Test(
        "SIGTERM while a Stepd.WaitForExecution is held: stepd stops within 15 s, exit status 0",
        arguments: [true, false], StepdMode.allCases)
    func sigtermWithHeldWait(clientStillWaiting: Bool, mode: StepdMode) async throws {
        try await withStepd(mode: mode) { stepd in
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", [
                "name": "long-wait",
                "definition": #"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}"#,
            ])
            let arn = try await stepd.startExecution("long-wait")
            let client = stepd.client
            let waiting = Task { try? await client.call("Stepd.WaitForExecution", ["executionArn": .string(arn)]) }
            // The wait is held once the server has it; a second request answered proves the first was read.
            #expect(try await stepd.describeExecution(arn)["status"] == "RUNNING")
            if !clientStillWaiting {
                waiting.cancel()
                _ = await waiting.value
            }
            let status = try await stepd.terminate()
            #expect(status == 0, "\(stepd.log)")
            waiting.cancel()
        }
    }
}
