import Foundation
import JSON
import Logging
import StepEngine
import StepStore
import Synchronization
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
        try await engine.createStateMachine(name: name, definition: definition, roleArn: nil, type: nil).arn
    }

    func start(_ machine: String, input: JSONValue = [:], name: String? = nil) async throws -> String {
        try await engine.startExecution(stateMachine: machine, name: name, input: input.serialized(), startedByUid: nil).arn
    }

    /// Runs `machine` on `input` to its end and returns the description.
    func run(_ machine: String, input: JSONValue = [:]) async throws -> Execution {
        let arn = try await start(machine, input: input)
        return try await finish(arn)
    }

    func finish(_ arn: String) async throws -> Execution {
        Execution(arn: arn, description: try await engine.waitForExecution(arn: arn))
    }

    /// The execution's history, each event as one JSON object: `id`, `previousEventId`,
    /// `timestamp`, `type` and its details member, as GetExecutionHistory lists it.
    static func history(of arn: String, in engine: Engine) async throws -> [JSONValue] {
        let page = try await engine.getExecutionHistory(arn: arn, maxResults: 1000, reverseOrder: false, nextToken: nil)
        return page.items.map(\.json)
    }

    func history(_ arn: String) async throws -> [JSONValue] {
        try await Self.history(of: arn, in: engine)
    }

    func createTable(_ name: String, key: String = "Id") async throws {
        _ = try await engine.createTable(
            CreateTableRequest(
                ["TableName": .string(name), "KeySchema": [["AttributeName": .string(key), "KeyType": "HASH"]],
                 "AttributeDefinitions": [["AttributeName": .string(key), "AttributeType": "S"]]]))
    }

    /// The string attribute `attribute` of the item keyed `Id = id` in `table`.
    func itemString(_ table: String, id: String, attribute: String) async throws -> String? {
        let item = try await engine.getItem(TableItemRequest(["TableName": .string(table), "Key": ["Id": ["S": .string(id)]]], member: "Key"))
        return item?[attribute]?["S"]?.stringValue
    }
}

/// A finished execution's description, with its parts parsed.
struct Execution {
    let arn: String
    let description: ExecutionDescription
    var status: String? { description.status.rawValue }
    var error: String? { description.error }
    var cause: String? { description.cause }
    var output: JSONValue? { description.output.flatMap { try? JSONValue(parsing: $0) } }
    var duration: Double? { description.stopDate.map { $0 - description.startDate } }
}

extension HistoryEvent {
    /// The event as one JSON object, its details member beside `id`, `type` and the rest.
    var json: JSONValue {
        var members = details
        members["id"] = .number(Double(id))
        members["previousEventId"] = .number(Double(previousEventId))
        members["timestamp"] = .number(timestamp)
        members["type"] = .string(type)
        return .object(members)
    }
}

struct BoundExceeded: Error, CustomStringConvertible {
    let description: String
}

/// What `body` returns, or `BoundExceeded` when it takes longer than `seconds`. The body is
/// then cancelled, and not waited for: a wait that ignores cancellation (a checked
/// continuation no one resumes) fails the test instead of hanging it.
func bounded<T: Sendable>(seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let race = FirstToFinish<T>()
    return try await withCheckedThrowingContinuation { continuation in
        race.waiting(continuation)
        let work = Task {
            do { race.finish(with: .success(try await body())) } catch { race.finish(with: .failure(error)) }
        }
        let timer = Task {
            try await Task.sleep(for: .seconds(seconds))
            race.finish(with: .failure(BoundExceeded(description: "\(what) took longer than \(seconds) s")))
            work.cancel()
        }
        race.whenFinished { timer.cancel() }
    }
}

/// Resumes a continuation with whichever result comes first and drops the others.
private final class FirstToFinish<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var onFinish: (@Sendable () -> Void)?
        var isFinished = false
    }

    private let state = Mutex(State())

    func waiting(_ continuation: CheckedContinuation<T, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    func finish(with result: Result<T, any Error>) {
        let won = state.withLock { state -> (CheckedContinuation<T, any Error>, (@Sendable () -> Void)?)? in
            guard !state.isFinished, let continuation = state.continuation else { return nil }
            state.isFinished = true
            state.continuation = nil
            defer { state.onFinish = nil }
            return (continuation, state.onFinish)
        }
        guard let (continuation, onFinish) = won else { return }
        continuation.resume(with: result)
        onFinish?()
    }

    /// Runs `action` once a result has come (at once if it has).
    func whenFinished(_ action: @escaping @Sendable () -> Void) {
        let finished = state.withLock { state -> Bool in
            if state.isFinished { return true }
            state.onFinish = action
            return false
        }
        if finished { action() }
    }
}

/// The error that `body` throws, or nil (recording an issue) when it throws nothing.
func engineError(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async -> (any Error)? {
    do {
        try await body()
        Issue.record("expected an error, nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Whether `error` is an `E` that `matches` accepts (any `E` without it): for the cases whose
/// values a test does not know, such as a definition's validation message.
func isError<E: Error>(_ error: (any Error)?, _ type: E.Type, where matches: (E) -> Bool = { _ in true }) -> Bool {
    guard let typed = error as? E else { return false }
    return matches(typed)
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
    parsed(value?.stringValue)
}

/// Parses a payload's JSON text, such as an execution's `input` or `output`.
func parsed(_ text: String?) -> JSONValue? {
    text.flatMap { try? JSONValue(parsing: $0) }
}

/// A token the engine could have issued (64 URL-safe base64 characters) but did not.
let unissuedToken = String(repeating: "A", count: 64)
