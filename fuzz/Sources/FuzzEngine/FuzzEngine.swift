import Foundation
import FuzzEngineSupport
import FuzzSupport
import JSON
import StepEngine
import Synchronization
import TestSupport

/// The whole engine: a state machine and its input built from the bytes, created, run to its
/// end on the manual clock, and its description and history checked.
///
/// An input that starts with `{` is text: a definition on the first line, the execution's
/// input after it (the seeds from examples/ and the tests). Any other input drives
/// `DefinitionGenerator`, which builds definitions that mostly pass validation.
///
/// The clock is moved on in growing steps (1 s, 10 s, ... 10⁸ s) while the execution runs, so
/// Waits, retries and timeouts fall due; one still running after that (a token nobody sends)
/// is stopped; one that can be redriven is redriven once and run again. Checked: the
/// execution ends with a status; its history counts from 1 without a
/// gap, starts with ExecutionStarted and ends with the event of that status; a succeeded
/// execution's output is JSON.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEngine(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = FuzzInput(start, count)
    let definition: String
    let executionInput: String
    if input.bytes.first == UInt8(ascii: "{") {
        (definition, executionInput) = input.firstLineAndRest
    } else {
        var generator = DefinitionGenerator(input.bytes[...])
        let (json, document) = generator.definitionAndInput()
        (definition, executionInput) = (json.serialized(), document.serialized())
    }
    let (engine, clock) = FuzzEngine.shared.beginInput()
    blocking { await run(definition: definition, input: executionInput, engine: engine, clock: clock) }
    return 0
}

/// Each input's state machine has a name of its own: two inputs never share one.
private let machineNumbers = Counter()

private func run(definition: String, input: String, engine: Engine, clock: ManualClock) async {
    let name = "m\(machineNumbers.next())"
    guard (try? await engine.createStateMachine(name: name, definition: definition, roleArn: nil, type: nil)) != nil,
        let started = try? await engine.startExecution(stateMachine: name, name: nil, input: input.isEmpty ? nil : input, startedByUid: nil)
    else { return }
    await runToItsEnd(started.arn, engine: engine, clock: clock)
    // Redriven once when it can be (from the state it ended in), and checked again.
    if (try? await engine.redriveExecution(arn: started.arn, clientToken: nil)) != nil {
        await runToItsEnd(started.arn, engine: engine, clock: clock)
    }
    _ = try? await engine.deleteStateMachine(reference: name)
}

/// Moves the clock on while the execution runs, stops it if it still runs after that, and
/// checks its description and history.
private func runToItsEnd(_ arn: String, engine: Engine, clock: ManualClock) async {
    var description: ExecutionDescription?
    for seconds in [1.0, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 100_000_000] {
        await engine.waitUntilNothingIsDue()
        description = try? await engine.describeExecution(arn: arn)
        if description?.status != .running { break }
        clock.advance(by: seconds)
    }
    if description?.status == .running {
        _ = try? await engine.stopExecution(arn: arn, error: "Fuzz.Stopped", cause: "still running after the clock moved 10^8 s")
        await engine.waitUntilNothingIsDue()
    }
    do {
        try await check(execution: arn, engine: engine)
    } catch {
        require(false, "execution \(arn) cannot be read: \(error)")
    }
}

private func check(execution arn: String, engine: Engine) async throws {
    let description = try await engine.describeExecution(arn: arn)
    let final: [ExecutionStatus: String] = [
        .succeeded: "ExecutionSucceeded", .failed: "ExecutionFailed", .timedOut: "ExecutionTimedOut", .aborted: "ExecutionAborted",
    ]
    guard let lastType = final[description.status] else {
        require(false, "execution \(arn) is \(description.status.rawValue) after it was stopped")
        return
    }
    let history = try await engine.getExecutionHistory(arn: arn, maxResults: 1000, reverseOrder: false, nextToken: nil).items
    require(history.first?.type == "ExecutionStarted", "history of \(arn) starts with \(history.first?.type ?? "nothing")")
    for (index, event) in history.enumerated() {
        require(event.id == Int64(index + 1), "event \(index + 1) of \(arn) has id \(event.id)")
        require(event.previousEventId < event.id, "event \(event.id) of \(arn) follows event \(event.previousEventId)")
    }
    if history.count < 1000 {
        require(history.last?.type == lastType, "\(arn) is \(description.status.rawValue) but its history ends with \(history.last?.type ?? "nothing")")
    }
    if description.status == .succeeded {
        require(description.output.flatMap { try? JSONValue(parsing: $0) } != nil, "\(arn) succeeded with output \(description.output ?? "none")")
    }
}

private final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}
