import Foundation
import JSON
import StepEngine
import TestSupport
import Testing

/// Map states in INLINE mode: one iteration per item, the result in item order, ItemSelector
/// with `$$.Map.Item`, MaxConcurrency, a failing iteration stopping the others, Retry and
/// Catch, across a restart. The expected behaviour is AWS's (state-map-inline.html).
@Suite struct MapTests {
    static func map(
        processor: JSONValue, extra: [String: JSONValue] = [:], legacy: Bool = false, next: String? = nil
    ) -> JSONValue {
        var state: [String: JSONValue] = ["Type": "Map", legacy ? "Iterator" : "ItemProcessor": processor]
        if let next { state["Next"] = .string(next) } else { state["End"] = true }
        for (field, value) in extra { state[field] = value }
        return ["StartAt": "Each", "States": ["Each": .object(state)]]
    }

    static let doubling: JSONValue = [
        "StartAt": "Double", "States": ["Double": ["Type": "Pass", "Parameters": ["n.$": "States.MathAdd($.n, $.n)"], "End": true]],
    ]

    /// An iteration that parks on a token stored under its item's `id` in the table `Tokens`.
    static let parking: JSONValue = [
        "StartAt": "Park",
        "States": [
            "Park": [
                "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem.waitForTaskToken",
                "Parameters": ["TableName": "Tokens", "Item": ["Id": ["S.$": "$.id"], "Token": ["S.$": "$$.Task.Token"]]],
                "End": true,
            ],
        ],
    ]

    static func items(_ ids: [String]) -> JSONValue { ["items": .array(ids.map { ["id": .string($0)] })] }

