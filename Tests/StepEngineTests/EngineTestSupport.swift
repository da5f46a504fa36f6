import Foundation
import JSON
import Logging
import StepAPI
import StepEngine
import StepStore
import TestSupport
import Testing

/// An engine on a fresh SQLite file in its own temporary directory.
struct TestEngine {
    let engine: Engine
    let directory: String
    var path: String { directory + "/db.sqlite" }

    init(clock: @escaping @Sendable () -> Date = { Date() }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepd-engine-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        engine = try Self.open(path: directory + "/db.sqlite", clock: clock)
    }

    /// Another engine on an existing database file (a restarted daemon).
    static func open(path: String, clock: @escaping @Sendable () -> Date = { Date() }) throws -> Engine {
        let pool = try StepDatabase.open(path: path)
        return Engine(database: pool, logger: Logger(label: "stepd.tests"), clock: clock)
    }

    @discardableResult
    func machine(_ name: String, _ definition: String) async throws -> String {
        let created = try await engine.createStateMachine(name: name, definition: definition, roleArn: nil, type: nil)
        return try #require(created["stateMachineArn"]?.stringValue)
    }

    func start(_ machine: String, input: JSONValue = [:], name: String? = nil) async throws -> String {
        let started = try await engine.startExecution(stateMachine: machine, name: name, input: input.serialized(), startedByUid: nil)
        return try #require(started["executionArn"]?.stringValue)
    }

    /// Runs `machine` on `input` to its end and returns the description.
    func run(_ machine: String, input: JSONValue = [:]) async throws -> Execution {
        let arn = try await start(machine, input: input)
        return try await finish(arn)
    }

    func finish(_ arn: String) async throws -> Execution {
        Execution(arn: arn, description: try await engine.waitForExecution(arn: arn))
    }

    static func history(of arn: String, in engine: Engine) async throws -> [JSONValue] {
        let page = try await engine.getExecutionHistory(arn: arn, maxResults: 1000, reverseOrder: false, nextToken: nil, includeExecutionData: true)
        return try #require(page["events"]?.arrayValue)
    }

    func history(_ arn: String, includeExecutionData: Bool = true) async throws -> [JSONValue] {
        let page = try await engine.getExecutionHistory(
            arn: arn, maxResults: 1000, reverseOrder: false, nextToken: nil, includeExecutionData: includeExecutionData)
        return try #require(page["events"]?.arrayValue)
    }

    func createTable(_ name: String, key: String = "Id") async throws {
        _ = try await engine.tableAction(
            "CreateTable",
            ["TableName": .string(name), "KeySchema": [["AttributeName": .string(key), "KeyType": "HASH"]],
             "AttributeDefinitions": [["AttributeName": .string(key), "AttributeType": "S"]]])
    }

    /// The string attribute `attribute` of the item keyed `Id = id` in `table`.
    func itemString(_ table: String, id: String, attribute: String) async throws -> String? {
        let got = try await engine.tableAction("GetItem", ["TableName": .string(table), "Key": ["Id": ["S": .string(id)]]])
        return got["Item"]?[attribute]?["S"]?.stringValue
    }
}

/// A finished execution's description, with its parts parsed.
struct Execution {
    let arn: String
    let description: JSONValue
    var status: String? { description["status"]?.stringValue }
    var error: String? { description["error"]?.stringValue }
    var cause: String? { description["cause"]?.stringValue }
    var output: JSONValue? { description["output"]?.stringValue.flatMap { try? JSONValue(parsing: $0) } }
    var duration: Double? {
        guard let start = description["startDate"]?.numberValue, let stop = description["stopDate"]?.numberValue else { return nil }
        return stop - start
    }
}

/// The `APIError` that `body` throws, or nil (recording an issue) when it throws something else or nothing.
func apiError(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async -> APIError? {
    do {
        try await body()
        Issue.record("expected an APIError, nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as APIError {
        return error
    } catch {
        Issue.record("expected an APIError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

extension JSONValue {
    /// A definition or document literal as JSON text.
    var text: String { serialized() }

    /// The element at `index` of an array; `nil` otherwise.
    subscript(index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }
}

extension [JSONValue] {
    var types: [String] { compactMap { $0["type"]?.stringValue } }

    func events(_ type: String) -> [JSONValue] { filter { $0["type"]?.stringValue == type } }

    /// The state names of the `…StateEntered` events, in order.
    var enteredStates: [String] {
        compactMap { $0["stateEnteredEventDetails"]?["name"]?.stringValue }
    }
}

/// Parses the JSON text in a payload member such as `input` or `output`.
func parsed(_ value: JSONValue?) -> JSONValue? {
    value?.stringValue.flatMap { try? JSONValue(parsing: $0) }
}

/// A token the engine could have issued (64 URL-safe base64 characters) but did not.
let unissuedToken = String(repeating: "A", count: 64)
