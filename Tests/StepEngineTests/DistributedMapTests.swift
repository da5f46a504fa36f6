import Foundation
import JSON
import StepEngine
import TestSupport
import Testing

/// Map states in DISTRIBUTED mode: a map run whose items each run as a child execution,
/// with MaxConcurrency, tolerated failures, ItemBatcher, ItemReader and ResultWriter over the
/// buckets folder, stop and restart. The expected behaviour is AWS's (state-map-distributed,
/// input-output-itemreader, input-output-resultwriter, concepts-examine-map-run).
@Suite struct DistributedMapTests {
    static func map(
        processor: JSONValue, extra: [String: JSONValue] = [:], executionType: String = "STANDARD"
    ) -> JSONValue {
        var itemProcessor = processor.objectValue ?? [:]
        itemProcessor["ProcessorConfig"] = ["Mode": "DISTRIBUTED", "ExecutionType": .string(executionType)]
        var state: [String: JSONValue] = ["Type": "Map", "ItemProcessor": .object(itemProcessor), "End": true]
        for (field, value) in extra { state[field] = value }
        return ["StartAt": "Each", "States": ["Each": .object(state)]]
    }

    static let doubling: JSONValue = [
        "StartAt": "Double", "States": ["Double": ["Type": "Pass", "Parameters": ["n.$": "States.MathAdd($.n, $.n)"], "End": true]],
    ]

    /// A child that parks on a token stored under its item's `id` in the table `Tokens`.
    static let parking: JSONValue = MapTests.parking

    /// A child that fails with `Item.Bad` on the item `{"id": "bad"}` and returns others.
    static let failingOnBad: JSONValue = [
        "StartAt": "Which",
        "States": [
            "Which": ["Type": "Choice", "Choices": [["Variable": "$.id", "StringEquals": "bad", "Next": "Boom"]], "Default": "Fine"],
            "Boom": ["Type": "Fail", "Error": "Item.Bad", "Cause": "the bad one"],
            "Fine": ["Type": "Pass", "End": true],
        ],
    ]

    /// A child that fails with `Item.Bad` where `condition` holds, until it is redriven.
    static func failingUntilRedriven(_ condition: JSONValue) -> JSONValue {
        [
            "StartAt": "Which",
            "States": [
                "Which": [
                    "Type": "Choice",
                    "Choices": [
                        ["And": [condition, ["Variable": "$$.Execution.RedriveCount", "NumericEquals": 0]], "Next": "Boom"],
                    ],
                    "Default": "Fine",
                ],
                "Boom": ["Type": "Fail", "Error": "Item.Bad", "Cause": "the bad one"],
                "Fine": ["Type": "Pass", "End": true],
            ],
        ]
    }

    static func ids(_ ids: [String]) -> JSONValue { ["items": .array(ids.map { ["id": .string($0)] })] }

    func mapRunArn(_ test: TestEngine, of execution: String) async throws -> String {
        let events = try await test.history(execution)
        return try #require(events.events("MapRunStarted").first?["mapRunStartedEventDetails"]?["mapRunArn"]?.stringValue)
    }

