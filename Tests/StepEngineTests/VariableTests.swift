import Foundation
import JSON
import StepEngine
import TestSupport
import Testing

/// Workflow variables in JSONPath states, as AWS runs them ("Passing data between states with
/// variables"): what `$` is in each state's Assign, values from state entry, visible from the
/// next state, scopes of Parallel branches and Map iterations, durable across a restart.
@Suite struct VariableTests {
    static func machine(_ states: [String: JSONValue], startAt: String = "A") -> JSONValue {
        ["StartAt": .string(startAt), "States": .object(states)]
    }

    @Test func aPassStateAssignsAndTheNextStateReads() async throws {
        let test = try TestEngine()
        let definition = Self.machine([
            "A": ["Type": "Pass", "Result": ["answer": 42], "Assign": ["theAnswer.$": "$.answer", "label": "fixed"], "Next": "B"],
            "B": ["Type": "Pass", "Parameters": ["got.$": "$theAnswer", "label.$": "$label", "sum.$": "States.MathAdd($theAnswer, 1)"], "End": true],
        ])
        try await test.machine("vars", definition.text)
        let execution = try await test.run("vars")
        #expect(execution.output == ["got": 42, "label": "fixed", "sum": 43])
        let exited = try await test.history(execution.arn).events("PassStateExited").first?["stateExitedEventDetails"]
        #expect(exited?["assignedVariables"] == ["theAnswer": "42", "label": "\"fixed\""])
        #expect(exited?["assignedVariablesDetails"] == ["truncated": false])
    }

    /// AWS: every value is computed with the variables of the state's entry, and they take
    /// effect from the next state (the same state's paths read the old values).
    @Test func valuesComeFromStateEntryAndApplyFromTheNextState() async throws {
        let test = try TestEngine()
        let definition = Self.machine([
            "A": ["Type": "Pass", "Assign": ["b": 5], "Next": "B"],
            "B": ["Type": "Pass", "Assign": ["a.$": "$b", "b": 1], "OutputPath": "$b", "InputPath": "$b", "Next": "C"],
            "C": ["Type": "Pass", "Parameters": ["a.$": "$a", "b.$": "$b", "before.$": "$"], "End": true],
        ])
        try await test.machine("vars", definition.text)
        let execution = try await test.run("vars")
        #expect(execution.output == ["a": 5, "b": 1, "before": 5])
    }

    @Test func aTaskAssignsFromItsResultAsItCame() async throws {
        let test = try TestEngine()
        try await test.createTable("Items")
        _ = try await test.engine.putItem(
            try TableItemRequest(["TableName": "Items", "Item": ["Id": ["S": "k"], "Value": ["N": "7"]]], member: "Item"))
        let definition = Self.machine([
            "A": [
                "Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
                "Parameters": ["TableName": "Items", "Key": ["Id": ["S": "k"]]],
                "ResultSelector": ["selected.$": "$.Item.Value.N"], "OutputPath": "$.selected",
                "Assign": ["raw.$": "$.Item.Value.N"], "Next": "B",
            ],
            "B": ["Type": "Pass", "Parameters": ["raw.$": "$raw", "out.$": "$"], "End": true],
        ])
        try await test.machine("vars", definition.text)
        let execution = try await test.run("vars")
        #expect(execution.output == ["raw": "7", "out": "7"])
    }

    @Test(arguments: [(true, "rule"), (false, "default")])
    func aChoiceAssignsTheTakenRulesOrItsOwn(matches: Bool, expected: String) async throws {
        let test = try TestEngine()
        let definition = Self.machine([
            "C": [
                "Type": "Choice", "Assign": ["how": "default", "seen.$": "$.n"], "Default": "End",
                "Choices": [["Variable": "$.n", "NumericEquals": 1, "Assign": ["how": "rule"], "Next": "End"]],
            ],
            "End": ["Type": "Pass", "Parameters": ["how.$": "$how"], "End": true],
        ], startAt: "C")
        try await test.machine("vars", definition.text)
        let execution = try await test.run("vars", input: ["n": matches ? 1 : 2])
        #expect(execution.output == ["how": .string(expected)])
    }

    @Test func aWaitReadsItsSecondsFromAVariable() async throws {
        let clock = ManualClock()
        let test = try TestEngine(clock: clock)
        let definition = Self.machine([
            "A": ["Type": "Pass", "Assign": ["pause": 30], "Next": "W"],
            "W": ["Type": "Wait", "SecondsPath": "$pause", "End": true],
        ])
        try await test.machine("vars", definition.text)
        let arn = try await test.start("vars")
        try await test.advance(by: 29)
        #expect(try await test.engine.describeExecution(arn: arn).status.rawValue == "RUNNING")
        try await test.advance(by: 1)
        #expect(try await test.finish(arn).status == "SUCCEEDED")
    }

