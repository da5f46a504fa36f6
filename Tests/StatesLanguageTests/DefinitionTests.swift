import JSON
import Testing

@testable import StatesLanguage

@Suite struct DefinitionTests {
    /// The "Hello World" style machine from the AWS state machine structure page, plus every supported type.
    @Test func parsesAFullDefinition() throws {
        let definition = try StateMachineDefinition(
            text: """
                {
                  "Comment": "A simple minimal example of the States language",
                  "StartAt": "Hello World",
                  "TimeoutSeconds": 3600,
                  "Version": "1.0",
                  "States": {
                    "Hello World": {
                      "Type": "Task",
                      "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken",
                      "Parameters": {"Input": {"token.$": "$$.Task.Token"}},
                      "ResultSelector": {"out.$": "$.Output"},
                      "ResultPath": "$.result",
                      "TimeoutSeconds": 300,
                      "HeartbeatSeconds": 60,
                      "Retry": [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 3, "MaxAttempts": 2, "BackoffRate": 1.5,
                                 "MaxDelaySeconds": 10, "JitterStrategy": "FULL"},
                                {"ErrorEquals": ["States.ALL"]}],
                      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed", "ResultPath": "$.error"}],
                      "Next": "Choose"
                    },
                    "Choose": {"Type": "Choice", "Choices": [{"Variable": "$.result.out", "IsPresent": true, "Next": "Wait"}],
                               "Default": "Done"},
                    "Wait": {"Type": "Wait", "SecondsPath": "$.delay", "Next": "Pass"},
                    "Pass": {"Type": "Pass", "Result": {"a": 1}, "ResultPath": "$.pass", "End": true},
                    "Done": {"Type": "Succeed", "OutputPath": "$.result"},
                    "Failed": {"Type": "Fail", "ErrorPath": "$.error.Error", "Cause": "the task failed"}
                  }
                }
                """)
        #expect(definition.startAt == "Hello World")
        #expect(definition.timeoutSeconds == 3600)
        #expect(definition.version == "1.0")
        #expect(definition.states.count == 6)
        guard case .task(let task)? = definition.state(named: "Hello World")?.kind else {
            Issue.record("not a task")
            return
        }
        #expect(task.resource == "arn:aws:states:::states:startExecution.waitForTaskToken")
        #expect(task.transition == .next("Choose"))
        #expect(task.timeoutSeconds == 300)
        #expect(task.heartbeatSeconds == 60)
        #expect(task.retry.count == 2)
        #expect(task.retry[0] == Retrier(errorEquals: ["States.Timeout"], intervalSeconds: 3, maxAttempts: 2, backoffRate: 1.5, maxDelaySeconds: 10, jitterStrategy: "FULL"))
        #expect(task.retry[1] == Retrier(errorEquals: ["States.ALL"]))
        #expect(task.catchers == [Catcher(errorEquals: ["States.ALL"], next: "Failed", resultPath: try ResultPath(json: "$.error"))])
        guard case .fail(let fail)? = definition.state(named: "Failed")?.kind else {
            Issue.record("not a fail")
            return
        }
        let (error, cause) = try fail.errorAndCause(input: ["error": ["Error": "Custom.Error"]], context: [:])
        #expect(error == "Custom.Error")
        #expect(cause == "the task failed")
    }