    @Test func eachItemRunsAsAChildAndTheResultIsTheirOutputsInOrder() async throws {
        let test = try TestEngine()
        try await test.machine("each", Self.map(processor: Self.doubling, extra: ["ItemsPath": "$.list", "Label": "Doubler"]).text)
        let execution = try await test.run("each", input: ["list": [["n": 1], ["n": 2], ["n": 3]]])
        #expect(execution.status == "SUCCEEDED")
        #expect(execution.output == [["n": 2], ["n": 4], ["n": 6]])
        let events = try await test.history(execution.arn)
        #expect(events.types == [
            "ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunSucceeded", "MapStateSucceeded",
            "MapStateExited", "ExecutionSucceeded",
        ])
        #expect(events[2]["mapStateStartedEventDetails"] == ["length": 3])
        let runArn = try await mapRunArn(test, of: execution.arn)
        #expect(runArn.hasPrefix("arn:aws:states:local:000000000000:mapRun:each/Doubler:"))

        let children = try await test.engine.listExecutions(mapRun: runArn, statusFilter: nil, maxResults: nil, nextToken: nil)
        #expect(children.items.count == 3)
        #expect(children.items.allSatisfy { $0.status == .succeeded && $0.mapRunArn == runArn && $0.itemCount == 1 })
        #expect(children.items.allSatisfy { $0.stateMachineArn == "arn:aws:states:local:000000000000:stateMachine:each/Doubler" })
        #expect(children.items.allSatisfy { $0.arn.hasPrefix("arn:aws:states:local:000000000000:execution:each/Doubler:") })
        let child = try await test.engine.describeExecution(arn: try #require(children.items.first?.arn))
        #expect(child.mapRunArn == runArn)
        let childMachine = try await test.engine.describeStateMachine(forExecution: child.arn)
        #expect(childMachine.arn == "arn:aws:states:local:000000000000:stateMachine:each/Doubler")
        #expect(childMachine.mapRunArn == runArn)
        #expect(childMachine.label == "Doubler")
        #expect(try JSONValue(parsing: childMachine.definition)["StartAt"] == "Double")
        let labelled = try await test.engine.describeStateMachine(reference: "arn:aws:states:us-east-1:123456789012:stateMachine:each/Doubler")
        #expect(labelled.arn == "arn:aws:states:local:000000000000:stateMachine:each/Doubler")
        #expect(labelled.label == "Doubler")
        #expect(try JSONValue(parsing: labelled.definition)["StartAt"] == "Double")
        let unknown = await engineError { _ = try await test.engine.describeStateMachine(reference: "arn:aws:states:local:000000000000:stateMachine:each/Nope") }
        #expect(unknown is StateMachineError)
        #expect(try await test.history(child.arn).types == [
            "ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded",
        ])
        // The children are listed by their run only.
        let listed = try await test.engine.listExecutions(stateMachine: "each", statusFilter: nil, maxResults: nil, nextToken: nil)
        #expect(listed.items.map(\.arn) == [execution.arn])

        let run = try await test.engine.describeMapRun(arn: runArn)
        #expect(run.status == "SUCCEEDED")
        #expect(run.executionArn == execution.arn)
        #expect(run.maxConcurrency == 0)
        #expect(run.itemCounts == MapRunDescription.Counts(succeeded: 3, total: 3, resultsWritten: 3))
        #expect(run.executionCounts == run.itemCounts)
        let runs = try await test.engine.listMapRuns(executionArn: execution.arn, maxResults: nil, nextToken: nil)
        #expect(runs.items.map(\.arn) == [runArn])
        #expect(runs.items.first?.stateMachineArn == "arn:aws:states:local:000000000000:stateMachine:each/Doubler")
    }

    @Test func anExpressMachineHasNoDistributedMapAndAnExpressChildNoCallback() async throws {
        let test = try TestEngine()
        let inExpress = await engineError {
            _ = try await test.engine.createStateMachine(name: "fast", definition: Self.map(processor: Self.doubling).text, roleArn: nil, type: "EXPRESS")
        }
        #expect("\(inExpress ?? StateMachineError.typeNotSupported)".contains("does not support a Map state in DISTRIBUTED mode"))
        let callbackChild = await engineError {
            _ = try await test.engine.createStateMachine(
                name: "each", definition: Self.map(processor: Self.parking, executionType: "EXPRESS").text, roleArn: nil, type: nil)
        }
        #expect("\(callbackChild ?? StateMachineError.typeNotSupported)".contains("Express state machine does not support '.waitForTaskToken'"))
        // The same child as STANDARD is fine.
        try await test.machine("each", Self.map(processor: Self.parking).text)
    }

    @Test func anEmptyArrayGivesAnEmptyResultAndAFinishedRun() async throws {
        let test = try TestEngine()
        try await test.machine("each", Self.map(processor: Self.doubling).text)
        let execution = try await test.run("each", input: [])
        #expect(execution.output == [])
        #expect(try await test.history(execution.arn).types == [
            "ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunSucceeded", "MapStateSucceeded",
            "MapStateExited", "ExecutionSucceeded",
        ])
    }

    @Test func maxConcurrencyStartsTheNextChildOnlyWhenOneEnds() async throws {
        let test = try TestEngine()
        try await test.createTable("Tokens")
        try await test.machine("each", Self.map(processor: Self.parking, extra: ["ItemsPath": "$.items", "MaxConcurrency": 1]).text)
        let arn = try await test.start("each", input: Self.ids(["a", "b", "c"]))
        for (id, answer) in [("a", "1"), ("b", "2"), ("c", "3")] {
            await test.engine.waitUntilIdle()
            let token = try #require(try await test.itemString("Tokens", id: id, attribute: "Token"), "no token for \(id)")
            for later in ["a", "b", "c"].drop(while: { $0 != id }).dropFirst() {
                #expect(try await test.itemString("Tokens", id: later, attribute: "Token") == nil, "\(later) started before \(id) ended")
            }
            if id == "a" {
                let run = try await test.engine.describeMapRun(arn: try await mapRunArn(test, of: arn))
                #expect(run.itemCounts == MapRunDescription.Counts(pending: 2, running: 1, total: 3))
                #expect(run.status == "RUNNING")
                #expect(run.stopDate == nil)
            }
            try await test.engine.sendTask(token: token, answer: .success(output: answer))
        }
        let execution = try await test.finish(arn)
        #expect(execution.output == [1, 2, 3])
    }

    @Test func updateMapRunRaisesTheConcurrencyOfARunningRun() async throws {
        let test = try TestEngine()
        try await test.createTable("Tokens")
        try await test.machine("each", Self.map(processor: Self.parking, extra: ["ItemsPath": "$.items", "MaxConcurrency": 1]).text)
        let arn = try await test.start("each", input: Self.ids(["a", "b", "c"]))
        await test.engine.waitUntilIdle()
        #expect(try await test.itemString("Tokens", id: "b", attribute: "Token") == nil)
        let runArn = try await mapRunArn(test, of: arn)
        try await test.engine.updateMapRun(arn: runArn, maxConcurrency: 3, toleratedFailurePercentage: nil, toleratedFailureCount: nil)
        await test.engine.waitUntilIdle()
        for id in ["a", "b", "c"] {
            let token = try #require(try await test.itemString("Tokens", id: id, attribute: "Token"), "\(id) did not start")
            try await test.engine.sendTask(token: token, answer: .success(output: "\"\(id)\""))
        }
        #expect(try await test.finish(arn).output == ["a", "b", "c"])
        #expect(try await test.engine.describeMapRun(arn: runArn).maxConcurrency == 3)
        let late = await engineError {
            try await test.engine.updateMapRun(arn: runArn, maxConcurrency: 1, toleratedFailurePercentage: nil, toleratedFailureCount: nil)
        }
        #expect(late as? MapRunError == .completed(arn: runArn))
    }

    @Test func oneFailedChildFailsTheRunWhenNothingIsTolerated() async throws {
        let test = try TestEngine()
        try await test.machine("each", Self.map(processor: Self.failingOnBad, extra: ["ItemsPath": "$.items"]).text)
        let execution = try await test.run("each", input: Self.ids(["a", "bad", "c"]))
        #expect(execution.status == "FAILED")
        #expect(execution.error == "States.ExceedToleratedFailureThreshold")
        let events = try await test.history(execution.arn)
        #expect(events.types.suffix(4) == ["MapRunStarted", "MapRunFailed", "MapStateFailed", "ExecutionFailed"])
        #expect(events.events("MapRunFailed").first?["mapRunFailedEventDetails"]?["error"] == "States.ExceedToleratedFailureThreshold")
        let run = try await test.engine.describeMapRun(arn: try await mapRunArn(test, of: execution.arn))
        #expect(run.status == "FAILED")
        #expect(run.itemCounts.failed == 1)
    }

    /// (settings, items, succeeds): more failures than tolerated fail the run; as many do not.
    static let tolerances: [(JSONValue, [String], Bool)] = [
        (["ToleratedFailureCount": 1], ["a", "bad", "c"], true),
        (["ToleratedFailureCount": 1], ["bad", "a", "bad"], false),
        (["ToleratedFailurePercentage": 25], ["a", "bad", "c", "d"], true),
        (["ToleratedFailurePercentage": 20], ["a", "bad", "c", "d"], false),
        (["ToleratedFailureCountPath": "$.tolerate"], ["a", "bad", "c"], true),
        (["ToleratedFailureCount": 5, "ToleratedFailurePercentage": 10], ["a", "bad", "c"], false),
    ]

    @Test(arguments: tolerances)
    func failuresUpToTheToleranceLeaveTheRunSucceeded(settings: JSONValue, items: [String], succeeds: Bool) async throws {
        let test = try TestEngine()
        var extra = settings.objectValue ?? [:]
        extra["ItemsPath"] = "$.items"
        try await test.machine("each", Self.map(processor: Self.failingOnBad, extra: extra).text)
        var input = Self.ids(items).objectValue ?? [:]
        input["tolerate"] = 1
        let execution = try await test.run("each", input: .object(input))
        #expect(execution.status == (succeeds ? "SUCCEEDED" : "FAILED"))
        guard succeeds, case .array(let results)? = execution.output else { return }
        // A child that failed is its record in the result, with its error.
        let failed = results.filter { $0["Status"] == "FAILED" }
        #expect(failed.count == 1)
        #expect(failed.first?["Error"] == "Item.Bad")
        #expect(failed.first?["Cause"] == "the bad one")
        #expect(results.filter { $0["Status"] == nil }.count == items.count - 1)
    }

    @Test func itemBatcherGivesEachChildABatchWithTheBatchInput() async throws {
        let test = try TestEngine()
        let processor: JSONValue = ["StartAt": "Echo", "States": ["Echo": ["Type": "Pass", "End": true]]]
        let batcher: JSONValue = ["MaxItemsPerBatch": 2, "BatchInput": ["factor.$": "$.factor"]]
        try await test.machine("each", Self.map(processor: processor, extra: ["ItemsPath": "$.list", "ItemBatcher": batcher]).text)
        let execution = try await test.run("each", input: ["factor": 3, "list": [1, 2, 3, 4, 5]])
        #expect(execution.output == [
            ["BatchInput": ["factor": 3], "Items": [1, 2]], ["BatchInput": ["factor": 3], "Items": [3, 4]],
            ["BatchInput": ["factor": 3], "Items": [5]],
        ])
        let run = try await test.engine.describeMapRun(arn: try await mapRunArn(test, of: execution.arn))
        #expect(run.itemCounts.total == 5)
        #expect(run.executionCounts.total == 3)
        let children = try await test.engine.listExecutions(mapRun: run.arn, statusFilter: nil, maxResults: nil, nextToken: nil)
        #expect(children.items.compactMap(\.itemCount).sorted() == [1, 2, 2])
    }

    @Test func stoppingTheParentAbortsTheRunAndItsChildren() async throws {
        let test = try TestEngine()
        try await test.createTable("Tokens")
        try await test.machine("each", Self.map(processor: Self.parking, extra: ["ItemsPath": "$.items", "MaxConcurrency": 2]).text)
        let arn = try await test.start("each", input: Self.ids(["a", "b", "c"]))
        await test.engine.waitUntilIdle()
        let runArn = try await mapRunArn(test, of: arn)
        _ = try await test.engine.stopExecution(arn: arn, error: "Stop", cause: "enough")
        let events = try await test.history(arn)
        #expect(events.types.suffix(2) == ["MapRunAborted", "ExecutionAborted"])
        let run = try await test.engine.describeMapRun(arn: runArn)
        #expect(run.status == "ABORTED")
        #expect(run.itemCounts == MapRunDescription.Counts(pending: 1, aborted: 2, total: 3))
        let children = try await test.engine.listExecutions(mapRun: runArn, statusFilter: nil, maxResults: nil, nextToken: nil)
        #expect(children.items.map(\.status) == [.aborted, .aborted])
    }

    @Test func redrivingTheParentRunsAgainOnlyTheChildrenThatDidNotSucceed() async throws {
        let test = try TestEngine()
        let processor = Self.failingUntilRedriven(["Variable": "$.id", "StringEquals": "bad"])
        try await test.machine("each", Self.map(processor: processor, extra: ["ItemsPath": "$.items", "MaxConcurrency": 1]).text)
        let first = try await test.run("each", input: Self.ids(["a", "bad", "c"]))
        #expect(first.status == "FAILED")
        let runArn = try await mapRunArn(test, of: first.arn)
        let failedRun = try await test.engine.describeMapRun(arn: runArn)
        #expect(failedRun.itemCounts == MapRunDescription.Counts(pending: 1, succeeded: 1, failed: 1, total: 3))
        let children = try await test.engine.listExecutions(mapRun: runArn, statusFilter: "FAILED", maxResults: nil, nextToken: nil)
        let badChild = try #require(children.items.first)
        #expect(try await test.engine.describeExecution(arn: badChild.arn).redriveStatus?.status == "REDRIVABLE_BY_MAP_RUN")
        let direct = await engineError { _ = try await test.engine.redriveExecution(arn: badChild.arn, clientToken: nil) }
        #expect(direct is ExecutionError)

        _ = try await test.engine.redriveExecution(arn: first.arn, clientToken: nil)
        let second = try await test.finish(first.arn)
        #expect(second.status == "SUCCEEDED")
        #expect(second.output == [["id": "a"], ["id": "bad"], ["id": "c"]])
        let events = try await test.history(first.arn)
        #expect(events.types.suffix(7) == [
            "ExecutionFailed", "ExecutionRedriven", "MapRunRedriven", "MapRunSucceeded", "MapStateSucceeded", "MapStateExited",
            "ExecutionSucceeded",
        ])
        #expect(events.events("MapRunRedriven").first?["mapRunRedrivenEventDetails"] == ["mapRunArn": .string(runArn), "redriveCount": 1])
        let run = try await test.engine.describeMapRun(arn: runArn)
        #expect(run.redriveCount == 1)
        #expect(run.itemCounts == MapRunDescription.Counts(succeeded: 3, total: 3, resultsWritten: 3))
        // The same three children: the failed one was redriven, not started anew.
        let all = try await test.engine.listExecutions(mapRun: runArn, statusFilter: nil, maxResults: nil, nextToken: nil)
        #expect(all.items.count == 3)
        #expect(try await test.engine.describeExecution(arn: badChild.arn).redriveCount == 1)
    }

    @Test func aRedriveRunsTheFailedChildrenNoMoreAtOnceThanTheConcurrency() async throws {
        let test = try TestEngine()
        let processor = Self.failingUntilRedriven(["Variable": "$.bad", "BooleanEquals": true])
        try await test.machine(
            "each", Self.map(processor: processor, extra: ["ItemsPath": "$.items", "MaxConcurrency": 1, "ToleratedFailureCount": 1]).text)
        let items: JSONValue = [["n": 1, "bad": true], ["n": 2, "bad": false], ["n": 3, "bad": true], ["n": 4, "bad": false]]
        let first = try await test.run("each", input: ["items": items])
        #expect(first.status == "FAILED")
        let runArn = try await mapRunArn(test, of: first.arn)
        #expect(try await test.engine.describeMapRun(arn: runArn).executionCounts == MapRunDescription.Counts(pending: 1, succeeded: 1, failed: 2, total: 4))
        _ = try await test.engine.redriveExecution(arn: first.arn, clientToken: nil)
        let second = try await test.finish(first.arn)
        #expect(second.status == "SUCCEEDED", "\(second.cause ?? "")")
        #expect(second.output == items)
        let run = try await test.engine.describeMapRun(arn: runArn)
        #expect(run.executionCounts == MapRunDescription.Counts(succeeded: 4, total: 4, resultsWritten: 4))
        let children = try await test.engine.listExecutions(mapRun: runArn, statusFilter: nil, maxResults: nil, nextToken: nil)
        #expect(children.items.count == 4)
        #expect(children.items.map(\.redriveCount).sorted() == [0, 0, 1, 1])
    }

    @Test func aRestartInTheMiddleRunsNoChildTwice() async throws {
        let clock = ManualClock()
        let first = try TestEngine(clock: clock)
        try await first.createTable("Tokens")
        try await first.machine("each", Self.map(processor: Self.parking, extra: ["ItemsPath": "$.items", "MaxConcurrency": 2]).text)
        let arn = try await first.start("each", input: Self.ids(["a", "b", "c"]))
        await first.engine.waitUntilIdle()
        let tokenA = try #require(try await first.itemString("Tokens", id: "a", attribute: "Token"))

        // Another engine on the same file: what the first left is all it has.
        let restarted = try TestEngine.open(path: first.path, clock: clock)
        _ = try await restarted.recover()
        try await restarted.sendTask(token: tokenA, answer: .success(output: #""a""#))
        for id in ["b", "c"] {
            await restarted.waitUntilIdle()
            let item = try await restarted.getItem(try TableItemRequest(["TableName": "Tokens", "Key": ["Id": ["S": .string(id)]]], member: "Key"))
            let token = try #require(item?["Token"]?["S"]?.stringValue, "\(id) did not start")
            try await restarted.sendTask(token: token, answer: .success(output: "\"\(id)\""))
        }
        let description = try await restarted.waitForExecution(arn: arn)
        #expect(description.status == .succeeded)
        #expect(description.output.flatMap { try? JSONValue(parsing: $0) } == ["a", "b", "c"])
        let runArn = try #require(
            try await TestEngine.history(of: arn, in: restarted).events("MapRunStarted").first?["mapRunStartedEventDetails"]?["mapRunArn"]?
                .stringValue)
        let children = try await restarted.listExecutions(mapRun: runArn, statusFilter: nil, maxResults: nil, nextToken: nil)
        #expect(children.items.count == 3)
        #expect(children.items.allSatisfy { $0.status == .succeeded })
    }

    // MARK: ItemReader and ResultWriter

    /// Writes `text` as object `key` of `bucket` in the test's buckets folder.
    func put(_ test: TestEngine, bucket: String, key: String, _ text: String) throws {
        let path = test.bucketsRoot + "/" + bucket + "/" + key
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static let echo: JSONValue = ["StartAt": "Echo", "States": ["Echo": ["Type": "Pass", "End": true]]]

    static func reader(_ resource: String, _ parameters: JSONValue, config: JSONValue? = nil) -> JSONValue {
        var reader: [String: JSONValue] = ["Resource": .string("arn:aws:states:::s3:\(resource)"), "Parameters": parameters]
        if let config { reader["ReaderConfig"] = config }
        return .object(reader)
    }

    static let files: [(String, String, JSONValue)] = [
        ("JSONL", "{\"n\":1}\n{\"n\":2}\n", [["n": 1], ["n": 2]]),
        ("JSON", "[{\"n\":1},{\"n\":2}]", [["n": 1], ["n": 2]]),
        ("CSV", "name,size\nada,3\nbob,4\n", [["name": "ada", "size": "3"], ["name": "bob", "size": "4"]]),
    ]

    @Test(arguments: files)
    func itemReaderReadsAnObjectOfTheBucketsFolder(inputType: String, text: String, expected: JSONValue) async throws {
        let test = try TestEngine()
        try put(test, bucket: "data", key: "in/items.txt", text)
        var config: [String: JSONValue] = ["InputType": .string(inputType)]
        if inputType == "CSV" { config["CSVHeaderLocation"] = "FIRST_ROW" }
        let reader = Self.reader("getObject", ["Bucket": "data", "Key.$": "$.key"], config: .object(config))
        try await test.machine("each", Self.map(processor: Self.echo, extra: ["ItemReader": reader]).text)
        let execution = try await test.run("each", input: ["key": "in/items.txt"])
        #expect(execution.status == "SUCCEEDED", "\(execution.error ?? ""): \(execution.cause ?? "")")
        #expect(execution.output == expected)
        // AWS gives no length when the items come from a reader.
        #expect(try await test.history(execution.arn)[2]["mapStateStartedEventDetails"] == ["length": 0])
    }

    @Test func itemReaderListsTheObjectsUnderAPrefixInKeyOrder() async throws {
        let test = try TestEngine()
        try put(test, bucket: "photos", key: "2026/b.jpg", "bb")
        try put(test, bucket: "photos", key: "2026/a.jpg", "a")
        try put(test, bucket: "photos", key: "2025/old.jpg", "old")
        let reader = Self.reader("listObjectsV2", ["Bucket": "photos", "Prefix": "2026/"])
        let selector: JSONValue = ["key.$": "$$.Map.Item.Value.Key", "size.$": "$$.Map.Item.Value.Size", "etag.$": "$$.Map.Item.Value.Etag"]
        try await test.machine("each", Self.map(processor: Self.echo, extra: ["ItemReader": reader, "ItemSelector": selector]).text)
        let execution = try await test.run("each")
        #expect(execution.output == [
            ["key": "2026/a.jpg", "size": 1, "etag": "\"0cc175b9c0f1b6a831c399e269772661\""],
            ["key": "2026/b.jpg", "size": 2, "etag": "\"21ad0bd836b90d08f4cf640b4c298e7c\""],
        ])
    }

    static let unreadable: [(JSONValue, String)] = [
        (["Bucket": "data", "Key": "missing.json"], "missing.json"),
        (["Bucket": "data", "Key": "../outside.json"], "is not a key"),
        (["Bucket": "../etc", "Key": "passwd"], "is not a bucket name"),
        (["Bucket": "nothere", "Key": "a.json"], "does not exist"),
        (["Bucket": "data", "Key": "bad.json"], "non-iterable"),
    ]

    @Test(arguments: unreadable)
    func aReaderThatCannotReadFailsTheRunWithItemReaderFailed(parameters: JSONValue, causeFragment: String) async throws {
        let test = try TestEngine()
        try put(test, bucket: "data", key: "bad.json", "{}")
        try "secret".write(toFile: test.bucketsRoot + "/outside.json", atomically: true, encoding: .utf8)
        let reader = Self.reader("getObject", parameters, config: ["InputType": "JSON"])
        try await test.machine("each", Self.map(processor: Self.echo, extra: ["ItemReader": reader]).text)
        let execution = try await test.run("each")
        #expect(execution.status == "FAILED")
        #expect(execution.error == "States.ItemReaderFailed")
        #expect(execution.cause?.contains(causeFragment) == true, "\(execution.cause ?? "")")
        let events = try await test.history(execution.arn)
        #expect(events.types.suffix(4) == ["MapRunStarted", "MapRunFailed", "MapStateFailed", "ExecutionFailed"])
    }

    @Test func anObjectOfMoreItemsThanARunTakesFailsTheRunUnlessMaxItemsReadsFewer() async throws {
        let test = try TestEngine()
        try put(test, bucket: "data", key: "many.jsonl", String(repeating: "1\n", count: 1_000_001))
        let reader = Self.reader("getObject", ["Bucket": "data", "Key": "many.jsonl"], config: ["InputType": "JSONL"])
        try await test.machine("each", Self.map(processor: Self.echo, extra: ["ItemReader": reader]).text)
        let execution = try await test.run("each")
        #expect(execution.error == "States.ItemReaderFailed")
        #expect(execution.cause?.contains("more than 1000000 items") == true, "\(execution.cause ?? "")")
        let fewer = Self.reader("getObject", ["Bucket": "data", "Key": "many.jsonl"], config: ["InputType": "JSONL", "MaxItems": 3])
        try await test.machine("three", Self.map(processor: Self.echo, extra: ["ItemReader": fewer]).text)
        #expect(try await test.run("three").output == [1, 1, 1])
    }

    @Test func childInputsTooLargeTogetherFailTheRunBeforeTheyAreBuilt() async throws {
        let test = try TestEngine()
        // 600 items, each made 250 KB by its ItemSelector: 150 MB together.
        let pad = String(repeating: "p", count: 250_000)
        try await test.machine("each", Self.map(processor: Self.echo, extra: ["ItemsPath": "$.ids", "ItemSelector": ["p.$": "$.pad"]]).text)
        let execution = try await test.run("each", input: ["pad": .string(pad), "ids": .array((0..<600).map { .number(Double($0)) })])
        #expect(execution.error == "States.DataLimitExceeded")
        #expect(execution.cause?.contains("more than 134217728 bytes together") == true, "\(execution.cause ?? "")")
    }

    @Test func aSymbolicLinkOutOfTheBucketIsNotFollowed() async throws {
        let test = try TestEngine()
        try put(test, bucket: "data", key: "real/items.json", "[1]")
        let outside = try ScratchFolder.make("stepd-outside")
        try "[2]".write(toFile: outside + "/items.json", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: test.bucketsRoot + "/data/linked", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: test.bucketsRoot + "/data/file.json", withDestinationPath: outside + "/items.json")
        for (index, key) in ["linked/items.json", "file.json"].enumerated() {
            let reader = Self.reader("getObject", ["Bucket": "data", "Key": .string(key)], config: ["InputType": "JSON"])
            try await test.machine("each\(index)", Self.map(processor: Self.echo, extra: ["ItemReader": reader]).text)
            let execution = try await test.run("each\(index)")
            #expect(execution.error == "States.ItemReaderFailed", "\(key) was read: \(execution.output ?? .null)")
        }
    }

    @Test(arguments: [("JSON", false), ("JSONL", true)])
    func resultWriterWritesTheResultsAndTheManifest(outputType: String, lines: Bool) async throws {
        let test = try TestEngine()
        try FileManager.default.createDirectory(atPath: test.bucketsRoot + "/results", withIntermediateDirectories: true)
        let writer: JSONValue = [
            "Resource": "arn:aws:states:::s3:putObject", "Parameters": ["Bucket": "results", "Prefix": "runs"],
            "WriterConfig": ["OutputType": .string(outputType)],
        ]
        try await test.machine(
            "each", Self.map(processor: Self.failingOnBad, extra: ["ItemsPath": "$.items", "ResultWriter": writer, "ToleratedFailureCount": 1]).text)
        let execution = try await test.run("each", input: Self.ids(["a", "bad"]))
        #expect(execution.status == "SUCCEEDED", "\(execution.cause ?? "")")
        let runArn = try await mapRunArn(test, of: execution.arn)
        let runId = try #require(runArn.split(separator: ":").last.map(String.init))
        #expect(execution.output == ["MapRunArn": .string(runArn), "ResultWriterDetails": ["Bucket": "results", "Key": .string("runs/\(runId)/manifest.json")]])

        let folder = test.bucketsRoot + "/results/runs/" + runId
        let manifest = try JSONValue(parsing: try String(contentsOfFile: folder + "/manifest.json", encoding: .utf8))
        let succeededText = try String(contentsOfFile: folder + "/SUCCEEDED_0.json", encoding: .utf8)
        let failedText = try String(contentsOfFile: folder + "/FAILED_0.json", encoding: .utf8)
        #expect(manifest["DestinationBucket"] == "results")
        #expect(manifest["MapRunArn"] == .string(runArn))
        #expect(manifest["ResultFiles"]?["SUCCEEDED"] == [["Key": .string("runs/\(runId)/SUCCEEDED_0.json"), "Size": .number(Double(succeededText.utf8.count))]])
        #expect(manifest["ResultFiles"]?["FAILED"]?.arrayValue?.count == 1)
        #expect(manifest["ResultFiles"]?["PENDING"] == [])
        func records(_ text: String) throws -> [JSONValue] {
            lines ? try text.split(separator: "\n").map { try JSONValue(parsing: String($0)) } : try JSONValue(parsing: text).arrayValue ?? []
        }
        let succeeded = try records(succeededText)
        let failed = try records(failedText)
        #expect(succeeded.count == 1)
        #expect(succeeded.first?["Status"] == "SUCCEEDED")
        #expect(succeeded.first?["Input"] == #"{"id":"a"}"#)
        #expect(succeeded.first?["Output"] == #"{"id":"a"}"#)
        #expect(succeeded.first?["StateMachineArn"]?.stringValue?.hasSuffix(":stateMachine:each/" + (runArn.split(separator: "/").last?.split(separator: ":").first.map(String.init) ?? "")) == true)
        #expect(failed.first?["Status"] == "FAILED")
        #expect(failed.first?["Error"] == "Item.Bad")
        #expect(!FileManager.default.fileExists(atPath: folder + "/SUCCEEDED_0.json.stepd-partial"))
    }

    @Test func resultsOfMoreChildrenThanACommitWritesAreWrittenOverSeveralInOrder() async throws {
        let test = try TestEngine()
        try FileManager.default.createDirectory(atPath: test.bucketsRoot + "/results", withIntermediateDirectories: true)
        let count = 4_500
        try put(test, bucket: "data", key: "n.jsonl", (0..<count).map(String.init).joined(separator: "\n"))
        let reader = Self.reader("getObject", ["Bucket": "data", "Key": "n.jsonl"], config: ["InputType": "JSONL"])
        let writer: JSONValue = [
            "Resource": "arn:aws:states:::s3:putObject", "Parameters": ["Bucket": "results", "Prefix": "big"],
            "WriterConfig": ["OutputType": "JSONL", "Transformation": "COMPACT"],
        ]
        try await test.machine("each", Self.map(processor: Self.echo, extra: ["ItemReader": reader, "ResultWriter": writer]).text)
        let execution = try await test.run("each")
        #expect(execution.status == "SUCCEEDED", "\(execution.cause ?? "")")
        let key = try #require(execution.output?["ResultWriterDetails"]?["Key"]?.stringValue)
        let folder = test.bucketsRoot + "/results/"
        let manifest = try JSONValue(parsing: try String(contentsOfFile: folder + key, encoding: .utf8))
        let file = try #require(manifest["ResultFiles"]?["SUCCEEDED"]?.arrayValue?.first)
        let text = try String(contentsOfFile: folder + (file["Key"]?.stringValue ?? ""), encoding: .utf8)
        #expect(file["Size"] == .number(Double(text.utf8.count)))
        #expect(text.split(separator: "\n").map(String.init) == (0..<count).map(String.init))
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: folder).filter { $0.hasSuffix(".stepd-partial") }
        #expect(leftovers.isEmpty)
    }

    @Test func aResultOverThePayloadLimitFailsTheStateWithDataLimitExceeded() async throws {
        let test = try TestEngine()
        // Three items of 100,000 bytes: read from a file, since an input that big is refused.
        let line = JSONValue.string(String(repeating: "x", count: 100_000)).serialized()
        try put(test, bucket: "data", key: "big.jsonl", [line, line, line].joined(separator: "\n"))
        let reader = Self.reader("getObject", ["Bucket": "data", "Key": "big.jsonl"], config: ["InputType": "JSONL"])
        try await test.machine("each", Self.map(processor: Self.echo, extra: ["ItemReader": reader]).text)
        let execution = try await test.run("each")
        #expect(execution.status == "FAILED")
        #expect(execution.error == "States.DataLimitExceeded")
    }
}
