import Foundation
import JSON
import StepEngine
import Testing

/// CreateStateMachine / UpdateStateMachine / StartExecution validation and limits.
@Suite struct StateMachineTests {
    static let hello: JSONValue = ["StartAt": "Hello", "States": ["Hello": ["Type": "Pass", "End": true]]]

    @Test(arguments: [
        ("not json", "definition"),
        (#"{"States": {"A": {"Type": "Pass", "End": true}}}"#, "StartAt"),
        (#"{"StartAt": "Missing", "States": {"A": {"Type": "Pass", "End": true}}}"#, "Missing"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}"#, "Nowhere"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Teleport", "End": true}}}"#, "Teleport"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Task", "End": true}}}"#, "Resource"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Wait", "End": true}}}"#, "Seconds"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": []}}}"#, "Choices"),
    ])
    func invalidDefinitionsAreRefusedNamingTheField(definition: String, field: String) async throws {
        let test = try TestEngine()
        let error = await engineError {
            _ = try await test.engine.createStateMachine(name: "bad", definition: definition, roleArn: nil, type: nil)
        }
        #expect(isError(error, StateMachineError.self) { if case .invalidDefinition = $0 { true } else { false } })
        #expect(error.map { "\($0)" }?.contains(field) == true, "\(error.map { "\($0)" } ?? "")")
        let missing = await engineError { _ = try await test.engine.describeStateMachine(reference: "bad") }
        #expect(missing as? StateMachineError == .doesNotExist(arn: LocalARN.stateMachine("bad")))
    }

    @Test func createIsIdempotentForTheSameDefinitionAndRefusesAnother() async throws {
        let test = try TestEngine()
        let first = try await test.machine("hello", Self.hello.text)
        #expect(first == "arn:aws:states:local:000000000000:stateMachine:hello")
        let second = try await test.machine("hello", Self.hello.text)
        #expect(second == first)
        let other: JSONValue = ["StartAt": "Other", "States": ["Other": ["Type": "Succeed"]]]
        let error = await engineError {
            _ = try await test.engine.createStateMachine(name: "hello", definition: other.text, roleArn: nil, type: nil)
        }
        #expect(error as? StateMachineError == .alreadyExists(arn: LocalARN.stateMachine("hello")))
        let badName = await engineError {
            _ = try await test.engine.createStateMachine(name: "bad name", definition: Self.hello.text, roleArn: nil, type: nil)
        }
        #expect(badName as? RequestError == .invalidName(name: "bad name", what: "state machine name"))
        let batch = await engineError {
            _ = try await test.engine.createStateMachine(name: "fast", definition: Self.hello.text, roleArn: nil, type: "BATCH")
        }
        #expect(batch as? StateMachineError == .unsupportedType("BATCH"))
    }

    /// A start sees the state machine as the last write left it: deleted, created again with
    /// another definition, given another role.
    @Test func startsFollowDeleteRecreateAndRoleUpdates() async throws {
        let test = try TestEngine()
        let first: JSONValue = ["StartAt": "Only", "States": ["Only": ["Type": "Pass", "Result": "first", "End": true]]]
        try await test.machine("m", first.text)
        #expect(try await test.run("m").output == "first")

        try await test.engine.deleteStateMachine(reference: "m")
        let deleted = await engineError { _ = try await test.engine.startExecution(stateMachine: "m", name: nil, input: nil, startedByUid: nil) }
        #expect(deleted as? StateMachineError == .doesNotExist(arn: LocalARN.stateMachine("m")))

        let second: JSONValue = ["StartAt": "Only", "States": ["Only": ["Type": "Pass", "Result": "second", "End": true]]]
        try await test.machine("m", second.text)
        #expect(try await test.run("m").output == "second")

        let role = "arn:aws:iam::000000000000:role/other"
        _ = try await test.engine.updateStateMachine(reference: "m", definition: nil, roleArn: role)
        let arn = try await test.start("m")
        let started = try #require(try await test.history(arn).first)
        #expect(started["executionStartedEventDetails"]?["roleArn"]?.stringValue == role)
    }

    /// A start without a name (and a rule's target) is named with a version 7 UUID: a name
    /// drawn in a later millisecond sorts after the earlier ones in the index that keeps
    /// names unique.
    @Test func namesDrawnByStepdAreTimeOrderedUUIDs() async throws {
        let test = try TestEngine()
        try await test.machine("hello", Self.hello.text)
        var names: [String] = []
        for _ in 0..<20 {
            let started = try await test.engine.startExecution(stateMachine: "hello", name: nil, input: nil, startedByUid: nil)
            let arn = started.arn
            names.append(String(arn.split(separator: ":").last ?? ""))
        }
        for name in names {
            let characters = Array(name)
            #expect(characters.count == 36 && characters[14] == "7", "\(name) is not a version 7 UUID")
        }
        let milliseconds = names.map { $0.prefix(13) }
        #expect(milliseconds == milliseconds.sorted())
    }

    @Test func startExecutionErrors() async throws {
        let test = try TestEngine()
        try await test.machine("hello", Self.hello.text)
        let noMachine = await engineError { _ = try await test.engine.startExecution(stateMachine: "nope", name: nil, input: nil, startedByUid: nil) }
        #expect(noMachine as? StateMachineError == .doesNotExist(arn: LocalARN.stateMachine("nope")))
        let badArn = await engineError {
            _ = try await test.engine.startExecution(stateMachine: "arn:aws:lambda:us-east-1:1:function:f", name: nil, input: nil, startedByUid: nil)
        }
        #expect(isError(badArn, RequestError.self) { if case .invalidArn = $0 { true } else { false } })
        let badName = await engineError { _ = try await test.engine.startExecution(stateMachine: "hello", name: "a b", input: nil, startedByUid: nil) }
        #expect(badName as? RequestError == .invalidName(name: "a b", what: "execution name"))
        let badInput = await engineError { _ = try await test.engine.startExecution(stateMachine: "hello", name: nil, input: "{oops", startedByUid: nil) }
        #expect(isError(badInput, ExecutionError.self) { if case .invalidInput = $0 { true } else { false } })
        // No input means {}.
        let started = try await test.engine.startExecution(stateMachine: "hello", name: "no-input", input: nil, startedByUid: nil)
        let execution = try await test.finish(started.arn)
        #expect(execution.output == [:])
    }

    /// 256 KiB is the limit for input; over it StartExecution answers InvalidExecutionInput and
    /// nothing is written.
    @Test(arguments: [(262_144, true), (262_145, false)])
    func executionInputLimit(bytes: Int, accepted: Bool) async throws {
        let test = try TestEngine()
        try await test.machine("hello", Self.hello.text)
        let input: JSONValue = ["s": .string(String(repeating: "x", count: bytes - #"{"s":""}"#.utf8.count))]
        #expect(input.serialized().utf8.count == bytes)
        if accepted {
            let execution = try await test.run("hello", input: input)
            #expect(execution.status == "SUCCEEDED")
            #expect(execution.output == input)
        } else {
            let error = await engineError { _ = try await test.start("hello", input: input) }
            #expect(isError(error, ExecutionError.self) { if case .invalidInput(let reason) = $0 { reason.contains("262144") } else { false } })
            let list = try await test.engine.listExecutions(stateMachine: "hello", statusFilter: nil, maxResults: nil, nextToken: nil)
            #expect(list.items.isEmpty)
        }
    }

    /// A running execution keeps the definition it started with (AWS: updates apply to new executions).
    @Test func updateKeepsRunningExecutionsOnTheirDefinition() async throws {
        let test = try TestEngine()
        try await test.createTable("Tokens")
        let v1 = TaskTokenTests.parking(then: ["Type": "Pass", "Result": "v1", "End": true])
        try await test.machine("park", v1.text)
        let (old, token) = try await TaskTokenTests.park(test)
        let v2: JSONValue = ["StartAt": "Only", "States": ["Only": ["Type": "Pass", "Result": "v2", "End": true]]]
        let updated = try await test.engine.updateStateMachine(reference: LocalARN.stateMachine("park"), definition: v2.text, roleArn: nil)
        #expect(updated.updateDate > 0 && updated.revisionId != nil)
        #expect(try await test.engine.describeStateMachine(reference: "park").definition == v2.text)
        // DescribeStateMachineForExecution: each execution with the definition it started with.
        #expect(try await test.engine.describeStateMachine(forExecution: old).definition == v1.text)
        let unknown = await engineError { _ = try await test.engine.describeStateMachine(forExecution: old + "x") }
        #expect(isError(unknown, ExecutionError.self) { if case .doesNotExist = $0 { true } else { false } })

        try await test.engine.sendTask(token: token, answer: .success(output: "{}"))
        let oldExecution = try await test.finish(old)
        #expect(oldExecution.status == "SUCCEEDED")
        #expect(oldExecution.output == "v1")
        let newExecution = try await test.run("park")
        #expect(newExecution.output == "v2")
        #expect(try await test.engine.describeStateMachine(forExecution: newExecution.arn).definition == v2.text)
        // The state machine deleted: its executions still show what they ran.
        try await test.engine.deleteStateMachine(reference: "park")
        let forOld = try await test.engine.describeStateMachine(forExecution: old)
        #expect(forOld.definition == v1.text)
        #expect(forOld.arn == LocalARN.stateMachine("park"))

        let invalid = await engineError { _ = try await test.engine.updateStateMachine(reference: "park", definition: "{}", roleArn: nil) }
        #expect(isError(invalid, StateMachineError.self) { if case .invalidDefinition = $0 { true } else { false } })
        let missing = await engineError { _ = try await test.engine.updateStateMachine(reference: "nope", definition: v2.text, roleArn: nil) }
        #expect(missing as? StateMachineError == .doesNotExist(arn: LocalARN.stateMachine("nope")))
    }

    @Test func unknownAndMalformedExecutionARNs() async throws {
        let test = try TestEngine()
        try await test.machine("hello", Self.hello.text)
        let missing = LocalARN.execution(stateMachine: "hello", name: "never-started")
        let waited = await engineError { _ = try await test.engine.waitForExecution(arn: missing) }
        #expect(waited as? ExecutionError == .doesNotExist(arn: missing))
        let described = await engineError { _ = try await test.engine.describeExecution(arn: missing) }
        #expect(described as? ExecutionError == .doesNotExist(arn: missing))
        let stopped = await engineError { _ = try await test.engine.stopExecution(arn: missing, error: nil, cause: nil) }
        #expect(stopped as? ExecutionError == .doesNotExist(arn: missing))
        let malformed = await engineError { _ = try await test.engine.describeExecution(arn: "hello:run") }
        #expect(isError(malformed, RequestError.self) { if case .invalidArn = $0 { true } else { false } })
        // An ARN of another region and account names the same local execution.
        let run = try await test.run("hello", input: ["x": 1])
        let foreign = run.arn.replacingOccurrences(of: "local:000000000000", with: "us-east-1:123456789012")
        #expect(try await test.engine.describeExecution(arn: foreign).arn == run.arn)
    }

    @Test func listExecutionsFiltersAndPages() async throws {
        let test = try TestEngine()
        try await test.machine("hello", Self.hello.text)
        var arns: [String] = []
        for index in 0..<5 { arns.append(try await test.run("hello", input: ["i": .number(Double(index))]).arn) }
        var listed: [String] = []
        var token: String?
        repeat {
            let page = try await test.engine.listExecutions(stateMachine: "hello", statusFilter: "SUCCEEDED", maxResults: 2, nextToken: token)
            listed += page.items.map(\.arn)
            token = page.nextToken
        } while token != nil
        #expect(listed == arns.reversed())
        let failed = try await test.engine.listExecutions(stateMachine: "hello", statusFilter: "FAILED", maxResults: nil, nextToken: nil)
        #expect(failed.items.isEmpty)
        let badFilter = await engineError { _ = try await test.engine.listExecutions(stateMachine: "hello", statusFilter: "DONE", maxResults: nil, nextToken: nil) }
        #expect(isError(badFilter, RequestError.self) { if case .invalid = $0 { true } else { false } })
    }

    /// New executions arriving between two pages neither repeat nor hide any item: the token
    /// continues after the last item listed, not at a position.
    @Test func pagesStayStableWhileExecutionsArrive() async throws {
        let test = try TestEngine()
        try await test.machine("hello", Self.hello.text)
        var arns: [String] = []
        for index in 0..<4 { arns.append(try await test.run("hello", input: ["i": .number(Double(index))]).arn) }
        let first = try await test.engine.listExecutions(stateMachine: "hello", statusFilter: nil, maxResults: 2, nextToken: nil)
        _ = try await test.run("hello", input: ["late": true])
        let second = try await test.engine.listExecutions(
            stateMachine: "hello", statusFilter: nil, maxResults: 2, nextToken: first.nextToken)
        let listed = first.items + second.items
        #expect(listed.map(\.arn) == arns.reversed())
    }
}
