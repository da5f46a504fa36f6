import Foundation
import GRDB
import Logging
import JSON
import StatesLanguage
import StepStore

/// Moves one execution forward inside the caller's write transaction until it suspends
/// (on a token or a timer) or ends. Everything it does to the database is part of that
/// transaction, so a transition is either wholly durable or not at all.
struct ExecutionStepper {
    let db: Database
    let now: Date
    let definitions: DefinitionCache
    var effects: TransitionEffects
    /// Events appended and not yet written: `save` writes them with the execution row.
    private var unwrittenEvents: [HistoryEventRecord] = []
    /// The last state output this stepper serialized, with its text: the next state's input,
    /// which need not be parsed back.
    private var lastOutput: (text: String, value: JSONValue)?
    /// Tests only: trap while driving the execution it names.
    var crashHook: CrashHook?

    init(db: Database, now: Date, definitions: DefinitionCache, effects: TransitionEffects = TransitionEffects()) {
        self.db = db
        self.now = now
        self.definitions = definitions
        self.effects = effects
    }

    /// Runs the ready execution `id` for up to `Limits.transitionsPerTurn` transitions.
    /// Returns true when it is still ready (its turn ran out).
    mutating func drive(executionId id: Int64) throws -> Bool {
        guard var execution = try ExecutionRecord.find(db, key: id), execution.status == .running,
            execution.isReady
        else { return false }
        crashHook?.check(execution)
        let definition: StateMachineDefinition
        do {
            definition = try definitions.definition(versionId: execution.versionId, in: db)
        } catch let error as StatesError {
            try failExecution(&execution, error: error)
            try save(&execution)
            return false
        }
        var transitions = 0
        while execution.isReady, execution.status == .running {
            if transitions == Limits.transitionsPerTurn {
                try save(&execution)
                return true
            }
            transitions += 1
            do {
                try step(&execution, definition: definition)
            } catch let error as StatesError {
                try failExecution(&execution, error: error)
            }
        }
        try save(&execution)
        return false
    }

    // MARK: - One step

    private mutating func step(_ execution: inout ExecutionRecord, definition: StateMachineDefinition) throws {
        guard let stateName = execution.currentState, let state = definition.state(named: stateName) else {
            throw StatesError(name: StatesError.runtime, cause: "The state '\(execution.currentState ?? "")' does not exist")
        }
        let input = try stateInput(of: execution)
        if execution.phase == .enter {
            execution.stateEnteredDate = now.timeIntervalSince1970
            execution.retryCounts = nil
            // The stored text is the input's serialized form already.
            let inputText = execution.stateInput ?? "{}"
            try append(state.enteredEventType, HistoryWriter.payload("input", text: inputText, adding: ["name": .string(stateName)]), &execution)
        }
        let resume = execution.phase == .resume ? ResumeValue(text: execution.resumeValue) : nil
        execution.resumeValue = nil
        // A task builds its own, with its token.
        let isTask = if case .task = state.kind { true } else { false }
        let context = isTask || !state.readsContextObject ? Self.unreadContext : contextObject(execution, stateName: stateName, taskToken: nil)

        switch state.kind {
        case .pass(let pass):
            let effective = try DataFlow.effectiveInput(stateInput: input, inputPath: pass.inputPath, parameters: pass.parameters, context: context)
            let result = pass.result ?? effective
            let output = try DataFlow.stateOutput(
                stateInput: input, result: result, resultSelector: nil, resultPath: pass.resultPath, outputPath: pass.outputPath, context: context)
            try exitState(&execution, .passStateExited, name: stateName, output: output, transition: pass.transition)

        case .choice(let choice):
            let effective = try DataFlow.effectiveInput(stateInput: input, inputPath: choice.inputPath, parameters: nil, context: context)
            let next = try choice.nextState(for: effective, context: context)
            let output = try DataFlow.stateOutput(
                stateInput: effective, result: effective, resultSelector: nil, resultPath: .discard, outputPath: choice.outputPath, context: context)
            try exitState(&execution, .choiceStateExited, name: stateName, output: output, transition: .next(next))

        case .wait(let wait):
            let effective = try DataFlow.effectiveInput(stateInput: input, inputPath: wait.inputPath, parameters: nil, context: context)
            if resume != .waitElapsed {
                let until = try wait.waitUntil(input: effective, now: now)
                if until > now {
                    try suspendOnTimer(&execution, kind: .wait, until: until, then: .waitElapsed)
                    return
                }
            }
            let output = try DataFlow.stateOutput(
                stateInput: effective, result: effective, resultSelector: nil, resultPath: .discard, outputPath: wait.outputPath, context: context)
            try exitState(&execution, .waitStateExited, name: stateName, output: output, transition: wait.transition)

        case .succeed(let succeed):
            let effective = try DataFlow.effectiveInput(stateInput: input, inputPath: succeed.inputPath, parameters: nil, context: context)
            let output = try DataFlow.stateOutput(
                stateInput: effective, result: effective, resultSelector: nil, resultPath: .discard, outputPath: succeed.outputPath, context: context)
            try exitState(&execution, .succeedStateExited, name: stateName, output: output, transition: .end)

        case .fail(let fail):
            let (error, cause) = try fail.errorAndCause(input: input, context: context)
            try endExecution(&execution, status: .failed, outputText: nil, error: error, cause: cause)

        case .task(let task):
            try stepTask(&execution, task: task, stateName: stateName, input: input, resume: resume, readsContext: state.readsContextObject)
        }
    }

