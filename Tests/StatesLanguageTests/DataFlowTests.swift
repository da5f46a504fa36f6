import Foundation
import JSON
import Testing

@testable import StatesLanguage

/// The input of the AWS "ResultPath" examples.
private let greetingInput: JSONValue = [
    "comment": "This is a test of the input and output of a Task state.",
    "details": "Default example",
    "who": "AWS Step Functions",
]
private let greeting: JSONValue = "Hello, AWS Step Functions!"

@Suite struct ResultPathTests {
    @Test(arguments: [
        // "$": the result replaces the input.
        ("$", greetingInput, greeting),
        // "$.taskresult": the result is added to the input.
        (
            "$.taskresult", greetingInput,
            [
                "comment": "This is a test of the input and output of a Task state.", "details": "Default example",
                "who": "AWS Step Functions", "taskresult": greeting,
            ]
        ),
        // A nested path creates the objects on the way.
        (
            "$.strings.lambdaresult", ["who": "AWS Step Functions"],
            ["who": "AWS Step Functions", "strings": ["lambdaresult": greeting]]
        ),
        // An existing member is replaced, its siblings kept.
        ("$.a.b", ["a": ["b": 1, "c": 2]], ["a": ["b": greeting, "c": 2]]),
        // An existing array element.
        ("$.list[1]", ["list": [1, 2, 3]], ["list": [1, greeting, 3]]),
    ] as [(String, JSONValue, JSONValue)])
    func placesTheResult(path: String, input: JSONValue, expected: JSONValue) throws {
        let resultPath = try ResultPath(json: .string(path))
        #expect(try resultPath.apply(result: greeting, to: input) == expected)
    }

    @Test func nullDiscardsTheResult() throws {
        #expect(try ResultPath(json: .null).apply(result: greeting, to: greetingInput) == greetingInput)
    }

    @Test(arguments: [
        ("$.who.name", greetingInput),  // "who" is a string
        ("$.x", "plain string"),  // the input is not an object
        ("$.list[5]", ["list": [1]]),  // no such element
        ("$.list[0]", ["list": "no"]),
    ] as [(String, JSONValue)])
    func failsWithResultPathMatchFailure(path: String, input: JSONValue) throws {
        let error = #expect(throws: StatesError.self) { try ResultPath(json: .string(path)).apply(result: 1, to: input) }
        #expect(error?.name == "States.ResultPathMatchFailure")
        #expect(error?.cause.contains(path) == true)
    }

    @Test(arguments: ["$$.Execution.Id", "$.a[*]", "nope"])
    func rejectsBadResultPaths(path: String) {
        #expect(throws: DefinitionError.self) { try ResultPath(json: .string(path)) }
    }
}

@Suite struct DataFlowTests {
    /// AWS example: InputPath, ResultPath and OutputPath together.
    @Test func filtersInputPlacesResultAndSelectsOutput() throws {
        let input: JSONValue = [
            "comment": "An input comment.",
            "data": ["val1": 23, "val2": 17],
            "extra": "foo",
            "lambda": ["who": "AWS Step Functions"],
        ]
        let inputPath = try InputPath(json: "$.lambda")
        let effective = try DataFlow.effectiveInput(stateInput: input, inputPath: inputPath, parameters: nil, context: [:])
        #expect(effective == ["who": "AWS Step Functions"])
        let output = try DataFlow.stateOutput(
            stateInput: input, result: greeting, resultSelector: nil, resultPath: try ResultPath(json: "$.data.lambdaresult"),
            outputPath: try OutputPath(json: "$.data"), context: [:])
        #expect(output == ["val1": 23, "val2": 17, "lambdaresult": greeting])
    }

    /// AWS example: ResultSelector keeps part of a task result, ResultPath adds it to the input.
    @Test func resultSelectorThenResultPath() throws {
        let result: JSONValue = [
            "resourceType": "elasticmapreduce",
            "resource": "createCluster.sync",
            "output": [
                "SdkHttpMetadata": ["HttpStatusCode": 200],
                "SdkResponseMetadata": ["RequestId": "1234"],
                "ClusterId": "AKIAIOSFODNN7EXAMPLE",
            ],
        ]
        let selector = try PayloadTemplate(
            json: ["ClusterId.$": "$.output.ClusterId", "ResourceType.$": "$.resourceType"], field: "ResultSelector")
        let output = try DataFlow.stateOutput(
            stateInput: ["name": "cluster"], result: result, resultSelector: selector,
            resultPath: try ResultPath(json: "$.EMROutput"), outputPath: .default, context: [:])
        #expect(output == ["name": "cluster", "EMROutput": ["ClusterId": "AKIAIOSFODNN7EXAMPLE", "ResourceType": "elasticmapreduce"]])
    }