    @Test func aCatcherAssignsFromTheErrorOutput() async throws {
        let test = try TestEngine()
        let definition = Self.machine([
            "A": [
                "Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
                "Parameters": ["TableName": "Missing", "Key": ["Id": ["S": "k"]]], "Assign": ["ok": true], "Next": "End",
                "Catch": [["ErrorEquals": ["States.ALL"], "Assign": ["failure.$": "$.Error"], "Next": "End"]],
            ],
            "End": ["Type": "Pass", "Parameters": ["failure.$": "$failure"], "End": true],
        ])
        try await test.machine("vars", definition.text)
        let execution = try await test.run("vars")
        #expect(execution.output == ["failure": "DynamoDB.ResourceNotFoundException"])
    }

    /// AWS: branches and iterations read outer variables; what they assign stays in them;
    /// they cannot assign a name of an outer scope.
    @Test func mapIterationsReadOuterVariablesAndKeepTheirOwn() async throws {
        let test = try TestEngine()
        let definition = Self.machine([
            "A": ["Type": "Pass", "Assign": ["bias": 100], "Next": "M"],
            "M": [
                "Type": "Map", "Next": "After",
                "ItemProcessor": [
                    "StartAt": "Add",
                    "States": [
                        "Add": ["Type": "Pass", "Assign": ["sum.$": "States.MathAdd($, $bias)"], "Next": "Out"],
                        "Out": ["Type": "Pass", "Parameters": ["sum.$": "$sum"], "End": true],
                    ],
                ],
            ],
            "After": ["Type": "Pass", "Parameters": ["results.$": "$", "bias.$": "$bias"], "End": true],
        ])
        try await test.machine("vars", definition.text)
        let execution = try await test.run("vars", input: [1, 2])
        #expect(execution.output == ["results": [["sum": 101], ["sum": 102]], "bias": 100])

        let leaking = Self.machine([
            "M": ["Type": "Map", "Next": "After", "ItemProcessor": ["StartAt": "In", "States": ["In": ["Type": "Pass", "Assign": ["inner": 1], "End": true]]]],
            "After": ["Type": "Pass", "Parameters": ["inner.$": "$inner"], "End": true],
        ], startAt: "M")
        try await test.machine("leak", leaking.text)
        let leaked = try await test.run("leak", input: [1])
        #expect(leaked.status == "FAILED")
        #expect(leaked.error == "States.Runtime")
        #expect(leaked.cause?.contains("the variable 'inner' is not assigned") == true, "\(leaked.cause ?? "")")

        let shadowing = Self.machine([
            "A": ["Type": "Pass", "Assign": ["x": 1], "Next": "P"],
            "P": ["Type": "Parallel", "End": true, "Branches": [["StartAt": "In", "States": ["In": ["Type": "Pass", "Assign": ["x": 2], "End": true]]]]],
        ])
        try await test.machine("shadow", shadowing.text)
        let shadowed = try await test.run("shadow")
        #expect(shadowed.status == "FAILED")
        #expect(shadowed.cause?.contains("The variable 'x' belongs to an outer scope") == true, "\(shadowed.cause ?? "")")
    }

    @Test func variablesOutliveARestart() async throws {
        let clock = ManualClock()
        let first = try TestEngine(clock: clock)
        let definition = Self.machine([
            "A": ["Type": "Pass", "Assign": ["kept": ["deep": [1, 2]]], "Next": "W"],
            "W": ["Type": "Wait", "Seconds": 10, "Next": "B"],
            "B": ["Type": "Pass", "Parameters": ["kept.$": "$kept.deep[1]"], "End": true],
        ])
        try await first.machine("vars", definition.text)
        let arn = try await first.start("vars")
        await first.engine.waitUntilIdle()
        let restarted = try TestEngine.open(path: first.path, clock: clock)
        _ = try await restarted.recover()
        try await clock.advance(by: 10, settling: restarted)
        let description = try await restarted.waitForExecution(arn: arn)
        #expect(parsed(description.output) == ["kept": 2])
    }

    @Test func anUnassignedVariableFailsTheStateNamingIt() async throws {
        let test = try TestEngine()
        let definition = Self.machine([
            "A": ["Type": "Pass", "Assign": ["set": 1], "Next": "B"],
            "B": ["Type": "Pass", "Parameters": ["x.$": "$neverSet"], "End": true],
        ])
        try await test.machine("vars", definition.text)
        let execution = try await test.run("vars")
        #expect(execution.status == "FAILED")
        #expect(execution.error == "States.Runtime")
        #expect(execution.cause?.contains("'$neverSet'") == true)
    }
}