    // MARK: - Task states

    private mutating func stepTask(
        _ execution: inout ExecutionRecord, task: TaskState, stateName: String, input: JSONValue, resume: ResumeValue?, readsContext: Bool
    ) throws {
        switch resume {
        case .taskSucceeded(let result)?:
            try finishTask(&execution, task: task, stateName: stateName, input: input, result: result, readsContext: readsContext)
        case .taskFailed(let error, let cause)?:
            try handleTaskError(&execution, task: task, stateName: stateName, input: input, error: StatesError(name: error, cause: cause))
        case .waitElapsed?, .retryDue?, nil:
            try attemptTask(&execution, task: task, stateName: stateName, input: input, readsContext: readsContext)
        }
    }

    private mutating func attemptTask(
        _ execution: inout ExecutionRecord, task: TaskState, stateName: String, input: JSONValue, readsContext: Bool
    ) throws {
        let prepared: Result<PreparedTask, StatesError> = Result { () throws(StatesError) in
            let resource = try TaskResource.reading(task.resource)
            let token = resource.pattern == .waitForTaskToken ? TaskTokens.newToken() : nil
            let context = readsContext ? contextObject(execution, stateName: stateName, taskToken: token) : Self.unreadContext
            let parameters = try DataFlow.effectiveInput(
                stateInput: input, inputPath: task.inputPath, parameters: task.parameters, context: context)
            let parametersText = parameters.serialized()
            try Limits.checkPayload(text: parametersText, what: "The parameters of state '\(stateName)'")
            return PreparedTask(
                resource: resource, token: token, parameters: parameters, parametersText: parametersText,
                timeoutSeconds: try task.resolvedTimeoutSeconds(input: input, context: context),
                heartbeatSeconds: try task.resolvedHeartbeatSeconds(input: input, context: context))
        }
        guard case .success(let ready) = prepared else {
            if case .failure(let error) = prepared {
                try handleTaskError(&execution, task: task, stateName: stateName, input: input, error: error)
            }
            return
        }
        let resource = ready.resource
        let token = ready.token
        let parameters = ready.parameters
        var scheduled: [String: JSONValue] = [
            "resourceType": .string(resource.resourceType), "resource": .string(resource.resource),
            "region": .string(LocalARN.region), "parameters": .string(ready.parametersText),
        ]
        if let timeout = ready.timeoutSeconds { scheduled["timeoutInSeconds"] = .number(Double(timeout)) }
        if let heartbeat = ready.heartbeatSeconds { scheduled["heartbeatInSeconds"] = .number(Double(heartbeat)) }
        try append(.taskScheduled, scheduled, &execution)
        let resourceMembers: [String: JSONValue] = ["resourceType": .string(resource.resourceType), "resource": .string(resource.resource)]
        try append(.taskStarted, resourceMembers, &execution)

        let invocation = TaskInvocation(
            db: db, now: now, execution: execution, stateName: stateName, resource: resource, parameters: parameters, taskToken: token,
            definitions: definitions)
        let outcome = try invokeAlone(invocation)
        switch outcome {
        case .failure(let error):
            try append(.taskFailed, resourceMembers.merging(["error": .string(error.name), "cause": .string(error.cause)]) { $1 }, &execution)
            try handleTaskError(&execution, task: task, stateName: stateName, input: input, error: error)
        case .success(.completed(let result)):
            try append(.taskSucceeded, HistoryWriter.payload("output", result, adding: resourceMembers), &execution)
            try finishTask(&execution, task: task, stateName: stateName, input: input, result: result, readsContext: readsContext)
        case .success(.submitted(let submitted)):
            guard let token, let executionId = execution.id else { return }
            try append(.taskSubmitted, HistoryWriter.payload("output", submitted, adding: resourceMembers), &execution)
            try TaskTokenRecord(
                token: token, executionId: executionId, stateName: stateName, resourceType: resource.resourceType,
                resource: resource.resource, createdAt: now.timeIntervalSince1970, heartbeatSeconds: ready.heartbeatSeconds
            ).insertRow(db)
            execution.phase = .awaitingToken
            self.effects.tokenWaitsOpened += 1
            if let timeout = ready.timeoutSeconds {
                try TimerRecord(executionId: executionId, kind: .taskTimeout, dueAt: now.timeIntervalSince1970 + Double(timeout)).set(db)
                self.effects.timersChanged = true
            }
            if let heartbeat = ready.heartbeatSeconds {
                try TimerRecord(executionId: executionId, kind: .heartbeatTimeout, dueAt: now.timeIntervalSince1970 + Double(heartbeat)).set(db)
                self.effects.timersChanged = true
            }
        }
    }

