import EventPatterns
import Foundation
import JSON
import StepAPI
import StepEngine
import Testing

/// Rules, targets, PutEvents and the spool ingest path.
@Suite struct EventTests {
    static let echo: JSONValue = ["StartAt": "Echo", "States": ["Echo": ["Type": "Pass", "End": true]]]

    static func engineWithRule(pattern: JSONValue, target: JSONValue = [:]) async throws -> TestEngine {
        let test = try TestEngine()
        try await test.machine("target", echo.text)
        let rule = try await test.engine.putRule(name: "r1", eventPattern: pattern.text, state: nil, description: "test rule")
        #expect(rule["RuleArn"] == "arn:aws:events:local:000000000000:rule/r1")
        var targetJSON = target.objectValue ?? [:]
        targetJSON["Id"] = "t1"
        targetJSON["Arn"] = .string("arn:aws:states:us-east-1:123456789012:stateMachine:target")
        let put = try await test.engine.putTargets(rule: "r1", targets: [.object(targetJSON)])
        #expect(put["FailedEntryCount"] == 0)
        return test
    }

    static func executions(_ test: TestEngine, of machine: String = "target") async throws -> [String] {
        await test.engine.waitUntilIdle()
        let list = try await test.engine.listExecutions(stateMachine: machine, statusFilter: nil, maxResults: nil, nextToken: nil)
        return list["executions"]?.arrayValue?.compactMap { $0["executionArn"]?.stringValue } ?? []
    }

    static let pattern: JSONValue = ["source": ["my.app"], "detail-type": ["Job Finished"]]

    @Test func matchingPutEventsStartsTheTargetWithTheWholeEvent() async throws {
        let test = try await Self.engineWithRule(pattern: Self.pattern)
        let answer = try await test.engine.putEvents(entries: [
            ["Source": "my.app", "DetailType": "Job Finished", "Detail": #"{"status": "ok", "n": 3}"#, "Resources": ["res-1"]],
        ])
        #expect(answer["FailedEntryCount"] == 0)
        let eventId = try #require(answer["Entries"]?[0]?["EventId"]?.stringValue)
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
        #expect(answer["FailedEntryCount"] == 0)
        #expect(answer["Entries"]?.arrayValue?.count == 2)
        #expect(try await Self.executions(test).isEmpty)
    }

    @Test func malformedPutEventsEntriesFailOnTheirOwn() async throws {
        let test = try await Self.engineWithRule(pattern: Self.pattern)
        let answer = try await test.engine.putEvents(entries: [
            ["Source": "my.app", "DetailType": "Job Finished", "Detail": "[1]"],
            ["Source": "my.app", "DetailType": "Job Finished", "Detail": "{}"],
        ])
        #expect(answer["FailedEntryCount"] == 1)
        #expect(answer["Entries"]?[0]?["ErrorCode"] != nil)
        #expect(answer["Entries"]?[1]?["EventId"] != nil)
        #expect(try await Self.executions(test).count == 1)
        let none = await apiError { _ = try await test.engine.putEvents(entries: []) }
        #expect(none?.type == "ValidationException")
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
        #expect(outcome["MatchedRules"]?.arrayValue?.count == 1)
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
        #expect(first["Duplicate"] == false)
        #expect(first["EventId"] == "6a7e8feb-b491-4cf7-a9f1-bf3703467718")
        #expect(first["MatchedRules"] == ["r1"])
        let second = try await test.engine.ingestSpoolEvent(event.jsonData, fileName: "event.json")
        #expect(second["Duplicate"] == true)
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
        #expect(first["Duplicate"] == false)
        #expect(again["Duplicate"] == true)
        #expect(again["EventId"] == first["EventId"])
        #expect(other["Duplicate"] == false)
        #expect(other["EventId"] != first["EventId"])
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
        let badPattern = await apiError { _ = try await test.engine.putRule(name: "r", eventPattern: #"{"source": "not-an-array"}"#, state: nil, description: nil) }
        #expect(badPattern?.type == "InvalidEventPatternException")
        let noRule = await apiError { _ = try await test.engine.putTargets(rule: "missing", targets: [["Id": "1", "Arn": .string(LocalARN.stateMachine("x"))]]) }
        #expect(noRule?.type == "ResourceNotFoundException")
        _ = try await test.engine.putRule(name: "r", eventPattern: Self.pattern.text, state: nil, description: nil)
        let partly = try await test.engine.putTargets(rule: "r", targets: [
            ["Id": "lambda", "Arn": "arn:aws:lambda:us-east-1:1:function:f"],
            ["Id": "ok", "Arn": .string(LocalARN.stateMachine("x"))],
        ])
        #expect(partly["FailedEntryCount"] == 1)
        #expect(partly["FailedEntries"]?[0]?["TargetId"] == "lambda")
        let hasTargets = await apiError { try await test.engine.deleteRule(name: "r", force: false) }
        #expect(hasTargets?.type == "ValidationException")
        try await test.engine.deleteRule(name: "r", force: true)
        let gone = await apiError { _ = try await test.engine.describeRule(name: "r") }
        #expect(gone?.type == "ResourceNotFoundException")
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
        #expect(result["FailedEntryCount"] == 1)
        let reported = result["FailedEntries"]?[0]?["ErrorMessage"]?.stringValue ?? ""
        #expect(reported.contains(message), "\(reported)")
    }
}
