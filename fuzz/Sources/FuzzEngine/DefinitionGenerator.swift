import FuzzEngineSupport
import JSON

/// Builds a valid-looking state machine and its input from bytes, so that most of the
/// engine target's inputs run rather than stop at validation (the definition target covers
/// that). Each byte picks among a few choices; bytes run out as zeros.
///
/// The states go forward only (S0 → S1 → ...): loops come from `Retry`, whose attempts are few.
/// A Parallel state's branches and a Map state's item processor are graphs of their own, their
/// states named after it (S2b0_0, S2m_1, ...), two levels deep at most.
struct DefinitionGenerator {
    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    private mutating func byte() -> Int { Int(bytes.popFirst() ?? 0) }

    private mutating func pick<T>(_ choices: [T]) -> T { choices[byte() % choices.count] }

    private mutating func chance(_ inEight: Int) -> Bool { byte() % 8 < inEight }

    mutating func definitionAndInput() -> (definition: JSONValue, input: JSONValue) {
        var definition = graph(prefix: "S", depth: 0)
        if chance(1) { definition["TimeoutSeconds"] = .number(Double(1 + byte() % 100)) }
        return (.object(definition), pick(Self.documents))
    }

    /// `StartAt` and `States`: the top level, or a Parallel state's branch.
    private mutating func graph(prefix: String, depth: Int) -> [String: JSONValue] {
        let count = 1 + byte() % (depth == 0 ? 6 : 3)
        var states: [String: JSONValue] = [:]
        for index in 0..<count {
            states["\(prefix)\(index)"] = state(index, count: count, prefix: prefix, depth: depth)
        }
        return ["StartAt": .string("\(prefix)0"), "States": .object(states)]
    }

    /// `Next` to a later state, or `End`.
    private mutating func transition(_ index: Int, count: Int, prefix: String, into state: inout [String: JSONValue]) {
        if let next = laterState(index, count: count, prefix: prefix), !chance(1) {
            state["Next"] = .string(next)
        } else {
            state["End"] = true
        }
    }

    private mutating func laterState(_ index: Int, count: Int, prefix: String) -> String? {
        index + 1 < count ? "\(prefix)\(index + 1 + byte() % (count - index - 1))" : nil
    }

    private mutating func dataFlow(into state: inout [String: JSONValue], resultPath: Bool) {
        if chance(2) { state["InputPath"] = pick(Self.paths) }
        if chance(2) { state["OutputPath"] = pick(Self.paths) }
        if resultPath, chance(3) { state["ResultPath"] = pick(Self.resultPaths) }
    }

