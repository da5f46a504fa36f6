import EventPatterns
import Foundation
import JSON
import StepEngine
import Testing

/// Rules, targets, PutEvents and the spool ingest path.
@Suite struct EventTests {
    static let echo: JSONValue = ["StartAt": "Echo", "States": ["Echo": ["Type": "Pass", "End": true]]]

    static func engineWithRule(pattern: JSONValue, target: JSONValue = [:]) async throws -> TestEngine {
        let test = try TestEngine()
        try await test.machine("target", echo.text)
        let rule = try await test.engine.putRule(name: "r1", eventPattern: pattern.text, state: nil, description: "test rule")
        #expect(rule == "arn:aws:events:local:000000000000:rule/r1")
        var targetJSON = target.objectValue ?? [:]
        targetJSON["Id"] = "t1"
        targetJSON["Arn"] = .string("arn:aws:states:us-east-1:123456789012:stateMachine:target")
        let put = try await test.engine.putTargets(rule: "r1", targets: [.object(targetJSON)])
        #expect(put.isEmpty)
        return test
    }

    static func executions(_ test: TestEngine, of machine: String = "target") async throws -> [String] {
        await test.engine.waitUntilIdle()
        let list = try await test.engine.listExecutions(stateMachine: machine, statusFilter: nil, maxResults: nil, nextToken: nil)
        return list.items.map(\.arn)
    }

    static let pattern: JSONValue = ["source": ["my.app"], "detail-type": ["Job Finished"]]

    @Test func matchingPutEventsStartsTheTargetWithTheWholeEvent() async throws {
        let test = try await Self.engineWithRule(pattern: Self.pattern)
        let answer = try await test.engine.putEvents(entries: [
            ["Source": "my.app", "DetailType": "Job Finished", "Detail": #"{"status": "ok", "n": 3}"#, "Resources": ["res-1"]],
        ])
        guard case .stored(let eventId) = try #require(answer.first) else {
            Issue.record("the entry was not stored: \(answer)")
            return
        }
        let started = try await Self.executions(test)
        try #require(started.count == 1)
        let execution = try await test.finish(started[0])
        #expect(execution.status == "SUCCEEDED")
        let event = try #require(execution.output)
        #expect(event.objectValue?.keys.sorted() == ["account", "detail", "detail-type", "id", "region", "resources", "source", "time", "version"])
        #expect(event["id"]?.stringValue == eventId)
        #expect(event["source"] == "my.app")
        #expect(event["detail-type"] == "Job Finished")
        #expect(event["detail"] == ["status": "ok", "n": 3])
        #expect(event["resources"] == ["res-1"])
        #expect(event["version"] == "0")
    }

    @Test func nonMatchingEventStartsNothing() async throws {
        let test = try await Self.engineWithRule(pattern: Self.pattern)
        let answer = try await test.engine.putEvents(entries: [
            ["Source": "other.app", "DetailType": "Job Finished", "Detail": "{}"],
            ["Source": "my.app", "DetailType": "Job Started", "Detail": "{}"],
        ])
        #expect(answer.count == 2)
        #expect(answer.allSatisfy { if case .stored = $0 { true } else { false } })
        #expect(try await Self.executions(test).isEmpty)
    }

    @Test func malformedPutEventsEntriesFailOnTheirOwn() async throws {
        let test = try await Self.engineWithRule(pattern: Self.pattern)
        let answer = try await test.engine.putEvents(entries: [
            ["Source": "my.app", "DetailType": "Job Finished", "Detail": "[1]"],
            ["Source": "my.app", "DetailType": "Job Finished", "Detail": "{}"],
        ])
        #expect(answer.count == 2)
        #expect({ if case .malformed = answer[0] { true } else { false } }())
        #expect({ if case .stored = answer[1] { true } else { false } }())
        #expect(try await Self.executions(test).count == 1)
        let none = await engineError { _ = try await test.engine.putEvents(entries: []) }
        #expect(isError(none, RequestError.self))
    }