    private mutating func finishTask(
        _ execution: inout ExecutionRecord, task: TaskState, stateName: String, input: JSONValue, result: JSONValue, readsContext: Bool
    ) throws {
        let context = readsContext ? contextObject(execution, stateName: stateName, taskToken: nil) : Self.unreadContext
        let output = Result { () throws(StatesError) in
            try DataFlow.stateOutput(
                stateInput: input, result: result, resultSelector: task.resultSelector, resultPath: task.resultPath,
                outputPath: task.outputPath, context: context)
        }
        switch output {
        case .success(let output):
            try exitState(&execution, .taskStateExited, name: stateName, output: output, transition: task.transition)
        case .failure(let error):
            try handleTaskError(&execution, task: task, stateName: stateName, input: input, error: error)
        }
    }

    /// Retry when a retrier matches and has attempts left, else catch, else fail the execution.
    private mutating func handleTaskError(
        _ execution: inout ExecutionRecord, task: TaskState, stateName: String, input: JSONValue, error: StatesError
    ) throws {
        var counts = execution.retryCounts.flatMap { try? JSONValue(parsing: $0) }?.arrayValue?.compactMap(\.intValue) ?? []
        if counts.count != task.retry.count { counts = Array(repeating: 0, count: task.retry.count) }
        switch ErrorHandling.decide(error: error, retriers: task.retry, retriesSoFar: counts, catchers: task.catchers, stateInput: input) {
        case .retry(let index, let retry, let delaySeconds):
            counts[index] = retry
            execution.retryCounts = JSONValue.array(counts.map { .number(Double($0)) }).serialized()
            try suspendOnTimer(&execution, kind: .wait, until: now.addingTimeInterval(delaySeconds), then: .retryDue)
        case .catch(let next, let output):
            try exitState(&execution, .taskStateExited, name: stateName, output: output, transition: .next(next))
        case .fail(let failure):
            try failExecution(&execution, error: failure)
        }
    }

