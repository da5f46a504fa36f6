import Foundation
import FuzzSupport
import JSON
import StatesLanguage

/// The ASL definition reader (`StateMachineDefinition`), and each state's pure work run once.
///
/// Any text: reading it either fails with a message or gives a definition whose `StartAt` and
/// every transition name a state of the same graph (the top level, a Parallel branch or a Map's
/// item processor). Each state of a definition read is then run on the
/// definition's own JSON as its input (a document whose fields its paths are likely to name):
/// that may fail with a `StatesError`, never trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDefinition(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = FuzzInput(start, count).text
    let definition: StateMachineDefinition
    do {
        definition = try StateMachineDefinition(text: text)
    } catch {
        require(!error.message.isEmpty, "a refused definition without a message")
        return 0
    }
    require(definition.startState != nil, "StartAt '\(definition.startAt)' names no state")
    let input = JSONValue.document(text)
    check(StateGraph(startAt: definition.startAt, states: definition.states), of: definition, input: input)
    return 0
}

/// Each state of `graph` goes to states of its own graph, and runs; a Parallel state's
/// branches are checked the same way.
private func check(_ graph: StateGraph, of definition: StateMachineDefinition, input: JSONValue) {
    require(graph.startState != nil, "StartAt '\(graph.startAt)' names no state of its graph")
    for name in graph.states.keys.sorted() {
        guard let state = graph.states[name] else { continue }
        require(definition.state(named: name) != nil, "state '\(name)' cannot be found by its name")
        for successor in state.successorNames {
            require(graph.states[successor] != nil, "state '\(name)' goes to '\(successor)', which is not in its graph")
        }
        run(state, input: input)
        switch state.kind {
        case .parallel(let parallel):
            for branch in parallel.branches { check(branch, of: definition, input: input) }
        case .map(let map):
            check(map.processor, of: definition, input: input)
        default:
            break
        }
    }
}

/// What the state does without the engine: its data flow, its choice, its wait, its error.
private func run(_ state: State, input: JSONValue) {
    var random = fuzzRandom()
    switch state.kind {
    case .pass(let pass):
        _ = try? pass.output(stateInput: input, context: fuzzContext)
    case .succeed(let succeed):
        _ = try? succeed.output(stateInput: input, context: fuzzContext)
    case .fail(let fail):
        _ = try? fail.errorAndCause(input: input, context: fuzzContext)
    case .wait(let wait):
        if let effective = try? wait.inputPath.apply(to: input, context: fuzzContext) {
            _ = try? wait.waitUntil(input: effective, now: Date(timeIntervalSince1970: 1_700_000_000), context: fuzzContext)
        }
    case .choice(let choice):
        if let (next, _) = try? choice.evaluate(stateInput: input, context: fuzzContext) {
            require(next == choice.defaultState || choice.choices.contains { $0.next == next }, "Choice went to '\(next)'")
        }
    case .task(let task):
        let effective = try? DataFlow.effectiveInput(
            stateInput: input, inputPath: task.inputPath, parameters: task.parameters, context: fuzzContext, using: &random)
        _ = try? task.resolvedTimeoutSeconds(input: effective ?? input, context: fuzzContext)
        _ = try? task.resolvedHeartbeatSeconds(input: effective ?? input, context: fuzzContext)
        _ = try? DataFlow.stateOutput(
            stateInput: input, result: effective ?? .null, resultSelector: task.resultSelector, resultPath: task.resultPath,
            outputPath: task.outputPath, context: fuzzContext, using: &random)
        let error = StatesError(name: "Custom.Error", cause: "fuzz")
        if let (_, retrier) = ErrorHandling.retrier(for: error.name, in: task.retry) {
            // The delays of the first retries and of the last (a count reached only after as many retries).
            for retry in [1, 2, 3, min(retrier.maxAttempts, 1_000)] {
                let delay = retrier.delaySeconds(forRetry: retry, using: &random)
                require(delay >= 0 && delay.isFinite, "retry \(retry) waits \(delay) s")
            }
        }
        _ = try? ErrorHandling.catcher(for: error.name, in: task.catchers)?.output(for: error, stateInput: input)
    case .parallel(let parallel):
        let effective = try? DataFlow.effectiveInput(
            stateInput: input, inputPath: parallel.inputPath, parameters: parallel.parameters, context: fuzzContext, using: &random)
        _ = try? DataFlow.stateOutput(
            stateInput: input, result: .array(parallel.branches.map { _ in effective ?? .null }), resultSelector: parallel.resultSelector,
            resultPath: parallel.resultPath, outputPath: parallel.outputPath, context: fuzzContext, using: &random)
        _ = try? ErrorHandling.catcher(for: "Custom.Error", in: parallel.catchers)?
            .output(for: StatesError(name: "Custom.Error", cause: "fuzz"), stateInput: input)
    case .map(let map):
        guard let effective = try? map.inputPath.apply(to: input, context: fuzzContext) else { return }
        _ = try? map.resolvedMaxConcurrency(input: effective, context: fuzzContext)
        let items = (try? map.items(in: effective, context: fuzzContext)) ?? []
        // The first items only: an input's array may be long, and each is built the same way.
        for (index, item) in items.prefix(16).enumerated() {
            _ = try? map.itemSelector?.evaluate(
                input: effective, context: MapState.itemContext(fuzzContext, index: index, value: item), using: &random)
        }
        _ = try? DataFlow.stateOutput(
            stateInput: input, result: .array(Array(items.prefix(16))), resultSelector: map.resultSelector,
            resultPath: map.resultPath, outputPath: map.outputPath, context: fuzzContext, using: &random)
    }
}