    private mutating func state(_ index: Int, count: Int, prefix: String, depth: Int) -> JSONValue {
        var state: [String: JSONValue] = [:]
        switch byte() % 10 {
        case 0, 1:
            state["Type"] = "Pass"
            if chance(3) { state["Result"] = pick(Self.documents) }
            if chance(3) { state["Parameters"] = pick(Self.templates) }
            if chance(3) { state["Assign"] = pick(Self.assignments) }
            dataFlow(into: &state, resultPath: true)
            transition(index, count: count, prefix: prefix, into: &state)
        case 2, 3:
            state["Type"] = "Task"
            let (resource, parameters) = pick(Self.tasks)
            state["Resource"] = .string(resource)
            if let parameters { state["Parameters"] = parameters }
            if chance(2) { state["ResultSelector"] = pick(Self.templates) }
            if chance(2) { state["TimeoutSeconds"] = .number(Double(1 + byte() % 30)) }
            if chance(1) { state["HeartbeatSeconds"] = .number(Double(1 + byte() % 10)) }
            if chance(3) { state["Retry"] = [retrier()] }
            if chance(3), let next = laterState(index, count: count, prefix: prefix) {
                var catcher: [String: JSONValue] = ["ErrorEquals": [pick(Self.errorNames)], "Next": .string(next)]
                if chance(4) { catcher["ResultPath"] = pick(Self.resultPaths) }
                state["Catch"] = [.object(catcher)]
            }
            dataFlow(into: &state, resultPath: true)
            transition(index, count: count, prefix: prefix, into: &state)
        case 4:
            state["Type"] = "Choice"
            var rules: [JSONValue] = []
            if let next = laterState(index, count: count, prefix: prefix) {
                for _ in 0..<(1 + byte() % 3) {
                    var rule = pick(Self.comparisons)
                    rule["Next"] = .string(next)
                    rules.append(.object(rule))
                }
                if chance(5) { state["Default"] = .string(laterState(index, count: count, prefix: prefix) ?? next) }
            }
            guard !rules.isEmpty else { return ["Type": "Succeed"] }  // a Choice needs a state to go to
            state["Choices"] = .array(rules)
            dataFlow(into: &state, resultPath: false)
        case 5:
            state["Type"] = "Wait"
            let (field, value) = pick(Self.waits)
            state[field] = value
            dataFlow(into: &state, resultPath: false)
            transition(index, count: count, prefix: prefix, into: &state)
        case 6:
            state["Type"] = "Fail"
            if chance(4) { state["Error"] = pick(Self.errorNames) } else if chance(4) { state["ErrorPath"] = pick(Self.paths) }
            if chance(4) { state["Cause"] = "generated" } else if chance(4) { state["CausePath"] = pick(Self.paths) }
        case 8 where depth < 2:
            state["Type"] = "Parallel"
            state["Branches"] = .array((0..<(1 + byte() % 3)).map { branch in
                .object(graph(prefix: "\(prefix)\(index)b\(branch)_", depth: depth + 1))
            })
            if chance(2) { state["Parameters"] = pick(Self.templates) }
            fanOutFields(index, count: count, prefix: prefix, into: &state)
        case 9 where depth < 2:
            state["Type"] = "Map"
            var processor = graph(prefix: "\(prefix)\(index)m_", depth: depth + 1)
            if chance(3) {
                // DISTRIBUTED: each item a child execution of a map run.
                processor["ProcessorConfig"] = ["Mode": "DISTRIBUTED", "ExecutionType": chance(2) ? "EXPRESS" : "STANDARD"]
                if chance(3) { state["ToleratedFailureCount"] = .number(Double(byte() % 3)) }
                if chance(2) { state["ToleratedFailurePercentage"] = .number(Double(byte() % 101)) }
                if chance(2) { state["ItemBatcher"] = ["MaxItemsPerBatch": .number(Double(1 + byte() % 3)), "BatchInput": ["b": 1]] }
                if chance(2) { state["Label"] = .string("L\(prefix)\(index)") }
                if chance(2) { state["ResultWriter"] = ["Resource": "arn:aws:states:::s3:putObject", "Parameters": ["Bucket": "fuzz", "Prefix": "out"]] }
                if chance(2) {
                    state["ItemReader"] = [
                        "Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": ["InputType": chance(4) ? "JSON" : "JSONL"],
                        "Parameters": ["Bucket": "fuzz", "Key": chance(4) ? "items.json" : "items.jsonl"],
                    ]
                }
            }
            state["ItemProcessor"] = .object(processor)
            if state["ItemReader"] == nil, chance(5) { state["ItemsPath"] = pick(Self.paths) }
            if chance(2) { state[chance(4) ? "ItemSelector" : "Parameters"] = pick(Self.itemSelectors) }
            if chance(3) { state["MaxConcurrency"] = .number(Double(byte() % 4)) } else if chance(1) { state["MaxConcurrencyPath"] = pick(Self.paths) }
            fanOutFields(index, count: count, prefix: prefix, into: &state)
        default:
            state["Type"] = "Succeed"
            dataFlow(into: &state, resultPath: false)
        }
        // A wrong key or value now and then, for the engine's side of validation.
        if chance(1) { state["Comment"] = pick(Self.documents) }
        return .object(state)
    }

