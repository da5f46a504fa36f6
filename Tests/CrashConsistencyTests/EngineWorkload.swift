import Foundation
import GRDB
import JSON
import Logging
import StatesLanguage
import StepEngine
import StepStore
import TestSupport

extension ManualClock: EngineClock {}

/// The engine on a pool opened as stepd opens it, with its background checkpointer:
/// executions started one after the other, each parking on a task token (written to a local
/// table in its first commit), and tokens answered (success, failure, heartbeat), until the
/// cut. After the reopen: every execution whose start returned is there, every answer that
/// returned has ended its execution, each history counts 1, 2, 3, ... from
/// `ExecutionStarted`, nothing is there that was never begun, and the engine recovers and
/// finishes an execution still parked.
struct EngineWorkload: CrashWorkload {
    static let name = "engine"
    static let syncs = 1...150
    private static let logger = Logger(label: "stepd.crash-tests") { _ in SwiftLogNoOpLogHandler() }
    private static let machine = "park"
    private static let definition: JSONValue = [
        "StartAt": "Park",
        "States": [
            "Park": [
                "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem.waitForTaskToken",
                "Parameters": ["TableName": "Tokens", "Item": ["Id": ["S.$": "$.id"], "Token": ["S.$": "$$.Task.Token"]]],
                "ResultPath": "$.answer", "Next": "After",
            ],
            "After": ["Type": "Pass", "End": true],
        ],
    ]

    enum Answer: Equatable {
        case success(Int)
        case failure(Int)
    }

    /// What the workload did to one execution, and what of it returned.
    struct Execution {
        var isStartAcknowledged = false
        var token: String?
        var answer: Answer?
        var isAnswerAcknowledged = false
    }

    private var random: SplitMix64
    private var isMachineAcknowledged = false
    /// By name, in the order begun.
    private var executions: [String: Execution] = [:]
    private var names: [String] = []

    init(random: inout SplitMix64) {
        self.random = SplitMix64(seed: random.next())
    }

    var summary: String {
        let started = executions.values.filter(\.isStartAcknowledged).count
        let answered = executions.values.filter(\.isAnswerAcknowledged).count
        return "executions begun \(executions.count), started \(started), answers acknowledged \(answered)"
    }

    mutating func runUntilCut(path: String, logWriteBuffer: Bool) async throws {
        do {
            let pool = try StepDatabase.open(path: path, logWriteBuffer: logWriteBuffer)
            let checkpointer = try WALCheckpointer(database: pool, onError: { _ in })
            let engine = Engine(
                database: pool, logger: Self.logger, clock: ManualClock(), checkpointer: checkpointer, ownsCheckpointer: true)
            try await Self.whileRunning(engine) { try await drive(engine) }
        } catch where CrashVFS.isCut {
            // The power went: every call fails from then on.
        }
    }

    private mutating func drive(_ engine: Engine) async throws {
        _ = try await engine.createTable(
            CreateTableRequest([
                "TableName": "Tokens", "KeySchema": [["AttributeName": "Id", "KeyType": "HASH"]],
                "AttributeDefinitions": [["AttributeName": "Id", "AttributeType": "S"]],
            ]))
        _ = try await engine.createStateMachine(name: Self.machine, definition: Self.definition.serialized(), roleArn: nil, type: nil)
        isMachineAcknowledged = true
        var answers = 0
        while !CrashVFS.isCut {
            guard names.count < 100_000 else { throw CrashFinding("no cut after \(names.count) executions (\(CrashVFS.syncs) syncs)") }
            let parked = names.filter { executions[$0]?.token != nil && executions[$0]?.answer == nil }
            if parked.isEmpty || random.chance(55) {
                try await start(on: engine)
            } else if let name = parked.randomElement(using: &random), let token = executions[name]?.token {
                answers += 1
                try await answer(name, token: token, number: answers, on: engine)
            }
        }
    }