    // MARK: - Moving on

    private mutating func exitState(
        _ execution: inout ExecutionRecord, _ type: HistoryEventType, name: String, output: JSONValue, transition: Transition
    ) throws {
        let outputText = output.serialized()
        try Limits.checkPayload(text: outputText, what: "The output of state '\(name)'")
        try append(type, HistoryWriter.payload("output", text: outputText, adding: ["name": .string(name)]), &execution)
        switch transition {
        case .next(let next):
            execution.currentState = next
            execution.stateInput = outputText
            lastOutput = (outputText, output)
            execution.phase = .enter
        case .end:
            try endExecution(&execution, status: .succeeded, outputText: outputText, error: nil, cause: nil)
        }
    }

    private mutating func suspendOnTimer(_ execution: inout ExecutionRecord, kind: TimerRecord.Kind, until: Date, then resume: ResumeValue) throws {
        guard let executionId = execution.id else { return }
        try TimerRecord(executionId: executionId, kind: kind, dueAt: until.timeIntervalSince1970).set(db)
        execution.phase = .awaitingTimer
        execution.resumeValue = resume.text
        effects.timersChanged = true
    }

    /// A bug or a corrupt row must not stop the others: the execution fails with
    /// States.Runtime, in the caller's transaction, after its own work was rolled back.
    static func failOnInternalError(
        executionId id: Int64, error: any Error, db: Database, now: Date, definitions: DefinitionCache, logger: Logger,
        effects: inout TransitionEffects
    ) throws {
        effects.log(.on(logger, level: .error, "execution failed on an internal error", metadata: ["EXECUTION_ID": "\(id)", "ERROR": "\(error)"]))
        try fail(
            executionId: id, error: StatesError(name: StatesError.runtime, cause: "internal error: \(error)"), db: db, now: now,
            definitions: definitions, effects: &effects)
    }

    /// Fails the execution `id` with `error` if it is still running, wherever it is.
    static func fail(
        executionId id: Int64, error: StatesError, db: Database, now: Date, definitions: DefinitionCache, effects: inout TransitionEffects
    ) throws {
        var failing = ExecutionStepper(db: db, now: now, definitions: definitions)
        guard var execution = try ExecutionRecord.find(db, key: id), execution.status == .running else { return }
        try failing.failExecution(&execution, error: error)
        try failing.save(&execution)
        effects.merge(failing.effects)
    }

    mutating func failExecution(_ execution: inout ExecutionRecord, error: StatesError) throws {
        try endExecution(&execution, status: .failed, outputText: nil, error: error.name, cause: error.cause)
    }

    /// Ends the execution with `status`, writing its closing event. `outputText`: the output,
    /// serialized, of an execution that succeeded.
    mutating func endExecution(
        _ execution: inout ExecutionRecord, status: ExecutionRecord.Status, outputText: String?, error: String?, cause: String?
    ) throws {
        switch status {
        case .succeeded:
            try append(.executionSucceeded, HistoryWriter.payload("output", text: outputText ?? "null"), &execution)
        case .aborted:
            var details: [String: JSONValue] = [:]
            if let error { details["error"] = .string(error) }
            if let cause { details["cause"] = .string(cause) }
            try append(.executionAborted, details, &execution)
        case .timedOut:
            try append(.executionTimedOut, ["error": .string(error ?? StatesError.timeout), "cause": .string(cause ?? "")], &execution)
        case .failed, .running:
            var details: [String: JSONValue] = [:]
            if let error, !error.isEmpty { details["error"] = .string(error) }
            if let cause, !cause.isEmpty { details["cause"] = .string(cause) }
            try append(.executionFailed, details, &execution)
        }
        execution.status = status
        execution.output = outputText
        // An error or cause nobody gave (SendTaskFailure without them) is absent, as on AWS.
        execution.error = error?.isEmpty == false ? error : nil
        execution.cause = cause?.isEmpty == false ? cause : nil
        execution.stopDate = now.timeIntervalSince1970
        execution.phase = .done
        execution.resumeValue = nil
        effects.log(.about(execution, level: status.endLogLevel, status.endLogMessage))
        if let id = execution.id {
            try TaskWait.resolveToken(executionId: id, db: db, now: now, effects: &effects)
            try TimerRecord.deleteAll(executionId: id, in: db)
            effects.endedExecutions.append(id)
        }
    }

