import Foundation
import JSON
import Testing

/// Work that stops the daemon (a bug set off by a hostile definition, input or event) is set
/// aside after two crashes instead of being replayed into the same crash at every start
/// (issue #15). The crash is real: stepd's test hook traps while driving what it names.
@Suite("work that stops stepd is set aside after two crashes")
struct PoisonWorkTests {
    static func crashHook(_ target: String) -> [String: String] {
        // No backtrace: it is not what the test is about, and symbolizing takes seconds.
        ["STEPD_TEST_CRASH_WHILE_DRIVING": target, "SWIFT_BACKTRACE": "enable=no"]
    }

    /// The executions wait in a timer, stepd is killed at once, and the crashes come when the
    /// timer fires after a restart. Six seconds: on a loaded machine the starts and the kill
    /// must come before the timer fires in the first run.
    static let waitThenPass: JSONValue = [
        "StartAt": "Wait",
        "States": [
            "Wait": ["Type": "Wait", "Seconds": 6, "Next": "Done"],
            "Done": ["Type": "Pass", "End": true],
        ],
    ]

    @Test("an execution that stops stepd when its Wait ends: FAILED with States.Runtime at the third start; the rest run", arguments: StepdMode.allCases)
    func poisonExecution(mode: StepdMode) async throws {
        try await withStepd(mode: mode) { stepd in
            _ = try await stepd.call(
                "AWSStepFunctions.CreateStateMachine", ["name": "waits", "definition": .string(Self.waitThenPass.serialized())])
            let poison = try await stepd.startExecution("waits", name: "poison")
            let bystander = try await stepd.startExecution("waits", name: "bystander")
            // At once, before the Wait can end in this run: a graceful stop may take longer.
            try await stepd.kill9()

            let hook = Self.crashHook("execution:poison")
            let first = try await stepd.launchUntilItDies(adding: hook)
            #expect(first != 0, "the first run crashed when the Wait ended")
            let second = try await stepd.launchUntilItDies(adding: hook)
            #expect(second != 0, "the second run crashed replaying it")
            try await stepd.launch(adding: hook)

            let failed = try await stepd.waitForExecution(poison)
            #expect(failed["status"] == "FAILED", "\(failed.serialized())")
            #expect(failed["error"] == "States.Runtime")
            #expect(failed["cause"]?.stringValue?.contains("stepd stopped 2 times in a row while running this execution (in state 'Wait')") == true,
                "\(failed.serialized())")
            let other = try await stepd.waitForExecution(bystander)
            #expect(other["status"] == "SUCCEEDED", "\(other.serialized())")
            #expect(try await stepd.call("Stepd.Health", [:])["Status"] == "OK")
            try await stepd.waitForLogLine(containing: ["work that stopped stepd was set aside", "EXECUTION_ID"])
        }
    }

    /// The child is created by the commit the crash loses, so it is not there to blame after
    /// the restart: the parent, whose drive the restart replays, is.
    @Test("a child that stops stepd as its parent starts it: the parent is set aside")
    func poisonChildBlamesItsParent() async throws {
        try await withStepd { stepd in
            let pass: JSONValue = ["StartAt": "P", "States": ["P": ["Type": "Pass", "End": true]]]
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", ["name": "child", "definition": .string(pass.serialized())])
            let parent: JSONValue = [
                "StartAt": "Wait",
                "States": [
                    "Wait": ["Type": "Wait", "Seconds": 6, "Next": "Start"],
                    "Start": [
                        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
                        "Parameters": ["StateMachineArn": "arn:aws:states:local:000000000000:stateMachine:child"], "End": true,
                    ],
                ],
            ]
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", ["name": "parent", "definition": .string(parent.serialized())])
            let started = try await stepd.startExecution("parent", name: "parent-1")
            // At once, before the Wait can end in this run: a graceful stop may take longer.
            try await stepd.kill9()

            let hook = Self.crashHook("stateMachine:child")
            #expect(try await stepd.launchUntilItDies(adding: hook) != 0)
            #expect(try await stepd.launchUntilItDies(adding: hook) != 0)
            try await stepd.launch(adding: hook)

            let failed = try await stepd.waitForExecution(started)
            #expect(failed["status"] == "FAILED", "\(failed.serialized())")
            #expect(failed["error"] == "States.Runtime")
            #expect(try await stepd.executions(of: "child").isEmpty)
            #expect(try await stepd.call("Stepd.Health", [:])["Status"] == "OK")
        }
    }

    @Test("a spool event whose processing stops stepd goes to failed/ with the reason at the third start", arguments: StepdMode.allCases)
    func poisonSpoolFile(mode: StepdMode) async throws {
        try await withStepd(mode: mode) { stepd in
            let pass: JSONValue = ["StartAt": "P", "States": ["P": ["Type": "Pass", "End": true]]]
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", ["name": "target", "definition": .string(pass.serialized())])
            _ = try await stepd.call("AWSEvents.PutRule", ["Name": "poison", "EventPattern": #"{"source": ["test.poison"]}"#])
            _ = try await stepd.call("AWSEvents.PutTargets", [
                "Rule": "poison", "Targets": [["Id": "t", "Arn": "arn:aws:states:local:000000000000:stateMachine:target"]],
            ])
            try await stepd.terminate()
            try stepd.dropEvent(#"{"source": "test.poison", "detail-type": "d", "detail": {}}"#, name: "poison.json")

            let hook = Self.crashHook("stateMachine:target")
            #expect(try await stepd.launchUntilItDies(adding: hook) != 0)
            #expect(try await stepd.launchUntilItDies(adding: hook) != 0)
            try await stepd.launch(adding: hook)

            #expect(Spool.names(in: stepd.spool + "/new").isEmpty)
            #expect(Spool.names(in: stepd.spool + "/failed") == ["poison.json", "poison.json.error"])
            let reason = try String(contentsOfFile: stepd.spool + "/failed/poison.json.error", encoding: .utf8)
            #expect(reason.contains("taking in this event stopped stepd 2 times in a row"), "\(reason)")
            #expect(try await stepd.executions(of: "target").isEmpty)
            #expect(try await stepd.call("Stepd.Health", [:])["Status"] == "OK")
        }
    }

    @Test("an execution whose drive stopped stepd once is tried again and runs to its end")
    func oneCrashIsForgiven() async throws {
        try await withStepd { stepd in
            _ = try await stepd.call(
                "AWSStepFunctions.CreateStateMachine", ["name": "waits", "definition": .string(Self.waitThenPass.serialized())])
            let once = try await stepd.startExecution("waits", name: "once")
            // At once, before the Wait can end in this run: a graceful stop may take longer.
            try await stepd.kill9()
            #expect(try await stepd.launchUntilItDies(adding: Self.crashHook("execution:once")) != 0)
            try await stepd.launch()
            let ended = try await stepd.waitForExecution(once)
            #expect(ended["status"] == "SUCCEEDED", "\(ended.serialized())")
        }
    }
}