    private mutating func start(on engine: Engine) async throws {
        let name = "e\(names.count + 1)"
        names.append(name)
        executions[name] = Execution()
        // Mostly small; now and then a commit of several pages, or of more than the log write
        // buffer's 128 KiB (the input is written to the execution and to several events).
        let padding: Int
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<85: padding = Int.random(in: 0...200, using: &random)
        case 85..<98: padding = Int.random(in: 1_000...6_000, using: &random)
        default: padding = Int.random(in: 30_000...50_000, using: &random)
        }
        let input: JSONValue = ["id": .string(name), "pad": .string(String(repeating: "p", count: padding))]
        _ = try await engine.startExecution(stateMachine: Self.machine, name: name, input: input.serialized(), startedByUid: nil)
        executions[name]?.isStartAcknowledged = true
        var token = try await Self.token(of: name, on: engine)
        if token == nil {
            await engine.waitUntilIdle()
            token = try await Self.token(of: name, on: engine)
        }
        guard let token else {
            if CrashVFS.isCut { return }
            throw CrashFinding("\(name) started, but no token was stored for it")
        }
        executions[name]?.token = token
    }

    private static func token(of name: String, on engine: Engine) async throws -> String? {
        let key: JSONValue = ["TableName": "Tokens", "Key": ["Id": ["S": .string(name)]]]
        let item = try await engine.getItem(TableItemRequest(key, member: "Key"))
        return item?["Token"]?["S"]?.stringValue
    }

    private mutating func answer(_ name: String, token: String, number: Int, on engine: Engine) async throws {
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<70:
            executions[name]?.answer = .success(number)
            try await engine.sendTask(token: token, answer: .success(output: #"{"n": \#(number)}"#))
        case 70..<90:
            executions[name]?.answer = .failure(number)
            try await engine.sendTask(token: token, answer: .failure(error: "Crash.Test", cause: "answer \(number)"))
        default:
            // A commit that changes the task's heartbeat only: the execution stays parked.
            try await engine.sendTask(token: token, answer: .heartbeat)
            return
        }
        executions[name]?.isAnswerAcknowledged = true
    }

    func verify(path: String, logWriteBuffer: Bool) async throws {
        let pool = try StepDatabase.open(path: path, logWriteBuffer: logWriteBuffer)
        try await checkIntegrity(pool)
        let engine = Engine(database: pool, logger: Self.logger, clock: ManualClock())
        try await Self.whileRunning(engine) {
            _ = try await engine.recover()
            try await check(engine)
        }
    }

    /// Runs `body`, then shuts `engine` down (its writer thread ends), whatever `body` did.
    private static func whileRunning(_ engine: Engine, _ body: () async throws -> Void) async throws {
        let outcome: Result<Void, any Error>
        do {
            try await body()
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        await engine.shutdown()
        try outcome.get()
    }

    private func check(_ engine: Engine) async throws {
        let found: [ExecutionDescription]
        do {
            found = try await Self.allExecutions(on: engine)
        } catch let error as StateMachineError where !isMachineAcknowledged {
            // Its creation did not return: it may be missing, and then so is every execution.
            guard case .doesNotExist = error, !executions.values.contains(where: \.isStartAcknowledged) else { throw error }
            return
        }
        let byName = Dictionary(found.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        guard byName.count == found.count else { throw CrashFinding("an execution name is listed twice") }
        for description in found {
            guard let execution = executions[description.name] else {
                throw CrashFinding("\(description.name) is in the database, but was never begun")
            }
            try await Self.checkHistory(of: description, on: engine)
            try Self.check(description, against: execution)
        }
        for name in names {
            guard let execution = executions[name], execution.isStartAcknowledged else { continue }
            guard byName[name] != nil else { throw CrashFinding("\(name)'s start was acknowledged, but it is not in the database") }
        }
        // The restarted engine finishes an execution that was parked before the cut.
        if let name = names.first(where: { byName[$0]?.status.rawValue == "RUNNING" && executions[$0]?.token != nil }),
            let token = executions[name]?.token, let arn = byName[name]?.arn
        {
            try await engine.sendTask(token: token, answer: .success(output: #"{"after": "the cut"}"#))
            let ended = try await bounded(seconds: 10, "\(name) ending after the reopen") { try await engine.waitForExecution(arn: arn) }
            guard ended.status.rawValue == "SUCCEEDED" else {
                throw CrashFinding("\(name), answered after the reopen, ended \(ended.status.rawValue)")
            }
        }
    }

    private static func allExecutions(on engine: Engine) async throws -> [ExecutionDescription] {
        var all: [ExecutionDescription] = []
        var next: String?
        repeat {
            let page = try await engine.listExecutions(stateMachine: machine, statusFilter: nil, maxResults: 1000, nextToken: next)
            all += page.items
            next = page.nextToken
        } while next != nil
        return all
    }

    /// Ids 1, 2, 3, ... with no gap, each pointing back at an earlier event, from `ExecutionStarted`.
    private static func checkHistory(of description: ExecutionDescription, on engine: Engine) async throws {
        let events = try await engine.getExecutionHistory(arn: description.arn, maxResults: 1000, reverseOrder: false, nextToken: nil).items
        for (index, event) in events.enumerated() {
            guard event.id == Int64(index + 1), event.previousEventId >= 0, event.previousEventId < event.id else {
                let listed = events.map { "\($0.id)<-\($0.previousEventId) \($0.type)" }
                throw CrashFinding("\(description.name)'s history is not contiguous: \(listed)")
            }
        }
        guard events.first?.type == "ExecutionStarted" else {
            throw CrashFinding("\(description.name)'s history does not begin with ExecutionStarted: \(events.map(\.type))")
        }
        // The event a history ends with, for each status an execution may have here.
        let lastEvents = ["RUNNING": "TaskSubmitted", "SUCCEEDED": "ExecutionSucceeded", "FAILED": "ExecutionFailed"]
        let status = description.status.rawValue
        guard let wanted = lastEvents[status] else { throw CrashFinding("\(description.name) is \(status)") }
        guard events.last?.type == wanted else {
            throw CrashFinding("\(description.name) is \(status), its history ends with \(events.last?.type ?? "nothing")")
        }
    }

    /// What an execution in the database may be: an answer that returned has ended it; one
    /// that did not return may have, or not.
    private static func check(_ description: ExecutionDescription, against execution: Execution) throws {
        let status = description.status.rawValue
        // Ended as the answer asked: with its output, or its error's cause.
        let isAnswered =
            switch execution.answer {
            case .success(let number): status == "SUCCEEDED" && parsedOutput(description)?["answer"]?["n"] == .number(Double(number))
            case .failure(let number): status == "FAILED" && description.cause == "answer \(number)"
            case nil: false
            }
        if execution.isAnswerAcknowledged {
            guard isAnswered else {
                throw CrashFinding("\(description.name)'s answer \(String(describing: execution.answer)) was acknowledged, but it is \(status)")
            }
        } else {
            guard status == "RUNNING" || isAnswered else {
                throw CrashFinding("\(description.name) is \(status), answered \(String(describing: execution.answer)) (not acknowledged)")
            }
        }
    }

    private static func parsedOutput(_ description: ExecutionDescription) -> JSONValue? {
        description.output.flatMap { try? JSONValue(parsing: $0) }
    }
}