    /// What Parallel and Map states share: ResultSelector, Retry, Catch, the data flow, the transition.
    private mutating func fanOutFields(_ index: Int, count: Int, prefix: String, into state: inout [String: JSONValue]) {
        if chance(2) { state["ResultSelector"] = pick(Self.templates) }
        if chance(2) { state["Retry"] = [retrier()] }
        if chance(2), let next = laterState(index, count: count, prefix: prefix) {
            state["Catch"] = [["ErrorEquals": [pick(Self.errorNames)], "Next": .string(next)]]
        }
        dataFlow(into: &state, resultPath: true)
        transition(index, count: count, prefix: prefix, into: &state)
    }

    private mutating func retrier() -> JSONValue {
        var retrier: [String: JSONValue] = ["ErrorEquals": [pick(Self.errorNames)]]
        if chance(4) { retrier["IntervalSeconds"] = .number(Double(1 + byte() % 5)) }
        if chance(4) { retrier["MaxAttempts"] = .number(Double(byte() % 4)) }
        if chance(3) { retrier["BackoffRate"] = pick([1.0, 1.5, 2.0, 10.0]) }
        if chance(2) { retrier["MaxDelaySeconds"] = .number(Double(1 + byte() % 10)) }
        if chance(2) { retrier["JitterStrategy"] = pick(["FULL", "NONE"]) }
        return .object(retrier)
    }

    // MARK: - The pieces

    static let documents: [JSONValue] = [
        [:], ["a": 1], ["a": ["b": "text"], "list": [1, 2, 3], "n": 5, "flag": true],
        ["token": "not-a-token", "id": "item-1", "when": "2023-11-14T22:13:20Z", "seconds": 3],
        ["nested": ["deeper": ["deepest": [1, ["x": .null]]]]], [1, 2, 3], "text", 42, .null,
        ["Id": ["S": "item-1"], "Value": ["N": "1"]],
    ]

    static let paths: [JSONValue] = [
        "$", "$.a", "$.a.b", "$.list[0]", "$.list[5]", "$.missing", "$.n", "$$.Execution.Input", "$$.State.Name",
        "$.nested.deeper", "$['a']", "$.token", "$.seconds", "$$.Task.Token",
    ]

    static let resultPaths: [JSONValue] = ["$", "$.result", "$.a.b.c", .null, "$.list[0]", "$.n.x", "$.nested.deeper.new"]

    static let templates: [JSONValue] = [
        ["value.$": "$"], ["a.$": "$.a", "fixed": 1], ["count.$": "States.ArrayLength($.list)"],
        ["text.$": "States.Format('{} and {}', $.n, $.a.b)"], ["id.$": "States.UUID()"],
        ["hash.$": "States.Hash($.a.b, 'SHA-256')"], ["merged.$": "States.JsonMerge($, $.a, false)"],
        ["missing.$": "$.missing"], ["context.$": "$$"], ["json.$": "States.JsonToString($)"],
        ["range.$": "States.ArrayRange(1, $.n, 2)"], ["random.$": "States.MathRandom(1, 100)"],
        ["list": [["item.$": "$.list[1]"], "plain"]],
        ["fromVariable.$": "$a", "deep.$": "$b.list[0]"],
    ]

    /// Variables set (`Assign`) and read (`$a`, `$b`, from the next state on).
    static let assignments: [JSONValue] = [
        ["a": 1, "b.$": "$"], ["a.$": "$.n", "c": ["d.$": "$$.State.Name"]], ["b.$": "States.Array($a, $b)"],
        ["a.$": "$missing"], ["states": 1],
    ]

    static let itemSelectors: [JSONValue] = [
        ["index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value"], ["item.$": "$$.Map.Item.Value", "all.$": "$"],
        ["id.$": "$$.Map.Item.Value.id", "fixed": 1],
    ]

