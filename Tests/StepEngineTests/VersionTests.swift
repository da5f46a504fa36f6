import Foundation
import JSON
import StepEngine
import Testing

/// Revisions, published versions and aliases of state machines, with the behaviour AWS
/// records (localstack's AWS-validated snapshots; botocore's model for the members).
@Suite struct VersionTests {
    static func pass(_ result: String) -> String {
        JSONValue.object(["StartAt": "P", "States": ["P": ["Type": "Pass", "Result": .string(result), "End": true]]]).serialized()
    }

    static let arn = LocalARN.stateMachine("m")
    static func version(_ number: Int) -> String { "\(arn):\(number)" }
    static func alias(_ name: String) -> String { "\(arn):\(name)" }

    @Test func revisionsAreMadeByChangesAndPublishedOnceEach() async throws {
        let test = try TestEngine()
        let created = try await test.engine.createStateMachine(name: "m", definition: Self.pass("one"), roleArn: nil, type: nil, publish: true)
        #expect(created.versionArn == Self.version(1))
        // The first revision has no id, as on AWS.
        #expect(try await test.engine.describeStateMachine(reference: "m").revisionId == nil)

        let same = try await test.engine.updateStateMachine(reference: "m", definition: Self.pass("one"), roleArn: nil, publish: true)
        #expect(same.revisionId == nil)
        #expect(same.versionArn == Self.version(1))

        let changed = try await test.engine.updateStateMachine(reference: "m", definition: Self.pass("two"), roleArn: nil)
        let revision = try #require(changed.revisionId)
        #expect(changed.versionArn == nil)
        #expect(try await test.engine.describeStateMachine(reference: Self.arn).revisionId == revision)

        let published = try await test.engine.publishStateMachineVersion(reference: "m", revisionId: revision, description: "second")
        #expect(published.arn == Self.version(2))
        // Idempotent: the current revision has its version already.
        #expect(try await test.engine.publishStateMachineVersion(reference: "m", revisionId: nil, description: nil).arn == Self.version(2))

        let two = try await test.engine.describeStateMachine(reference: Self.version(2))
        #expect(two.arn == Self.version(2))
        #expect(two.description == "second")
        #expect(two.revisionId == revision)
        #expect(two.definition == Self.pass("two"))
        let one = try await test.engine.describeStateMachine(reference: Self.version(1))
        #expect(one.definition == Self.pass("one"))
        #expect(one.description == nil)
        #expect(one.revisionId == nil)
    }

    @Test func aRoleChangeIsARevisionAndAVersionKeepsItsRole() async throws {
        let test = try TestEngine()
        let oldRole = "arn:aws:iam::000000000000:role/old"
        _ = try await test.engine.createStateMachine(name: "m", definition: Self.pass("x"), roleArn: oldRole, type: nil, publish: true)
        let updated = try await test.engine.updateStateMachine(reference: "m", definition: nil, roleArn: "arn:aws:iam::000000000000:role/new")
        #expect(updated.revisionId != nil)
        #expect(try await test.engine.describeStateMachine(reference: Self.version(1)).roleArn == oldRole)
        let started = try await test.start(Self.version(1))
        _ = try await test.finish(started)
        #expect(try await test.history(started).first?["executionStartedEventDetails"]?["roleArn"] == .string(oldRole))
    }

    @Test func numbersAreNotUsedTwice() async throws {
        let test = try TestEngine()
        _ = try await test.engine.createStateMachine(name: "m", definition: Self.pass("1"), roleArn: nil, type: nil, publish: true)
        _ = try await test.engine.updateStateMachine(reference: "m", definition: Self.pass("2"), roleArn: nil, publish: true)
        try await test.engine.deleteStateMachineVersion(reference: Self.version(2))
        // Gone already: still a success.
        try await test.engine.deleteStateMachineVersion(reference: Self.version(2))
        _ = try await test.engine.updateStateMachine(reference: "m", definition: Self.pass("3"), roleArn: nil)
        #expect(try await test.engine.publishStateMachineVersion(reference: "m", revisionId: nil, description: nil).arn == Self.version(3))
        let listed = try await test.engine.listStateMachineVersions(reference: "m", maxResults: nil, nextToken: nil)
        #expect(listed.items.map(\.arn) == [Self.version(3), Self.version(1)])
        let first = try await test.engine.listStateMachineVersions(reference: "m", maxResults: 1, nextToken: nil)
        #expect(first.items.map(\.arn) == [Self.version(3)])
        let second = try await test.engine.listStateMachineVersions(reference: "m", maxResults: 1, nextToken: first.nextToken)
        #expect(second.items.map(\.arn) == [Self.version(1)])
        #expect(second.nextToken == nil)
    }

