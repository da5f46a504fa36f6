import Foundation
import JSON
import StepEngine
import Testing

/// Tags of state machines: TagResource, UntagResource, ListTagsForResource and
/// CreateStateMachine's `tags`, with AWS's rules and quota (50 per resource).
@Suite struct TagTests {
    static let definition = #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#

    @Test func tagsAreSetReplacedListedAndRemoved() async throws {
        let test = try TestEngine()
        let arn = try await test.engine.createStateMachine(
            name: "tagged", definition: Self.definition, roleArn: nil, type: nil, tags: [.init(key: "team", value: "ops")]).arn
        try await test.engine.tagResource(arn: arn, tags: [.init(key: "env", value: "prod"), .init(key: "team", value: "platform")])
        #expect(try await test.engine.listTags(arn: arn) == [.init(key: "env", value: "prod"), .init(key: "team", value: "platform")])
        try await test.engine.untagResource(arn: arn, keys: ["team", "absent"])
        #expect(try await test.engine.listTags(arn: "tagged") == [.init(key: "env", value: "prod")])
    }

    @Test func deletingTheStateMachineTakesItsTags() async throws {
        let test = try TestEngine()
        let arn = try await test.machine("tagged", Self.definition)
        try await test.engine.tagResource(arn: arn, tags: [.init(key: "k", value: "v")])
        try await test.engine.deleteStateMachine(reference: arn)
        let gone = await engineError { _ = try await test.engine.listTags(arn: arn) }
        #expect(gone as? TagError == .resourceNotFound(arn: arn))
        try await test.machine("tagged", Self.definition)
        #expect(try await test.engine.listTags(arn: arn) == [])
    }

    @Test func atMostFiftyTagsPerResource() async throws {
        let test = try TestEngine()
        let arn = try await test.machine("tagged", Self.definition)
        try await test.engine.tagResource(arn: arn, tags: (0..<50).map { .init(key: "k\($0)", value: "") })
        let more = await engineError { try await test.engine.tagResource(arn: arn, tags: [.init(key: "one-more", value: "x")]) }
        #expect(more as? TagError == .tooManyTags(arn: arn))
        #expect(try await test.engine.listTags(arn: arn).count == 50)
        // Replacing a value is not one more tag.
        try await test.engine.tagResource(arn: arn, tags: [.init(key: "k0", value: "new")])
    }

    @Test(arguments: ["", String(repeating: "k", count: 129), "semi;colon", "quote\"", "emoji🙂"])
    func invalidKeysAreRefused(key: String) async throws {
        let test = try TestEngine()
        let arn = try await test.machine("tagged", Self.definition)
        let error = await engineError { try await test.engine.tagResource(arn: arn, tags: [.init(key: key, value: "v")]) }
        #expect(isError(error, TagError.self) { if case .invalidTag = $0 { true } else { false } }, "\(key)")
    }

    @Test(arguments: ["cost-center", "a b", "path/to:x=y+z@w_v.u", "Ünïcödé", "数字123"])
    func allowedKeysAreTaken(key: String) async throws {
        let test = try TestEngine()
        let arn = try await test.machine("tagged", Self.definition)
        try await test.engine.tagResource(arn: arn, tags: [.init(key: key, value: key)])
        #expect(try await test.engine.listTags(arn: arn) == [.init(key: key, value: key)])
    }

    @Test func unknownStateMachinesAreNotFound() async throws {
        let test = try TestEngine()
        let arn = "arn:aws:states:local:000000000000:stateMachine:none"
        for call in [
            { try await test.engine.tagResource(arn: arn, tags: [.init(key: "k", value: "v")]) },
            { try await test.engine.untagResource(arn: arn, keys: ["k"]) },
            { _ = try await test.engine.listTags(arn: arn) },
        ] as [@Sendable () async throws -> Void] {
            let error = await engineError { try await call() }
            #expect(error as? TagError == .resourceNotFound(arn: arn))
        }
    }
}