    @Test(arguments: ["aws.appflow", "aws.batch", "AWS.appflow"])
    func awsSourcesAreRefusedInPutEventsAndStartNothing(source: String) async throws {
        let test = try await Self.engineWithRule(pattern: ["source": [.string(source)]])
        let answer = try await test.engine.putEvents(entries: [
            ["Source": .string(source), "DetailType": "Job Finished", "Detail": "{}"],
            ["Source": "my.app", "DetailType": "Job Finished", "Detail": "{}"],
        ])
        #expect(answer.count == 2)
        guard case .notAuthorizedForSource(let reason) = answer[0] else {
            Issue.record("an \(source) entry was not refused: \(answer)")
            return
        }
        #expect(reason.contains("'\(source)'"), "\(reason)")
        #expect({ if case .stored = answer[1] { true } else { false } }(), "the other entry stands on its own")
        #expect(try await Self.executions(test).isEmpty)
    }

    /// The reference scenario's two rules: success by value, failure with `anything-but`.
    @Test(arguments: [("Successful", "on-success"), ("Failed", "on-failure"), ("Error", "on-failure")])
    func anythingButRoutesToTheRightMachine(status: String, machine: String) async throws {
        let test = try TestEngine()
        try await test.machine("on-success", Self.echo.text)
        try await test.machine("on-failure", Self.echo.text)
        for (rule, statusPattern) in [("success", ["Successful"] as JSONValue), ("failure", [["anything-but": "Successful"]])] {
            let pattern: JSONValue = ["source": ["stepd.job"], "detail": ["status": statusPattern]]
            _ = try await test.engine.putRule(name: rule, eventPattern: pattern.text, state: "ENABLED", description: nil)
            _ = try await test.engine.putTargets(rule: rule, targets: [["Id": "1", "Arn": .string(LocalARN.stateMachine("on-\(rule)"))]])
        }
        let spooled: JSONValue = ["source": "stepd.job", "detail-type": "Job Run Report", "detail": ["status": .string(status)]]
        let outcome = try await test.engine.ingestSpoolEvent(spooled.jsonData, fileName: "spooled.json")
        #expect(outcome.matchedRules.count == 1)
        #expect(try await Self.executions(test, of: machine).count == 1)
        let other = machine == "on-success" ? "on-failure" : "on-success"
        #expect(try await Self.executions(test, of: other).isEmpty)
    }

    @Test func theSameEventIdTwiceStartsOneExecution() async throws {
        let test = try await Self.engineWithRule(pattern: Self.pattern)
        let event: JSONValue = [
            "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "source": "my.app", "detail-type": "Job Finished",
            "time": "2019-03-26T20:14:13Z", "detail": ["n": 1],
        ]
        let first = try await test.engine.ingestSpoolEvent(event.jsonData, fileName: "event.json")
        #expect(first.duplicate == false)
        #expect(first.eventId == "6a7e8feb-b491-4cf7-a9f1-bf3703467718")
        #expect(first.matchedRules == ["r1"])
        let second = try await test.engine.ingestSpoolEvent(event.jsonData, fileName: "event.json")
        #expect(second.duplicate == true)
        let started = try await Self.executions(test)
        try #require(started.count == 1)
        let execution = try await test.finish(started[0])
        #expect(execution.output?["time"] == "2019-03-26T20:14:13Z")
        #expect(execution.output?["id"] == "6a7e8feb-b491-4cf7-a9f1-bf3703467718")
    }

    /// A file read twice (stepd stopped between the commit and the unlink) is one event, even
    /// without an id of its own; another file with the same text is another event.
    @Test func aSpoolFileWithoutIdReadTwiceIsOneEvent() async throws {
        let test = try await Self.engineWithRule(pattern: Self.pattern)
        let event: JSONValue = ["source": "my.app", "detail-type": "Job Finished", "detail": ["n": 1]]
        let first = try await test.engine.ingestSpoolEvent(event.jsonData, fileName: "a.json")
        let again = try await test.engine.ingestSpoolEvent(event.jsonData, fileName: "a.json")
        let other = try await test.engine.ingestSpoolEvent(event.jsonData, fileName: "b.json")
        #expect(first.duplicate == false)
        #expect(again.duplicate == true)
        #expect(again.eventId == first.eventId)
        #expect(other.duplicate == false)
        #expect(other.eventId != first.eventId)
    }