    @Test func publishingARevisionThatIsNotCurrentIsAConflict() async throws {
        let test = try TestEngine()
        try await test.machine("m", Self.pass("1"))
        let first = try #require(try await test.engine.updateStateMachine(reference: "m", definition: Self.pass("2"), roleArn: nil).revisionId)
        let second = try #require(try await test.engine.updateStateMachine(reference: "m", definition: Self.pass("3"), roleArn: nil).revisionId)
        let error = await engineError { _ = try await test.engine.publishStateMachineVersion(reference: "m", revisionId: first, description: nil) }
        #expect(
            error as? VersionError
                == .conflict("Failed to publish the State Machine version for revision \(first). The current State Machine revision is \(second)."))
        // "INITIAL" names the first revision, which is no longer current either.
        let initial = await engineError { _ = try await test.engine.publishStateMachineVersion(reference: "m", revisionId: "INITIAL", description: nil) }
        #expect(isError(initial, VersionError.self))
    }

    @Test func aVersionDescriptionNeedsPublish() async throws {
        let test = try TestEngine()
        let error = await engineError {
            _ = try await test.engine.createStateMachine(name: "m", definition: Self.pass("1"), roleArn: nil, type: nil, versionDescription: "d")
        }
        #expect(error as? RequestError == .invalid(reason: "Version description can only be set when publish is true"))
    }

    @Test func aVersionRunsItsOwnDefinitionAndExecutionsNameIt() async throws {
        let test = try TestEngine()
        _ = try await test.engine.createStateMachine(name: "m", definition: Self.pass("one"), roleArn: nil, type: nil, publish: true)
        _ = try await test.engine.updateStateMachine(reference: "m", definition: Self.pass("two"), roleArn: nil)

        let throughVersion = try await test.finish(try await test.start(Self.version(1)))
        #expect(throughVersion.output == "one")
        #expect(throughVersion.description.versionArn == Self.version(1))
        #expect(throughVersion.description.aliasArn == nil)
        // The execution's ARN names the state machine alone, as on AWS.
        #expect(throughVersion.arn.hasPrefix(LocalARN.execution(stateMachine: "m", name: "")))
        let started = try await test.history(throughVersion.arn).first?["executionStartedEventDetails"]
        #expect(started?["stateMachineVersionArn"] == .string(Self.version(1)))
        #expect(started?["stateMachineAliasArn"] == nil)

        let latest = try await test.run("m")
        #expect(latest.output == "two")
        #expect(latest.description.versionArn == nil)

        let all = try await test.engine.listExecutions(stateMachine: "m", statusFilter: nil, maxResults: nil, nextToken: nil)
        #expect(all.items.count == 2)
        let ofVersion = try await test.engine.listExecutions(stateMachine: Self.version(1), statusFilter: nil, maxResults: nil, nextToken: nil)
        #expect(ofVersion.items.map(\.arn) == [throughVersion.arn])
        #expect(ofVersion.items.first?.versionArn == Self.version(1))
        #expect(try await test.engine.describeStateMachine(forExecution: throughVersion.arn).definition == Self.pass("one"))
    }

    @Test func aliasesRouteByWeightAndNameTheirStarts() async throws {
        let test = try TestEngine()
        _ = try await test.engine.createStateMachine(name: "m", definition: Self.pass("one"), roleArn: nil, type: nil, publish: true)
        _ = try await test.engine.updateStateMachine(reference: "m", definition: Self.pass("two"), roleArn: nil, publish: true)
        let created = try await test.engine.createStateMachineAlias(
            name: "PROD", description: "live", routing: [(Self.version(1), 100), (Self.version(2), 0)])
        #expect(created.arn == Self.alias("PROD"))
        // The same request again answers the same alias; a different one is a conflict.
        let again = try await test.engine.createStateMachineAlias(
            name: "PROD", description: "live", routing: [(Self.version(1), 100), (Self.version(2), 0)])
        #expect(again == created)
        let different = await engineError {
            _ = try await test.engine.createStateMachineAlias(name: "PROD", description: "other", routing: [(Self.version(1), 100)])
        }
        #expect(
            different as? VersionError
                == .conflict("Failed to create alias because an alias with the same name and a different routing configuration already exists."))

        for _ in 0..<5 {
            let run = try await test.finish(try await test.start(Self.alias("PROD")))
            #expect(run.output == "one")
            #expect(run.description.versionArn == Self.version(1))
            #expect(run.description.aliasArn == Self.alias("PROD"))
        }
        _ = try await test.engine.updateStateMachineAlias(reference: Self.alias("PROD"), description: nil, routing: [(Self.version(2), 100)])
        let moved = try await test.finish(try await test.start(Self.alias("PROD")))
        #expect(moved.output == "two")
        let started = try await test.history(moved.arn).first?["executionStartedEventDetails"]
        #expect(started?["stateMachineAliasArn"] == .string(Self.alias("PROD")))
        #expect(started?["stateMachineVersionArn"] == .string(Self.version(2)))

        let described = try await test.engine.describeStateMachineAlias(reference: Self.alias("PROD"))
        #expect(described.description == "live")
        #expect(described.routing == [.init(versionArn: Self.version(2), weight: 100)])
        #expect(described.updateDate >= described.creationDate)
        let ofAlias = try await test.engine.listExecutions(stateMachine: Self.alias("PROD"), statusFilter: nil, maxResults: nil, nextToken: nil)
        #expect(ofAlias.items.count == 6)
    }

    @Test func aVersionAnAliasUsesCannotBeDeleted() async throws {
        let test = try TestEngine()
        _ = try await test.engine.createStateMachine(name: "m", definition: Self.pass("one"), roleArn: nil, type: nil, publish: true)
        _ = try await test.engine.createStateMachineAlias(name: "a", description: nil, routing: [(Self.version(1), 100)])
        _ = try await test.engine.createStateMachineAlias(name: "b", description: nil, routing: [(Self.version(1), 100)])
        let refused = await engineError { try await test.engine.deleteStateMachineVersion(reference: Self.version(1)) }
        #expect(
            refused as? VersionError
                == .conflict("Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [a, b]"))
        let aliases = try await test.engine.listStateMachineAliases(reference: Self.version(1), maxResults: nil, nextToken: nil)
        #expect(aliases.items.map(\.arn) == [Self.alias("a"), Self.alias("b")])
        try await test.engine.deleteStateMachineAlias(reference: Self.alias("a"))
        try await test.engine.deleteStateMachineAlias(reference: Self.alias("a"))
        try await test.engine.deleteStateMachineAlias(reference: Self.alias("b"))
        try await test.engine.deleteStateMachineVersion(reference: Self.version(1))
        // A deleted version cannot be started.
        let start = await engineError { _ = try await test.start(Self.version(1)) }
        #expect(start as? StateMachineError == .doesNotExist(arn: Self.version(1)))
        let missing = await engineError { _ = try await test.engine.describeStateMachineAlias(reference: Self.alias("a")) }
        #expect(missing as? VersionError == .resourceNotFound("Request references a resource that does not exist."))
    }

    @Test func deletingTheStateMachineTakesItsVersionsAndAliases() async throws {
        let test = try TestEngine()
        _ = try await test.engine.createStateMachine(name: "m", definition: Self.pass("one"), roleArn: nil, type: nil, publish: true)
        _ = try await test.engine.createStateMachineAlias(name: "a", description: nil, routing: [(Self.version(1), 100)])
        try await test.engine.deleteStateMachine(reference: "m")
        _ = try await test.engine.createStateMachine(name: "m", definition: Self.pass("new"), roleArn: nil, type: nil)
        #expect(try await test.engine.listStateMachineVersions(reference: "m", maxResults: nil, nextToken: nil).items.isEmpty)
        #expect(try await test.engine.listStateMachineAliases(reference: "m", maxResults: nil, nextToken: nil).items.isEmpty)
        let start = await engineError { _ = try await test.start(Self.alias("a")) }
        #expect(isError(start, VersionError.self))
    }

    @Test(arguments: [
        ([("arn:aws:states:local:000000000000:stateMachine:m", 100)], "Routing configuration must contain state machine version ARNs. Received: [arn:aws:states:local:000000000000:stateMachine:m]"),
        ([("arn:aws:states:local:000000000000:stateMachine:m:1", 50), ("arn:aws:states:local:000000000000:stateMachine:m:1", 50)],
         "Routing configuration must contain distinct state machine version ARNs. Received: [arn:aws:states:local:000000000000:stateMachine:m:1, arn:aws:states:local:000000000000:stateMachine:m:1]"),
        ([("arn:aws:states:local:000000000000:stateMachine:m:1", 70), ("arn:aws:states:local:000000000000:stateMachine:m:2", 29)],
         "Sum of routing configuration weights must equal 100. Received: [70, 29]"),
    ] as [([(String, Int)], String)])
    func routingIsCheckedAsAWSChecksIt(routing: [(String, Int)], message: String) async throws {
        let test = try TestEngine()
        _ = try await test.engine.createStateMachine(name: "m", definition: Self.pass("one"), roleArn: nil, type: nil, publish: true)
        let error = await engineError {
            _ = try await test.engine.createStateMachineAlias(name: "a", description: nil, routing: routing.map { (arn: $0.0, weight: $0.1) })
        }
        #expect(error as? RequestError == .invalid(reason: message))
    }

    @Test func qualifiedArnsAreRefusedWhereOnlyTheStateMachineIsTaken() async throws {
        let test = try TestEngine()
        _ = try await test.engine.createStateMachine(name: "m", definition: Self.pass("one"), roleArn: nil, type: nil, publish: true)
        let update = await engineError { _ = try await test.engine.updateStateMachine(reference: Self.version(1), definition: Self.pass("x"), roleArn: nil) }
        #expect(update as? StateMachineError == .doesNotExist(arn: Self.version(1)))
        let delete = await engineError { try await test.engine.deleteStateMachine(reference: Self.version(1)) }
        #expect(isError(delete, RequestError.self))
        #expect(try await test.engine.describeStateMachine(reference: "m").arn == Self.arn)
    }
}