    @Test(arguments: [false, true])
    func resultIsTheIterationOutputsInItemOrder(legacy: Bool) async throws {
        let test = try TestEngine()
        try await test.machine("each", Self.map(processor: Self.doubling, extra: ["ItemsPath": "$.list"], legacy: legacy).text)
        let execution = try await test.run("each", input: ["list": [["n": 1], ["n": 2], ["n": 3]]])
        #expect(execution.status == "SUCCEEDED")
        #expect(execution.output == [["n": 2], ["n": 4], ["n": 6]])
        let events = try await test.history(execution.arn)
        #expect(events.types == [
            "ExecutionStarted", "MapStateEntered", "MapStateStarted",
            "MapIterationStarted", "MapIterationStarted", "MapIterationStarted",
            "PassStateEntered", "PassStateExited", "MapIterationSucceeded",
            "PassStateEntered", "PassStateExited", "MapIterationSucceeded",
            "PassStateEntered", "PassStateExited", "MapIterationSucceeded",
            "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded",
        ])
        #expect(events[2]["mapStateStartedEventDetails"] == ["length": 3])
        #expect(events[4]["mapIterationStartedEventDetails"] == ["name": "Each", "index": 1])
        #expect(events.events("MapIterationSucceeded").last?["mapIterationSucceededEventDetails"] == ["name": "Each", "index": 2])
    }

    @Test(arguments: ["ItemSelector", "Parameters"])
    func itemSelectorReadsTheItemItsIndexAndTheInput(field: String) async throws {
        let test = try TestEngine()
        let processor: JSONValue = ["StartAt": "P", "States": ["P": ["Type": "Pass", "End": true]]]
        let selector: JSONValue = ["index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value", "courier.$": "$.courier"]
        try await test.machine("each", Self.map(processor: processor, extra: ["ItemsPath": "$.parcels", field: selector]).text)
        let execution = try await test.run("each", input: ["courier": "UQS", "parcels": ["a", "b"]])
        #expect(execution.output == [
            ["index": 0, "value": "a", "courier": "UQS"], ["index": 1, "value": "b", "courier": "UQS"],
        ])
    }

    @Test func anEmptyArrayGivesAnEmptyResult() async throws {
        let test = try TestEngine()
        try await test.machine("each", Self.map(processor: Self.doubling).text)
        let execution = try await test.run("each", input: [])
        #expect(execution.output == [])
        let events = try await test.history(execution.arn)
        #expect(events.types == ["ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"])
        #expect(events[2]["mapStateStartedEventDetails"] == ["length": 0])
    }

    @Test func itemsThatAreNotAnArrayFailTheState() async throws {
        let test = try TestEngine()
        try await test.machine("each", Self.map(processor: Self.doubling, extra: ["ItemsPath": "$.list"]).text)
        let execution = try await test.run("each", input: ["list": ["not": "an array"]])
        #expect(execution.status == "FAILED")
        #expect(execution.error == "States.Runtime")
        #expect(execution.cause?.contains("'ItemsPath' ('$.list') must be a JSON array, not") == true, "\(execution.cause ?? "")")
    }

    @Test func maxConcurrencyStartsTheNextIterationWhenOneEnds() async throws {
        let test = try TestEngine()
        try await test.createTable("Tokens")
        try await test.machine("each", Self.map(processor: Self.parking, extra: ["ItemsPath": "$.items", "MaxConcurrency": 1]).text)
        let arn = try await test.start("each", input: Self.items(["a", "b", "c"]))
        for (id, answer) in [("a", "1"), ("b", "2"), ("c", "3")] {
            await test.engine.waitUntilIdle()
            let token = try #require(try await test.itemString("Tokens", id: id, attribute: "Token"), "no token for \(id)")
            for later in ["a", "b", "c"].drop(while: { $0 != id }).dropFirst() {
                #expect(try await test.itemString("Tokens", id: later, attribute: "Token") == nil, "\(later) started before \(id) ended")
            }
            try await test.engine.sendTask(token: token, answer: .success(output: answer))
        }
        let execution = try await test.finish(arn)
        #expect(execution.output == [1, 2, 3])
    }

    @Test func maxConcurrencyPathIsReadFromTheInput() async throws {
        let test = try TestEngine()
        try await test.createTable("Tokens")
        try await test.machine(
            "each", Self.map(processor: Self.parking, extra: ["ItemsPath": "$.items", "MaxConcurrencyPath": "$.limit"]).text)
        var input = Self.items(["a", "b", "c"]).objectValue ?? [:]
        input["limit"] = 2
        let arn = try await test.start("each", input: .object(input))
        await test.engine.waitUntilIdle()
        #expect(try await test.itemString("Tokens", id: "b", attribute: "Token") != nil)
        #expect(try await test.itemString("Tokens", id: "c", attribute: "Token") == nil)
        _ = try await test.engine.stopExecution(arn: arn, error: nil, cause: nil)
    }

    @Test func aFailingIterationStopsTheOthersAndFailsTheState() async throws {
        let test = try TestEngine()
        try await test.createTable("Tokens")
        let processor: JSONValue = [
            "StartAt": "Which",
            "States": [
                "Which": ["Type": "Choice", "Choices": [["Variable": "$.id", "StringEquals": "bad", "Next": "Boom"]], "Default": "Park"],
                "Boom": ["Type": "Fail", "Error": "Item.Bad", "Cause": "the bad one"],
                "Park": Self.parking["States"]?["Park"] ?? .null,
            ],
        ]
        try await test.machine("each", Self.map(processor: processor, extra: ["ItemsPath": "$.items", "MaxConcurrency": 2]).text)
        let execution = try await test.run("each", input: Self.items(["a", "bad", "c"]))
        #expect(execution.status == "FAILED")
        #expect(execution.error == "Item.Bad")
        #expect(execution.cause == "the bad one")
        let events = try await test.history(execution.arn)
        #expect(events.types.suffix(6) == [
            "FailStateEntered", "MapIterationFailed", "TaskStateAborted", "MapIterationAborted", "MapStateFailed", "ExecutionFailed",
        ])
        #expect(events.events("MapIterationAborted").first?["mapIterationAbortedEventDetails"] == ["name": "Each", "index": 0])
        // The third item never started: MaxConcurrency 2 held it back.
        #expect(try await test.itemString("Tokens", id: "c", attribute: "Token") == nil)
        let token = try #require(try await test.itemString("Tokens", id: "a", attribute: "Token"))
        let late = await engineError { try await test.engine.sendTask(token: token, answer: .success(output: "{}")) }
        #expect(late as? TaskTokenError == .timedOut)
    }

    @Test func catchOnTheMapStateCatchesAnIterationError() async throws {
        let test = try TestEngine()
        let processor: JSONValue = ["StartAt": "Boom", "States": ["Boom": ["Type": "Fail", "Error": "Item.Bad", "Cause": "c"]]]
        var definition = Self.map(
            processor: processor,
            extra: ["ItemsPath": "$.items", "Catch": [["ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Handled"]]],
            next: "Unreached")
        var states = definition["States"]?.objectValue ?? [:]
        states["Handled"] = ["Type": "Pass", "OutputPath": "$.error", "End": true]
        states["Unreached"] = ["Type": "Fail"]
        definition = ["StartAt": "Each", "States": .object(states)]
        try await test.machine("each", definition.text)
        let execution = try await test.run("each", input: ["items": [1]])
        #expect(execution.status == "SUCCEEDED")
        #expect(execution.output == ["Error": "Item.Bad", "Cause": "c"])
    }

    @Test func queuedIterationsStartAfterARestart() async throws {
        let clock = ManualClock()
        let first = try TestEngine(clock: clock)
        try await first.createTable("Tokens")
        try await first.machine("each", Self.map(processor: Self.parking, extra: ["ItemsPath": "$.items", "MaxConcurrency": 1]).text)
        let arn = try await first.start("each", input: Self.items(["a", "b"]))
        await first.engine.waitUntilIdle()
        let tokenA = try #require(try await first.itemString("Tokens", id: "a", attribute: "Token"))

        let restarted = try TestEngine.open(path: first.path, clock: clock)
        _ = try await restarted.recover()
        try await restarted.sendTask(token: tokenA, answer: .success(output: #""a""#))
        await restarted.waitUntilIdle()
        let item = try await restarted.getItem(try TableItemRequest(["TableName": "Tokens", "Key": ["Id": ["S": "b"]]], member: "Key"))
        let tokenB = try #require(item?["Token"]?["S"]?.stringValue)
        try await restarted.sendTask(token: tokenB, answer: .success(output: #""b""#))
        let description = try await restarted.waitForExecution(arn: arn)
        #expect(description.status.rawValue == "SUCCEEDED")
        #expect(parsed(description.output) == ["a", "b"])
    }

    @Test func mapsAndParallelsNestInEachOther() async throws {
        let test = try TestEngine()
        let inner: JSONValue = [
            "StartAt": "Both",
            "States": [
                "Both": [
                    "Type": "Parallel", "End": true,
                    "Branches": [
                        ["StartAt": "Same", "States": ["Same": ["Type": "Pass", "End": true]]],
                        [
                            "StartAt": "Spread",
                            "States": [
                                "Spread": [
                                    "Type": "Map", "ItemsPath": "$.parts", "End": true,
                                    "ItemProcessor": ["StartAt": "Part", "States": ["Part": ["Type": "Pass", "Result": "p", "End": true]]],
                                ],
                            ],
                        ],
                    ],
                ],
            ],
        ]
        try await test.machine("each", Self.map(processor: inner).text)
        let execution = try await test.run("each", input: [["parts": [1, 2]], ["parts": []]])
        #expect(execution.status == "SUCCEEDED")
        #expect(execution.output == [[["parts": [1, 2]], ["p", "p"]], [["parts": []], []]])
    }

    /// An inline Map's iterations write into the execution's history, as on AWS: four events
    /// for an item with one Pass state, so 7,000 items pass the limit of 25,000 events, and the
    /// execution fails with the limit's error (not an internal one).
    @Test func tooManyIterationsForTheHistoryFailTheExecution() async throws {
        let test = try TestEngine()
        try await test.machine("each", Self.map(processor: Self.doubling).text)
        let items = (0..<7_000).map { JSONValue.object(["n": .number(Double($0))]) }
        let execution = try await test.run("each", input: .array(items))
        #expect(execution.status == "FAILED")
        #expect(execution.error == "States.Runtime")
        #expect(execution.cause == "The execution reached the limit of 25000 history events")
    }

    @Test func aThousandItemsRunToTheEnd() async throws {
        let test = try TestEngine()
        try await test.machine("each", Self.map(processor: Self.doubling).text)
        let items = (0..<1_000).map { JSONValue.object(["n": .number(Double($0))]) }
        let execution = try await test.run("each", input: .array(items))
        #expect(execution.status == "SUCCEEDED")
        #expect(execution.output?.arrayValue?.count == 1_000)
        #expect(execution.output?.arrayValue?.last == ["n": 1_998])
    }
}