    @Test(arguments: [
        "not json",
        "[]",
        #"{"detail-type": "x"}"#,
        #"{"source": "a"}"#,
        #"{"source": "", "detail-type": "x"}"#,
        #"{"source": "a", "detail-type": "b", "detail": "text"}"#,
        #"{"source": "a", "detail-type": "b", "time": "yesterday"}"#,
        #"{"source": "a", "detail-type": "b", "colour": "blue"}"#,
    ])
    func malformedSpoolEventsThrowEventFormatError(text: String) async throws {
        let test = try await Self.engineWithRule(pattern: ["source": ["a"]])
        await #expect(throws: EventFormatError.self) { _ = try await test.engine.ingestSpoolEvent(Data(text.utf8), fileName: "bad.json") }
        #expect(try await Self.executions(test).isEmpty)
    }

    @Test func targetInputAndInputPath() async throws {
        let constant = try await Self.engineWithRule(pattern: Self.pattern, target: ["Input": #"{"fixed": true}"#])
        _ = try await constant.engine.putEvents(entries: [["Source": "my.app", "DetailType": "Job Finished", "Detail": #"{"a": 1}"#]])
        let constantRun = try await constant.finish(try #require(try await Self.executions(constant).first))
        #expect(constantRun.output == ["fixed": true])

        let path = try await Self.engineWithRule(pattern: Self.pattern, target: ["InputPath": "$.detail"])
        _ = try await path.engine.putEvents(entries: [["Source": "my.app", "DetailType": "Job Finished", "Detail": #"{"a": 1}"#]])
        let pathRun = try await path.finish(try #require(try await Self.executions(path).first))
        #expect(pathRun.output == ["a": 1])
    }

    @Test func disabledRulesMatchNothing() async throws {
        let test = try await Self.engineWithRule(pattern: Self.pattern)
        _ = try await test.engine.putRule(name: "r1", eventPattern: Self.pattern.text, state: "DISABLED", description: nil)
        _ = try await test.engine.putEvents(entries: [["Source": "my.app", "DetailType": "Job Finished", "Detail": "{}"]])
        #expect(try await Self.executions(test).isEmpty)
    }

    @Test func ruleAndTargetErrors() async throws {
        let test = try TestEngine()
        let badPattern = await engineError { _ = try await test.engine.putRule(name: "r", eventPattern: #"{"source": "not-an-array"}"#, state: nil, description: nil) }
        #expect(isError(badPattern, RuleError.self) { if case .invalidPattern = $0 { true } else { false } })
        let noRule = await engineError { _ = try await test.engine.putTargets(rule: "missing", targets: [["Id": "1", "Arn": .string(LocalARN.stateMachine("x"))]]) }
        #expect(noRule as? RuleError == .doesNotExist(name: "missing"))
        _ = try await test.engine.putRule(name: "r", eventPattern: Self.pattern.text, state: nil, description: nil)
        let partly = try await test.engine.putTargets(rule: "r", targets: [
            ["Id": "lambda", "Arn": "arn:aws:lambda:us-east-1:1:function:f"],
            ["Id": "ok", "Arn": .string(LocalARN.stateMachine("x"))],
        ])
        #expect(partly.map(\.targetId) == ["lambda"])
        let hasTargets = await engineError { try await test.engine.deleteRule(name: "r", force: false) }
        #expect(hasTargets as? RuleError == .hasTargets)
        try await test.engine.deleteRule(name: "r", force: true)
        let gone = await engineError { _ = try await test.engine.describeRule(name: "r") }
        #expect(gone as? RuleError == .doesNotExist(name: "r"))
    }

    @Test(arguments: [
        (["Input": "{}", "InputPath": "$.detail"], "Only one of Input, InputPath"),
        (["Input": "not json"], "Input must be a string holding valid JSON"),
        (["Input": ["a": 1]], "Input must be a string holding valid JSON"),
        (["InputPath": "detail"], "InputPath must be a valid JSONPath"),
        (["InputTransformer": ["InputTemplate": "x"]], "InputTransformer is not supported"),
    ] as [([String: JSONValue], String)])
    func targetInputIsValidatedAtPutTargets(extra: [String: JSONValue], message: String) async throws {
        let test = try TestEngine()
        _ = try await test.engine.putRule(name: "r", eventPattern: Self.pattern.text, state: nil, description: nil)
        var target: [String: JSONValue] = ["Id": "t", "Arn": .string(LocalARN.stateMachine("x"))]
        for (key, value) in extra { target[key] = value }
        let result = try await test.engine.putTargets(rule: "r", targets: [.object(target)])
        #expect(result.count == 1)
        let reported = result.first?.reason ?? ""
        #expect(reported.contains(message), "\(reported)")
    }
}