    @Test(arguments: [
        (JSONValue.null, JSONValue.null, JSONValue.object([:]), JSONValue.object([:])),
        ("$.a", .null, ["b": 1], [:]),
        (.null, "$", [:], ["x": 1]),
    ] as [(JSONValue, JSONValue, JSONValue, JSONValue)])
    func nullPathsGiveEmptyObjects(inputPath: JSONValue, outputPath: JSONValue, effective: JSONValue, output: JSONValue) throws {
        let stateInput: JSONValue = ["a": ["b": 1], "x": 1]
        #expect(
            try DataFlow.effectiveInput(
                stateInput: stateInput, inputPath: InputPath(json: inputPath), parameters: nil, context: [:]) == effective)
        #expect(
            try DataFlow.stateOutput(
                stateInput: stateInput, result: "r", resultSelector: nil, resultPath: .discard,
                outputPath: OutputPath(json: outputPath), context: [:]) == (outputPath == .null ? [:] : stateInput))
    }

    @Test func parametersApplyAfterInputPath() throws {
        let parameters = try PayloadTemplate(json: ["who.$": "$.who", "when.$": "$$.State.EnteredTime"], field: "Parameters")
        let effective = try DataFlow.effectiveInput(
            stateInput: ["lambda": ["who": "me"]], inputPath: InputPath(json: "$.lambda"), parameters: parameters,
            context: ["State": ["EnteredTime": "2019-03-26T20:14:13.192Z"]])
        #expect(effective == ["who": "me", "when": "2019-03-26T20:14:13.192Z"])
    }

    @Test func missingInputPathIsARuntimeError() throws {
        let error = #expect(throws: StatesError.self) {
            try DataFlow.effectiveInput(stateInput: ["a": 1], inputPath: InputPath(json: "$.b"), parameters: nil, context: [:])
        }
        #expect(error?.name == "States.Runtime")
        #expect(error?.cause.contains("'InputPath'") == true)
    }

    @Test func passStateInjectsResult() throws {
        let definition = try StateMachineDefinition(
            text: """
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"x-datum": 0.381018, "y-datum": 622.2269926397355},
                 "ResultPath": "$.coords", "End": true}}}
                """)
        guard case .pass(let pass)? = definition.state(named: "P")?.kind else {
            Issue.record("not a Pass state")
            return
        }
        let output = try pass.output(stateInput: ["georefOf": "Home"], context: [:])
        #expect(output == ["georefOf": "Home", "coords": ["x-datum": 0.381018, "y-datum": 622.2269926397355]])
    }
}

@Suite struct ContextObjectTests {
    @Test func rendersAWSFieldNames() {
        let context = ContextObject(
            executionId: "arn:aws:states:us-east-1:123456789012:execution:stateMachineName:executionName",
            executionName: "executionName", executionInput: ["key": "value"],
            executionStartTime: Date(timeIntervalSince1970: 1_553_631_253.192),
            roleArn: "arn:aws:iam::123456789012:role...", stateMachineId: "arn:aws:states:us-east-1:123456789012:stateMachine:sm",
            stateMachineName: "sm", stateName: "Test", stateEnteredTime: Date(timeIntervalSince1970: 1_553_631_253.5),
            retryCount: 3, taskToken: "h7XRiCdLtd/83p1E0dMccoxlzFhglsdkzpK9mBVKZsp7d9yrT1W")
        #expect(
            context.json == [
                "Execution": [
                    "Id": "arn:aws:states:us-east-1:123456789012:execution:stateMachineName:executionName",
                    "Input": ["key": "value"], "Name": "executionName", "RoleArn": "arn:aws:iam::123456789012:role...",
                    "StartTime": "2019-03-26T20:14:13.192Z", "RedriveCount": 0,
                ],
                "State": ["EnteredTime": "2019-03-26T20:14:13.500Z", "Name": "Test", "RetryCount": 3],
                "StateMachine": ["Id": "arn:aws:states:us-east-1:123456789012:stateMachine:sm", "Name": "sm"],
                "Task": ["Token": "h7XRiCdLtd/83p1E0dMccoxlzFhglsdkzpK9mBVKZsp7d9yrT1W"],
            ])
    }

    @Test func leavesOutTaskAndRoleWhenAbsent() {
        let context = ContextObject(
            executionId: "e", executionName: "n", executionInput: [:], executionStartTime: Date(timeIntervalSince1970: 0),
            stateMachineId: "s", stateMachineName: "m", stateName: "A", stateEnteredTime: Date(timeIntervalSince1970: 0))
        #expect(context.json["Task"] == nil)
        #expect(context.json["Execution"]?["RoleArn"] == nil)
    }
}

/// AWS's `InputPath` and `OutputPath` take any path: one that is not a reference path selects
/// the list of what it finds (an empty one when nothing matches).
@Suite struct SelectingPathTests {
    static let input: JSONValue = ["items": [["id": 1, "ok": true], ["id": 2, "ok": false], ["id": 3, "ok": true]]]

    @Test(arguments: [
        ("$.items[*].id", [1, 2, 3]),
        ("$.items[?(@.ok == true)].id", [1, 3]),
        ("$..id", [1, 2, 3]),
        ("$.items[5:]", []),
        ("$.items[0].id", 1),
    ] as [(String, JSONValue)])
    func inputAndOutputPathsSelectWhatThePathFinds(path: String, expected: JSONValue) throws {
        #expect(try InputPath(json: .string(path)).apply(to: Self.input) == expected)
        #expect(try OutputPath(json: .string(path)).apply(to: Self.input) == expected)
    }

    @Test func aVariableListIsSelectedToo() throws {
        let context = EvaluationContext([:], variables: ["list": [["n": 1], ["n": 2]]])
        #expect(try InputPath(json: "$list[*].n").apply(to: [:], context: context) == [1, 2])
        let missing = #expect(throws: StatesError.self) { try InputPath(json: "$none[*]").apply(to: [:], context: context) }
        #expect(missing?.name == "States.Runtime")
    }
}