/// Alias names and qualified state machine ARNs as AWS reads them.
@Suite struct AliasNameTests {
    @Test(arguments: [("PROD", true), ("v1.2-beta_x", true), ("123", false), ("INVALID ALIAS", false), ("!INVALID", false),
                      ("ALIAS@", false), ("", false), (String(repeating: "a", count: 80), true), (String(repeating: "a", count: 81), false)])
    func aliasNamesFollowAWSsPattern(name: String, valid: Bool) {
        #expect(AliasName.isValid(name) == valid)
    }

    @Test(arguments: [
        ("arn:aws:states:us-east-1:123456789012:stateMachine:m", "m", nil),
        ("arn:aws:states:us-east-1:123456789012:stateMachine:m:12", "m", LocalARN.Qualifier.version(12)),
        ("arn:aws:states:us-east-1:123456789012:stateMachine:m:PROD", "m", LocalARN.Qualifier.alias("PROD")),
        ("m", "m", nil),
    ] as [(String, String, LocalARN.Qualifier?)])
    func qualifiedArnsAreRead(reference: String, name: String, qualifier: LocalARN.Qualifier?) throws {
        let read = try LocalARN.qualifiedStateMachine(from: reference)
        #expect(read.name == name)
        #expect(read.qualifier == qualifier)
    }

    @Test(arguments: ["arn:aws:states:local:0:stateMachine:m:0", "arn:aws:states:local:0:stateMachine:m:a b", "arn:aws:states:local:0:stateMachine:m:1:2"])
    func malformedQualifiersAreRefused(reference: String) {
        #expect(throws: RequestError.self) { try LocalARN.qualifiedStateMachine(from: reference) }
    }
}