    @Test(arguments: [
        // Top level.
        ("[]", "must be a JSON object"),
        ("{", "not valid JSON"),
        (#"{"States": {"A": {"Type": "Succeed"}}}"#, "field 'StartAt' is required"),
        (#"{"StartAt": "A"}"#, "field 'States' is required"),
        (#"{"StartAt": "A", "States": {}}"#, "field 'States' must be a non-empty object"),
        (#"{"StartAt": "B", "States": {"A": {"Type": "Succeed"}}}"#, "'StartAt' names state 'B', which does not exist"),
        (#"{"StartAt": "A", "Foo": 1, "States": {"A": {"Type": "Succeed"}}}"#, "field 'Foo' is not supported in a state machine definition"),
        (#"{"StartAt": "A", "TimeoutSeconds": 0, "States": {"A": {"Type": "Succeed"}}}"#, "field 'TimeoutSeconds' must be a positive integer"),
        (#"{"StartAt": "A", "Version": "2.0", "States": {"A": {"Type": "Succeed"}}}"#, "field 'Version' must be \"1.0\""),
        (#"{"StartAt": "A", "QueryLanguage": "JSONata", "States": {"A": {"Type": "Succeed"}}}"#, "field 'QueryLanguage' is not supported yet"),
        // States in general.
        (#"{"StartAt": "A", "States": {"A": {"Type": "Map", "End": true}}}"#, "State 'A': field 'ItemProcessor' is required"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Parallel", "End": true}}}"#, "State 'A': field 'Branches' is required"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": [], "End": true}}}"#, "field 'Branches' must be a non-empty array"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": [{"StartAt": "B"}], "End": true}}}"#,
         "State 'A': field 'Branches[0].States' is required"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "C"}}}], "Next": "C"}, "C": {"Type": "Succeed"}}}"#,
         "State 'B': 'Next' names state 'C', which is not in the same branch"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}], "End": true}}}"#,
         "State name 'A' is used more than once"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}, "TimeoutSeconds": 5}], "End": true}}}"#,
         "field 'Branches[0].TimeoutSeconds' is not supported in a Parallel branch"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Succeed"}, "U": {"Type": "Succeed"}}}], "End": true}}}"#,
         "State 'U' is not reachable from StartAt 'B'"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Wait"}}}], "End": true}}}"#,
         "State 'B'"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Nope"}}}"#, "State 'A': field 'Type' must be one of"),
        (#"{"StartAt": "A", "States": {"A": {"End": true}}}"#, "State 'A': field 'Type' is required"),
        (#"{"StartAt": "A", "States": {"A": 5}}"#, "State 'A' must be an object"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}"#, "State 'A': 'Next' names state 'B', which does not exist"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass"}}}"#, "State 'A': must have either 'Next' or \"End\": true"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": false}}}"#, "State 'A': must have either 'Next'"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "Next": "A"}}}"#, "State 'A': has both 'Next' and 'End'"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "Resource": "x"}}}"#, "State 'A': field 'Resource' is not supported in a Pass state"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Succeed", "End": true}}}"#, "State 'A': field 'End' is not supported in a Succeed state"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": true, "Next": "A"}], "Next": "A"}}}"#, "field 'Next' is not supported in a Choice state"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "B": {"Type": "Succeed"}}}"#, "State 'B' is not reachable from StartAt 'A'"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "$.a[?(", "End": true}}}"#, "State 'A': field 'InputPath': '$.a[?(' is not a valid JSONPath"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "OutputPath": 3, "End": true}}}"#, "field 'OutputPath' must be a string or null"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "ResultPath": "$$.x", "End": true}}}"#, "cannot write to the context object"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"x.$": "nope"}, "End": true}}}"#, "State 'A': the value of 'x.$' in field 'Parameters' must be a JSONPath"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Succeed", "Assign": {}}}}"#, "field 'Assign' is not supported in a Succeed state"),
        // Task.
        (#"{"StartAt": "A", "States": {"A": {"Type": "Task", "End": true}}}"#, "State 'A': field 'Resource' is required"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "r", "TimeoutSeconds": 0, "End": true}}}"#, "field 'TimeoutSeconds' must be a positive integer"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "r", "TimeoutSeconds": 5, "TimeoutSecondsPath": "$.t", "End": true}}}"#, "has both 'TimeoutSeconds' and 'TimeoutSecondsPath'"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "r", "TimeoutSeconds": 5, "HeartbeatSeconds": 5, "End": true}}}"#, "field 'HeartbeatSeconds' must be smaller than TimeoutSeconds"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "r", "HeartbeatSeconds": 99999999, "End": true}}}"#, "field 'HeartbeatSeconds' must be smaller than TimeoutSeconds (99999999)"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "r", "ResultSelector": [1], "End": true}}}"#, "field 'ResultSelector' must be an object"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "r", "Retry": [{"MaxAttempts": 1}], "End": true}}}"#, "field 'Retry[0].ErrorEquals' is required"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "r", "Retry": [{"ErrorEquals": []}], "End": true}}}"#, "field 'Retry[0].ErrorEquals' must be a non-empty array"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "r", "Retry": [{"ErrorEquals": ["X"], "IntervalSeconds": 0}], "End": true}}}"#, "field 'Retry[0].IntervalSeconds' must be a positive integer"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "r", "Retry": [{"ErrorEquals": ["X"], "MaxAttempts": -1}], "End": true}}}"#, "field 'Retry[0].MaxAttempts' must be a non-negative integer"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "r", "Retry": [{"ErrorEquals": ["X"], "BackoffRate": 0.5}], "End": true}}}"#, "field 'Retry[0].BackoffRate' must be a number greater than or equal to 1.0"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "r", "Retry": [{"ErrorEquals": ["X"], "JitterStrategy": "HALF"}], "End": true}}}"#, "field 'Retry[0].JitterStrategy' must be \"FULL\" or \"NONE\""),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "r", "Retry": [{"ErrorEquals": ["X"], "Foo": 1}], "End": true}}}"#, "field 'Retry[0].Foo' is not supported in a retrier"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "r", "Retry": [{"ErrorEquals": ["States.ALL", "X"]}], "End": true}}}"#, "must contain \"States.ALL\" alone"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "r", "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}], "End": true}}}"#, "field 'Retry[0].ErrorEquals' may contain \"States.ALL\" only in the last element"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "r", "Catch": [{"ErrorEquals": ["X"]}], "End": true}}}"#, "field 'Catch[0].Next' is required"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "r", "Catch": [{"ErrorEquals": ["X"], "Next": "Z"}], "End": true}}}"#, "State 'A': 'Catch[0].Next' names state 'Z', which does not exist"),
        // Choice, Fail.
        (#"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": []}}}"#, "field 'Choices' must be a non-empty array"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": true, "Next": "Z"}]}}}"#, "'Choices[0].Next' names state 'Z', which does not exist"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": true, "Next": "A"}], "Default": "Z"}}}"#, "'Default' names state 'Z'"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}}}"#, "has both 'Error' and 'ErrorPath'"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Fail", "CausePath": "nope"}}}"#, "field 'CausePath' must be a reference path or an intrinsic function"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Fail", "Error": 5}}}"#, "field 'Error' must be a string"),
    ])
    func rejectsInvalidDefinitions(text: String, fragment: String) {
        let error = #expect(throws: DefinitionError.self) { try StateMachineDefinition(text: text) }
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
    }

    /// AWS takes TimeoutSeconds to be 99999999 when it is not given, so a heartbeat alone is valid.
    @Test(arguments: [600, 99_999_998])
    func acceptsHeartbeatWithoutTimeout(seconds: Int) throws {
        let definition = try StateMachineDefinition(
            text: #"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "r", "HeartbeatSeconds": \#(seconds), "End": true}}}"#)
        guard case .task(let task)? = definition.startState?.kind else {
            Issue.record("state 'A' is not a Task")
            return
        }
        #expect(task.heartbeatSeconds == seconds)
        #expect(task.timeoutSeconds == nil)
    }

    @Test func reportsSeveralProblemsAtOnce() {
        let error = #expect(throws: DefinitionError.self) {
            try StateMachineDefinition(
                json: [
                    "StartAt": "A",
                    "States": [
                        "A": ["Type": "Wait", "Seconds": -1, "Next": "B"],
                        "B": ["Type": "Task", "End": true],
                    ],
                ])
        }
        #expect(error?.problems.count == 2)
        #expect(error?.message.contains("State 'A': field 'Seconds' must be a non-negative integer") == true)
        #expect(error?.message.contains("State 'B': field 'Resource' is required") == true)
        #expect(error?.statePath == "/States/A/Seconds")
    }

    @Test func failStateWithIntrinsicCause() throws {
        let definition = try StateMachineDefinition(
            json: [
                "StartAt": "F",
                "States": ["F": ["Type": "Fail", "Error": "Custom", "CausePath": "States.Format('Item {} failed', $.id)"]],
            ])
        guard case .fail(let fail)? = definition.state(named: "F")?.kind else {
            Issue.record("not a fail state")
            return
        }
        let (error, cause) = try fail.errorAndCause(input: ["id": 7], context: [:])
        #expect(error == "Custom")
        #expect(cause == "Item 7 failed")
    }
}

@Suite struct ParallelDefinitionTests {
    @Test func branchStatesAreFoundByNameAndProblemsNameTheirPath() throws {
        let text = #"""
            {"StartAt": "Fan", "States": {"Fan": {"Type": "Parallel", "Next": "Done",
              "Branches": [{"StartAt": "B1", "States": {"B1": {"Type": "Pass", "Next": "B2"}, "B2": {"Type": "Succeed"}}},
                           {"StartAt": "C1", "Comment": "second", "States": {"C1": {"Type": "Pass", "End": true}}}]},
             "Done": {"Type": "Succeed"}}}
            """#
        let definition = try StateMachineDefinition(text: text)
        #expect(definition.states.keys.sorted() == ["Done", "Fan"])
        #expect(definition.state(named: "B2")?.type == "Succeed")
        guard case .parallel(let parallel)? = definition.state(named: "Fan")?.kind else {
            Issue.record("Fan is not a Parallel state")
            return
        }
        #expect(parallel.branches.map(\.startAt) == ["B1", "C1"])

        let bad = #"{"StartAt": "A", "States": {"A": {"Type": "Parallel", "End": true, "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Wait", "End": true}}}]}}}"#
        let error = #expect(throws: DefinitionError.self) { try StateMachineDefinition(text: bad) }
        #expect(error?.statePath == "/States/A/Branches/0/States/B")
    }

    @Test func parallelStatesNestOnlySoDeep() {
        var branch = #"{"StartAt": "L", "States": {"L": {"Type": "Succeed"}}}"#
        for level in 0...StateMachineDefinition.maximumNesting {
            branch = #"{"StartAt": "P\#(level)", "States": {"P\#(level)": {"Type": "Parallel", "End": true, "Branches": [\#(branch)]}}}"#
        }
        let error = #expect(throws: DefinitionError.self) { try StateMachineDefinition(text: branch) }
        #expect(error?.message.contains("Parallel and Map states nest more than") == true, "\(error?.message ?? "")")
    }
}

@Suite struct MapDefinitionTests {
    static func map(_ fields: String) -> String {
        #"{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, \#(fields)}}}"#
    }
    static let processor = #""ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#

    @Test(arguments: [
        (map(#""ItemsPath": "$.a""#), "State 'M': field 'ItemProcessor' is required"),
        (map(processor + #", "Iterator": {"StartAt": "Q", "States": {"Q": {"Type": "Pass", "End": true}}}"#), "has both 'ItemProcessor' and 'Iterator'"),
        (map(processor + #", "ItemSelector": {}, "Parameters": {}"#), "has both 'ItemSelector' and 'Parameters'"),
        (map(processor + #", "MaxConcurrency": -1"#), "field 'MaxConcurrency' must be a non-negative integer"),
        (map(processor + #", "MaxConcurrency": 1, "MaxConcurrencyPath": "$.n""#), "has both 'MaxConcurrency' and 'MaxConcurrencyPath'"),
        (map(processor + #", "ItemsPath": "$.a[*]""#), "field 'ItemsPath' must be a valid reference path"),
        (map(processor + #", "ToleratedFailurePercentage": 5"#), "field 'ToleratedFailurePercentage' is only supported in a Map state whose ItemProcessor's ProcessorConfig has Mode DISTRIBUTED"),
        (map(processor + #", "ItemBatcher": {}"#), "field 'ItemBatcher' is only supported"),
        (map(#""ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#),
         "field 'ItemProcessor.ProcessorConfig.ExecutionType' is required when Mode is DISTRIBUTED"),
        (map(#""ItemProcessor": {"ProcessorConfig": {"Mode": "SIDEWAYS"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#),
         "field 'ItemProcessor.ProcessorConfig.Mode' must be INLINE or DISTRIBUTED"),
        (map(#""ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Next": "M"}}}"#), "which is not in the same branch"),
    ])
    func rejects(text: String, fragment: String) {
        let error = #expect(throws: DefinitionError.self) { try StateMachineDefinition(text: text) }
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
    }

    @Test func readsTheInlineFields() throws {
        let definition = try StateMachineDefinition(
            text: Self.map(Self.processor + #", "ItemsPath": "$.items", "ItemSelector": {"i.$": "$$.Map.Item.Index"}, "MaxConcurrency": 3"#))
        guard case .map(let map)? = definition.state(named: "M")?.kind else {
            Issue.record("M is not a Map state")
            return
        }
        #expect(map.itemsPath.text == "$.items")
        #expect(map.maxConcurrency == 3)
        #expect(map.processor.startAt == "P")
        #expect(definition.state(named: "P")?.type == "Pass")
        let items = try map.items(in: ["items": [1, 2]], context: [:])
        #expect(items == [1, 2])
    }
}

/// Variables in definitions: `Assign` where AWS takes it, names as AWS names them, `$name` in
/// paths but not in `ResultPath` (AWS, "Passing data between states with variables").
@Suite struct VariableDefinitionTests {
    static func pass(_ fields: String) -> String {
        #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, \#(fields)}}}"#
    }

    @Test(arguments: [
        (pass(#""Assign": {"_x": 1}"#), "'_x' is not a variable name"),
        (pass(#""Assign": {"9x": 1}"#), "'9x' is not a variable name"),
        (pass(#""Assign": {"x.y": 1}"#), "'x.y' is not a variable name"),
        (pass(#""Assign": {"x[2]": 1}"#), "'x[2]' is not a variable name"),
        (pass(#""Assign": {"states": 1}"#), "names the variable 'states', which is reserved"),
        (pass(#""Assign": {"\#(String(repeating: "v", count: 81))": 1}"#), "longer than 80 characters"),
        (pass(#""Assign": [1]"#), "field 'Assign' must be an object of variable names and values"),
        (pass(#""ResultPath": "$x.y""#), "variables cannot be used in ResultPath"),
        (pass(#""Assign": {"a.$": "$.x[?(@"}"#), "State 'A'"),
    ])
    func refused(text: String, fragment: String) {
        let error = #expect(throws: DefinitionError.self) { try StateMachineDefinition(text: text) }
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
    }

    @Test func assignIsReadWhereAWSTakesIt() throws {
        let text = #"""
            {"StartAt": "C", "States": {
              "C": {"Type": "Choice", "Assign": {"d": 1}, "Default": "W",
                    "Choices": [{"Variable": "$x", "IsPresent": true, "Assign": {"r": 2}, "Next": "W"}]},
              "W": {"Type": "Wait", "Seconds": 1, "Assign": {"w": 3}, "Next": "T"},
              "T": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem", "Assign": {"t.$": "$.Item"}, "Next": "End",
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"e.$": "$.Error"}, "Next": "End"}]},
              "End": {"Type": "Pass", "Assign": {"über": "ok", "v2": [1, {"n.$": "$x"}]}, "End": true}}}
            """#
        let definition = try StateMachineDefinition(text: text)
        #expect(definition.usesVariables)
        guard case .pass(let end)? = definition.state(named: "End")?.kind else { return }
        #expect(end.assign?.names == ["v2", "über"])
        let plain = try StateMachineDefinition(text: Self.pass(#""Result": 1"#))
        #expect(!plain.usesVariables)
    }

    @Test func aVariableIsReadByAPath() throws {
        let context = EvaluationContext([:], variables: ["order": ["items": [10, 20]], "n": 3])
        #expect(try ReferencePath("$order.items[1]").value(in: [:], context: context) == 20)
        #expect(try JSONPath("$order.items[*]").document(input: [:], context: context) == ["items": [10, 20]])
        let missing = #expect(throws: StatesError.self) { try ReferencePath("$nope").value(in: [:], context: context) }
        #expect(missing?.name == "States.Runtime")
        #expect(missing?.cause.contains("the variable 'nope' is not assigned") == true, "\(missing?.cause ?? "")")
        let template = try PayloadTemplate(json: ["sum.$": "States.MathAdd($n, 1)", "first.$": "$order.items[0]"], field: "Parameters")
        #expect(try template.evaluate(input: [:], context: context) == ["sum": 4, "first": 10])
    }
}