    // MARK: - Helpers

    /// Runs a task's integration in a savepoint of its own: an integration that fails halfway
    /// (a child started, then an error) leaves nothing behind, and its effects count only when
    /// it succeeds; its error goes to Retry and Catch. A failing disk fails the transaction.
    private mutating func invokeAlone(_ invocation: TaskInvocation) throws -> Result<TaskOutcome, StatesError> {
        var integrationEffects = TransitionEffects()
        let outcome: TaskOutcome
        do {
            outcome = try db.withSavepoint { try Integrations.invoke(invocation, effects: &integrationEffects) }
        } catch let error as StatesError {
            return .failure(error)
        } catch let error as DatabaseError where GroupCommit.isFatal(error) {
            throw error
        } catch {
            return .failure(StatesError(name: StatesError.runtime, cause: "\(error)"))
        }
        effects.merge(integrationEffects)
        return .success(outcome)
    }

    private mutating func append(_ type: HistoryEventType, _ details: [String: JSONValue], _ execution: inout ExecutionRecord) throws {
        if let event = try HistoryWriter.next(type, details: .object(details), for: &execution, at: now) { unwrittenEvents.append(event) }
    }

    /// Writes the events appended so far and the execution's row. Whoever changes an
    /// execution through a stepper ends with this.
    mutating func save(_ execution: inout ExecutionRecord) throws {
        if !unwrittenEvents.isEmpty {
            try HistoryEventRecord.insert(unwrittenEvents, in: db)
            unwrittenEvents.removeAll(keepingCapacity: true)
        }
        try execution.updateChanges(db)
    }

    private func stateInput(of execution: ExecutionRecord) throws -> JSONValue {
        guard let text = execution.stateInput else { return .object([:]) }
        if let lastOutput, lastOutput.text == text { return lastOutput.value }
        do { return try JSONValue(parsing: text) } catch {
            throw StatesError(name: StatesError.runtime, cause: "the stored state input is not JSON: \(error)")
        }
    }

    /// Stands for the context object where the state cannot read it.
    private static let unreadContext: JSONValue = .object([:])

    private func contextObject(_ execution: ExecutionRecord, stateName: String, taskToken: String?) -> JSONValue {
        let retryCount = execution.retryCounts.flatMap { try? JSONValue(parsing: $0) }?.arrayValue?.compactMap(\.intValue).reduce(0, +) ?? 0
        return ContextObject(
            executionId: execution.arn,
            executionName: execution.name,
            executionInput: (try? JSONValue(parsing: execution.input)) ?? .null,
            executionStartTime: Date(timeIntervalSince1970: execution.startDate),
            roleArn: nil,
            stateMachineId: LocalARN.stateMachine(execution.stateMachineName),
            stateMachineName: execution.stateMachineName,
            stateName: stateName,
            stateEnteredTime: Date(timeIntervalSince1970: execution.stateEnteredDate ?? now.timeIntervalSince1970),
            retryCount: retryCount,
            taskToken: taskToken
        ).json
    }
}

/// A task's inputs once its paths, templates and timeouts are resolved.
private struct PreparedTask {
    let resource: TaskResource
    let token: String?
    let parameters: JSONValue
    let parametersText: String
    let timeoutSeconds: Int?
    let heartbeatSeconds: Int?
}

extension State {
    var enteredEventType: HistoryEventType {
        switch kind {
        case .pass: .passStateEntered
        case .task: .taskStateEntered
        case .choice: .choiceStateEntered
        case .wait: .waitStateEntered
        case .succeed: .succeedStateEntered
        case .fail: .failStateEntered
        }
    }
}