    static let tasks: [(String, JSONValue?)] = [
        ("arn:aws:states:::dynamodb:putItem", ["TableName": .string(FuzzEngine.table), "Item": ["Id": ["S.$": "$.id"], "At": ["S": "x"]]]),
        ("arn:aws:states:::dynamodb:getItem", ["TableName": .string(FuzzEngine.table), "Key": ["Id": ["S.$": "$.id"]]]),
        ("arn:aws:states:::dynamodb:deleteItem", ["TableName": .string(FuzzEngine.table), "Key": ["Id": ["S": "item-1"]]]),
        ("arn:aws:states:::aws-sdk:dynamodb:putItem", ["TableName": "NoSuchTable", "Item": ["Id": ["S": "x"]]]),
        ("arn:aws:states:::states:startExecution", ["StateMachineArn": .string(FuzzEngine.child), "Input.$": "$"]),
        ("arn:aws:states:::states:startExecution.sync", ["StateMachineArn": .string(FuzzEngine.child), "Input.$": "$"]),
        ("arn:aws:states:::states:startExecution.sync:2", ["StateMachineArn": .string(FuzzEngine.child), "Input": ["nested": true]]),
        (
            "arn:aws:states:::states:startExecution.waitForTaskToken",
            ["StateMachineArn": .string(FuzzEngine.callback), "Input": ["token.$": "$$.Task.Token"]]
        ),
        (
            "arn:aws:states:::states:startExecution.waitForTaskToken",
            ["StateMachineArn": .string(FuzzEngine.failingCallback), "Input": ["token.$": "$$.Task.Token"]]
        ),
        // Waits for a token nobody sends: ends by its timeouts, or is stopped.
        ("arn:aws:states:::states:startExecution.waitForTaskToken", ["StateMachineArn": .string(FuzzEngine.child)]),
        ("arn:aws:states:::aws-sdk:sfn:sendTaskSuccess", ["TaskToken.$": "$.token", "Output": "{}"]),
        ("arn:aws:states:::states:startExecution", ["StateMachineArn": "arn:aws:states:local:000000000000:stateMachine:none"]),
        ("arn:aws:states:::lambda:invoke", nil),
        ("arn:aws:states:::aws-sdk:appflow:startFlow", ["FlowName": "no-such-flow"]),
    ]

    static let errorNames: [JSONValue] = [
        "States.ALL", "States.TaskFailed", "States.Timeout", "States.Runtime", "Callback.Failed",
        "DynamoDB.ResourceNotFoundException", "States.HeartbeatTimeout",
    ]

    static let comparisons: [[String: JSONValue]] = [
        ["Variable": "$.n", "NumericGreaterThan": 3], ["Variable": "$.a.b", "StringEquals": "text"],
        ["Variable": "$.flag", "BooleanEquals": true], ["Variable": "$.missing", "IsPresent": false],
        ["Variable": "$.when", "TimestampLessThan": "2030-01-01T00:00:00Z"], ["Variable": "$.a.b", "StringMatches": "t*t"],
        ["Not": ["Variable": "$.n", "IsNull": true]],
        ["And": [["Variable": "$.n", "IsNumeric": true], ["Variable": "$.n", "NumericLessThanPath": "$.seconds"]]],
        ["Or": [["Variable": "$.list[0]", "NumericEquals": 1], ["Variable": "$$.State.Name", "StringEquals": "S0"]]],
    ]

    static let waits: [(String, JSONValue)] = [
        ("Seconds", 0), ("Seconds", 1), ("Seconds", 5), ("Seconds", 3600), ("Seconds", 99_999_999), ("SecondsPath", "$.seconds"),
        ("SecondsPath", "$.n"), ("SecondsPath", "$.a"), ("TimestampPath", "$.when"), ("Timestamp", "2023-11-14T22:13:20Z"),
        ("Timestamp", "2100-01-01T00:00:00Z"), ("TimestampPath", "$.missing"),
    ]
}
