import Foundation
import JSON
import StepAPI
import StepClient
import TestSupport
import Testing

/// AWS's limits on request members and stepd's bounds on connections (issue #15), against
/// the real stepd: a request over a limit is refused with AWS's ValidationException text,
/// and no client can keep the daemon from answering the others.
@Suite("limits against the real stepd")
struct LimitsTests {
    private func expectValidation(
        _ stepd: StepdProcess, _ target: String, _ body: JSONValue, message: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let response = try await rawHTTP(socketPath: stepd.socketPath, request: rawRequest(target: target, body: body.serialized()))
        #expect(response.status == 400, "\(response.body)", sourceLocation: sourceLocation)
        #expect(response.headers["x-amzn-errortype"] == "ValidationException", sourceLocation: sourceLocation)
        #expect(response.json?["__type"] == "ValidationException", sourceLocation: sourceLocation)
        #expect(response.json?["message"]?.stringValue == message, sourceLocation: sourceLocation)
    }

    @Test("SendTaskFailure with a cause over 32,768 characters is a ValidationException")
    func sendTaskFailureWithTooLongACause() async throws {
        try await withStepd { stepd in
            let token = String(repeating: "A", count: 64)
            try await expectValidation(
                stepd, "AWSStepFunctions.SendTaskFailure",
                ["taskToken": .string(token), "error": "E", "cause": .string(String(repeating: "c", count: 32_769))],
                message: "1 validation error detected: Value at 'cause' failed to satisfy constraint: Member must have length less than or equal to 32768")
            // At the limit the request goes on, to the token (which was never issued).
            let atLimit = try await stepd.callFailing(
                "AWSStepFunctions.SendTaskFailure",
                ["taskToken": .string(token), "error": .string(String(repeating: "e", count: 256)), "cause": .string(String(repeating: "c", count: 32_768))])
            guard case .api(let refusal) = atLimit else {
                Issue.record("expected an API error, got \(atLimit)")
                return
            }
            #expect(refusal.type == "TaskDoesNotExist", "\(refusal)")
        }
    }

    @Test("PutEvents with 11 entries is a ValidationException; 10 are accepted")
    func putEventsWithElevenEntries() async throws {
        try await withStepd { stepd in
            let entry: JSONValue = ["Source": "s", "DetailType": "d", "Detail": "{}"]
            try await expectValidation(
                stepd, "AWSEvents.PutEvents", ["Entries": .array(Array(repeating: entry, count: 11))],
                message: "1 validation error detected: Value '[PutEventsRequestEntry]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10")
            let ten = try await stepd.call("AWSEvents.PutEvents", ["Entries": .array(Array(repeating: entry, count: 10))])
            #expect(ten["FailedEntryCount"] == 0, "\(ten.serialized())")
            // Over 256 KiB together, counted as EventBridge counts them.
            let big: JSONValue = ["Source": "s", "DetailType": "d", "Detail": .string("\"" + String(repeating: "x", count: 140_000) + "\"")]
            try await expectValidation(
                stepd, "AWSEvents.PutEvents", ["Entries": [big, big]], message: "Total size of the entries in the request is over the limit.")
        }
    }

    @Test("a connection that sends half a header and stalls is closed; stepd answers others meanwhile")
    func stalledHalfHeader() async throws {
        try await withStepd(extraArguments: ["--request-timeout", "0.5"]) { stepd in
            let stalled = try await UnixSocket.connect(to: stepd.socketPath)
            try await stalled.send("POST / HTTP/1.1\r\nHost: stepd\r\nX-Amz-Target: Stepd.Hea")
            #expect(try await stepd.call("Stepd.Health", [:])["Status"] == "OK")
            let (received, closed) = try await stalled.receive()
            #expect(closed, "stepd closed the stalled connection")
            #expect(received.isEmpty, "without an answer: \(received)")
            #expect(try await stepd.call("Stepd.Health", [:])["Status"] == "OK")
        }
    }

    @Test("held WaitForExecution calls, up to their bound, leave stepd answering others; a client that goes frees its wait")
    func manyHeldWaits() async throws {
        try await withStepd(extraArguments: ["--max-held-waits", "8", "--max-connections", "32"]) { stepd in
            let parked = #"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":86400,"End":true}}}"#
            let quick = #"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", ["name": "parked", "definition": .string(parked)])
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", ["name": "quick", "definition": .string(quick)])
            let waitingOn = try await stepd.startExecution("parked")
            let ended = try await stepd.startExecution("quick")
            #expect(try await stepd.waitForExecution(ended)["status"] == "SUCCEEDED")

            // Eight clients wait, each on a connection of its own. A client throttled (by the
            // probes below taking a place for a moment) tries again, as AWS's SDKs do.
            let waiters = (0..<8).map { _ in
                let client = StepClient(socketPath: stepd.socketPath)
                return Task {
                    while true {
                        do {
                            return try await client.call("Stepd.WaitForExecution", ["executionArn": .string(waitingOn)])
                        } catch let error as StepClientError {
                            guard case .api(let apiError) = error, apiError.type == "ThrottlingException" else { throw error }
                        }
                    }
                }
            }
            // Once all eight hold their place, a ninth is throttled (a wait on an execution
            // that has ended answers at once while there is room).
            let throttled = try await bounded(seconds: 30, "the eight waits to be held") {
                while true {
                    do {
                        _ = try await stepd.call("Stepd.WaitForExecution", ["executionArn": .string(ended)])
                    } catch let error as StepClientError {
                        if case .api(let apiError) = error, apiError.type == "ThrottlingException" { return apiError }
                        throw error
                    }
                }
            }
            #expect(throttled.httpStatus == 400)
            // Everyone else is answered meanwhile.
            #expect(try await stepd.call("Stepd.Health", [:])["Status"] == "OK")
            #expect(try await stepd.describeExecution(waitingOn)["status"] == "RUNNING")
            #expect(try await stepd.executions(of: "quick").count == 1)

            // The waiting clients give up (their connections close): their places are freed.
            for waiter in waiters { waiter.cancel() }
            for waiter in waiters { _ = await waiter.result }
            let answered = try await bounded(seconds: 30, "a wait to be taken again") {
                while true {
                    do {
                        return try await stepd.call("Stepd.WaitForExecution", ["executionArn": .string(ended)])
                    } catch let error as StepClientError {
                        guard case .api(let apiError) = error, apiError.type == "ThrottlingException" else { throw error }
                    }
                }
            }
            #expect(answered["status"] == "SUCCEEDED")
        }
    }

    @Test("stepd raises its open file limit to the hard limit at start")
    func openFileLimitRaised() async throws {
        try await withStepd { stepd in
            let pid = try #require(stepd.pid)
            let limits = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)
            let line = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max open files") })
            let numbers = line.split(separator: " ").compactMap { Int($0) }
            #expect(numbers.count == 2 && numbers[0] == numbers[1], "soft and hard: \(line)")
            try await stepd.waitForLogLine(containing: ["open file limit", "NOFILE="], seconds: 10)
        }
    }
}
