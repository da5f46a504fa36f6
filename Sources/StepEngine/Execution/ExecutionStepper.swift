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
    /// Where Distributed Map states read items and write results; nil: nowhere.
    var buckets: BucketFolder?
    /// Set by a step that did a commit's share of a long piece of work (a map run's results):
    /// the turn ends, and the cursor, still ready, goes on in the next commit.
    var endsTurn = false
    /// Children of `.sync` tasks to stop (`stopChildren`), and whether a call is stopping them.
    private var childrenToStop: [Int64] = []
    private var isStoppingChildren = false
    /// Whether the definition sets variables at all: without, no scope is read or written.
    private var usesVariables = false
    /// The variables of the scopes around the cursor being stepped (none for the top level):
    /// they cannot change while it runs, since their cursors wait for it.
    private var outerVariables: [String: JSONValue] = [:]

    init(db: Database, now: Date, definitions: DefinitionCache, effects: TransitionEffects = TransitionEffects()) {
        self.db = db
        self.now = now
        self.definitions = definitions
        self.effects = effects
    }

    /// Runs the ready cursors of execution `id` (its top level, its Parallel states'
    /// branches) for up to `Limits.transitionsPerTurn` transitions in all. Returns true when
    /// one is still ready (the turn ran out).
    mutating func drive(executionId id: Int64) throws -> Bool {
        guard var execution = try ExecutionRecord.find(db, key: id), execution.status == .running,
            execution.isReady || execution.phase == .awaitingBranches
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
        usesVariables = definition.usesVariables
        var transitions = 0
        while execution.status == .running {
            var branch: BranchRecord?
            var cursor: Cursor
            if execution.isReady {
                cursor = Cursor(of: execution)
                outerVariables = [:]
            } else if execution.phase == .awaitingBranches, let ready = try BranchRecord.firstReady(executionId: id, in: db) {
                branch = ready
                cursor = Cursor(of: ready)
                outerVariables = usesVariables ? try variablesAround(ready, execution: execution) : [:]
            } else {
                break
            }
            var turnEnded = false
            while cursor.isReady, execution.status == .running {
                if transitions == Limits.transitionsPerTurn || endsTurn {
                    endsTurn = false
                    turnEnded = true
                    break
                }
                transitions += 1
                do {
                    try step(&execution, &cursor, definition: definition)
                } catch let error as StatesError {
                    do {
                        try failCursor(&execution, &cursor, error: error)
                    } catch let failure as StatesError {
                        // Failing a branch writes events of its own; at the history's limit
                        // that fails too, and the execution ends with the limit's error.
                        try failExecution(&execution, error: failure)
                    }
                }
            }
            if var branch {
                // A branch that ended has been written with how it ended.
                if cursor.phase != .done {
                    cursor.store(in: &branch)
                    try branch.updateChanges(db)
                }
            } else if execution.status == .running {
                cursor.store(in: &execution)
            }
            if turnEnded {
                try save(&execution)
                return true
            }
        }
        try save(&execution)
        return false
    }

    // MARK: - One step

    private mutating func step(_ execution: inout ExecutionRecord, _ cursor: inout Cursor, definition: StateMachineDefinition) throws {
        guard let stateName = cursor.currentState, let state = definition.state(named: stateName) else {
            throw StatesError(name: StatesError.runtime, cause: "The state '\(cursor.currentState ?? "")' does not exist")
        }
        let input = try stateInput(of: cursor)
        if cursor.phase == .enter {
            cursor.stateEnteredDate = now.timeIntervalSince1970
            cursor.retryCounts = nil
            // The stored text is the input's serialized form already.
            let inputText = cursor.stateInput ?? "{}"
            try append(state.enteredEventType, HistoryWriter.payload("input", text: inputText, adding: ["name": .string(stateName)]), &execution)
        }
        let resume = cursor.phase == .resume ? ResumeValue(text: cursor.resumeValue) : nil
        cursor.resumeValue = nil
        // A task builds its own, with its token.
        let isTask = if case .task = state.kind { true } else { false }
        let context = EvaluationContext(
            isTask || !state.readsContextObject ? Self.unreadContext : contextObject(execution, cursor, stateName: stateName, taskToken: nil),
            variables: try visibleVariables(cursor))

        switch state.kind {
        case .pass(let pass):
            let effective = try DataFlow.effectiveInput(stateInput: input, inputPath: pass.inputPath, parameters: pass.parameters, context: context)
            let result = pass.result ?? effective
            let output = try DataFlow.stateOutput(
                stateInput: input, result: result, resultSelector: nil, resultPath: pass.resultPath, outputPath: pass.outputPath, context: context)
            let assigned = try pass.assign?.values(from: result, context: context)
            try exitState(&execution, &cursor, .passStateExited, name: stateName, output: output, transition: pass.transition, assigned: assigned)

        case .choice(let choice):
            let effective = try DataFlow.effectiveInput(stateInput: input, inputPath: choice.inputPath, parameters: nil, context: context)
            let (next, assign) = try choice.choose(for: effective, context: context)
            let output = try DataFlow.stateOutput(
                stateInput: effective, result: effective, resultSelector: nil, resultPath: .discard, outputPath: choice.outputPath, context: context)
            let assigned = try assign?.values(from: effective, context: context)
            try exitState(&execution, &cursor, .choiceStateExited, name: stateName, output: output, transition: .next(next), assigned: assigned)

        case .wait(let wait):
            let effective = try DataFlow.effectiveInput(stateInput: input, inputPath: wait.inputPath, parameters: nil, context: context)
            if resume != .waitElapsed {
                let until = try wait.waitUntil(input: effective, now: now, context: context)
                if until > now {
                    try suspendOnTimer(execution, &cursor, kind: .wait, until: until, then: .waitElapsed)
                    return
                }
            }
            let output = try DataFlow.stateOutput(
                stateInput: effective, result: effective, resultSelector: nil, resultPath: .discard, outputPath: wait.outputPath, context: context)
            let assigned = try wait.assign?.values(from: effective, context: context)
            try exitState(&execution, &cursor, .waitStateExited, name: stateName, output: output, transition: wait.transition, assigned: assigned)

        case .succeed(let succeed):
            let effective = try DataFlow.effectiveInput(stateInput: input, inputPath: succeed.inputPath, parameters: nil, context: context)
            let output = try DataFlow.stateOutput(
                stateInput: effective, result: effective, resultSelector: nil, resultPath: .discard, outputPath: succeed.outputPath, context: context)
            try exitState(&execution, &cursor, .succeedStateExited, name: stateName, output: output, transition: .end)

        case .fail(let fail):
            let (error, cause) = try fail.errorAndCause(input: input, context: context)
            try failCursor(&execution, &cursor, error: StatesError(name: error ?? "", cause: cause ?? ""))

        case .task(let task):
            try stepTask(
                &execution, &cursor, task: task, stateName: stateName, input: input, resume: resume, readsContext: state.readsContextObject)

        case .parallel(let parallel):
            try stepParallel(&execution, &cursor, parallel: parallel, stateName: stateName, input: input, resume: resume, context: context)

        case .map(let map):
            try stepMap(&execution, &cursor, map: map, stateName: stateName, input: input, resume: resume, context: context)
        }
    }

    // MARK: - Task states

    private mutating func stepTask(
        _ execution: inout ExecutionRecord, _ cursor: inout Cursor, task: TaskState, stateName: String, input: JSONValue,
        resume: ResumeValue?, readsContext: Bool
    ) throws {
        let handling = ErrorHandlers(retry: task.retry, catchers: task.catchers, exitedType: .taskStateExited)
        switch resume {
        case .taskSucceeded(let result)?:
            try finishTask(&execution, &cursor, task: task, stateName: stateName, input: input, result: result, readsContext: readsContext)
        case .taskFailed(let error, let cause)?:
            try handleStateError(&execution, &cursor, handling, stateName: stateName, input: input, error: StatesError(name: error, cause: cause))
        case .waitElapsed?, .retryDue?, nil:
            try attemptTask(&execution, &cursor, task: task, stateName: stateName, input: input, readsContext: readsContext)
        case .branchesEnded?:
            throw StatesError.runtime("Task state '\(stateName)' was resumed as a Parallel state")
        }
    }

    private mutating func attemptTask(
        _ execution: inout ExecutionRecord, _ cursor: inout Cursor, task: TaskState, stateName: String, input: JSONValue, readsContext: Bool
    ) throws {
        let handling = ErrorHandlers(retry: task.retry, catchers: task.catchers, exitedType: .taskStateExited)
        let prepared: Result<PreparedTask, StatesError> = Result { () throws(StatesError) in
            let resource = try TaskResource.reading(task.resource)
            // A `.sync` task waits on a token too, one the child answers; only a
            // `.waitForTaskToken` task hands it out in `$$.Task.Token`.
            let token = resource.pattern == .waitForTaskToken || resource.pattern == .sync ? TaskTokens.newToken() : nil
            let visibleToken = resource.pattern == .waitForTaskToken ? token : nil
            let context = EvaluationContext(
                readsContext ? contextObject(execution, cursor, stateName: stateName, taskToken: visibleToken) : Self.unreadContext,
                variables: try visibleVariables(cursor))
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
                try handleStateError(&execution, &cursor, handling, stateName: stateName, input: input, error: error)
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
            try handleStateError(&execution, &cursor, handling, stateName: stateName, input: input, error: error)
        case .success(.completed(let result)):
            try append(.taskSucceeded, HistoryWriter.payload("output", result, adding: resourceMembers), &execution)
            try finishTask(&execution, &cursor, task: task, stateName: stateName, input: input, result: result, readsContext: readsContext)
        case .success(.submitted(let submitted)):
            guard let token, let executionId = execution.id else { return }
            try append(.taskSubmitted, HistoryWriter.payload("output", submitted, adding: resourceMembers), &execution)
            try TaskTokenRecord(
                token: token, executionId: executionId, branchId: cursor.branchId, stateName: stateName,
                resourceType: resource.resourceType, resource: resource.resource, createdAt: now.timeIntervalSince1970,
                heartbeatSeconds: ready.heartbeatSeconds
            ).insertRow(db)
            cursor.phase = .awaitingToken
            self.effects.tokenWaitsOpened += 1
            if let timeout = ready.timeoutSeconds {
                try TimerRecord(
                    executionId: executionId, branchId: cursor.branchId, kind: .taskTimeout, dueAt: now.timeIntervalSince1970 + Double(timeout)
                ).set(db)
                self.effects.timersChanged = true
            }
            if let heartbeat = ready.heartbeatSeconds {
                try TimerRecord(
                    executionId: executionId, branchId: cursor.branchId, kind: .heartbeatTimeout,
                    dueAt: now.timeIntervalSince1970 + Double(heartbeat)
                ).set(db)
                self.effects.timersChanged = true
            }
        }
    }

    private mutating func finishTask(
        _ execution: inout ExecutionRecord, _ cursor: inout Cursor, task: TaskState, stateName: String, input: JSONValue,
        result: JSONValue, readsContext: Bool
    ) throws {
        let context = EvaluationContext(
            readsContext ? contextObject(execution, cursor, stateName: stateName, taskToken: nil) : Self.unreadContext,
            variables: try visibleVariables(cursor))
        let output = Result { () throws(StatesError) in
            // `$` of the Assign is the result as it came, as `ResultSelector` reads it.
            (
                try DataFlow.stateOutput(
                    stateInput: input, result: result, resultSelector: task.resultSelector, resultPath: task.resultPath,
                    outputPath: task.outputPath, context: context),
                try task.assign?.values(from: result, context: context)
            )
        }
        switch output {
        case .success(let (output, assigned)):
            try exitState(
                &execution, &cursor, .taskStateExited, name: stateName, output: output, transition: task.transition, assigned: assigned)
        case .failure(let error):
            let handling = ErrorHandlers(retry: task.retry, catchers: task.catchers, exitedType: .taskStateExited)
            try handleStateError(&execution, &cursor, handling, stateName: stateName, input: input, error: error)
        }
    }

    // MARK: - Parallel and Map states

    /// What a Parallel or Map state does once its branches have ended, and the events it writes.
    struct FanOut {
        let handling: ErrorHandlers
        let resultSelector: PayloadTemplate?
        let resultPath: ResultPath
        let outputPath: OutputPath
        let transition: Transition
        let assign: Assignment?
        let succeededType: HistoryEventType
        let failedType: HistoryEventType
        let exitedType: HistoryEventType

        init(_ parallel: ParallelState) {
            handling = ErrorHandlers(retry: parallel.retry, catchers: parallel.catchers, exitedType: .parallelStateExited)
            (resultSelector, resultPath, outputPath, transition) = (parallel.resultSelector, parallel.resultPath, parallel.outputPath, parallel.transition)
            assign = parallel.assign
            (succeededType, failedType, exitedType) = (.parallelStateSucceeded, .parallelStateFailed, .parallelStateExited)
        }

        init(_ map: MapState) {
            handling = ErrorHandlers(retry: map.retry, catchers: map.catchers, exitedType: .mapStateExited)
            (resultSelector, resultPath, outputPath, transition) = (map.resultSelector, map.resultPath, map.outputPath, map.transition)
            assign = map.assign
            (succeededType, failedType, exitedType) = (.mapStateSucceeded, .mapStateFailed, .mapStateExited)
        }
    }

    /// Entering (or retrying): the branches are made, each a cursor of its own starting on the
    /// effective input, and this cursor waits for them. Resumed once they have all ended (or
    /// one failed): the result is their outputs in branch order.
    private mutating func stepParallel(
        _ execution: inout ExecutionRecord, _ cursor: inout Cursor, parallel: ParallelState, stateName: String, input: JSONValue,
        resume: ResumeValue?, context: EvaluationContext
    ) throws {
        let fanOut = FanOut(parallel)
        guard let executionId = execution.id else { return }
        if resume == .branchesEnded {
            try finishBranches(&execution, &cursor, fanOut, stateName: stateName, input: input, context: context)
            return
        }
        let effective = Result { () throws(StatesError) in
            let effective = try DataFlow.effectiveInput(
                stateInput: input, inputPath: parallel.inputPath, parameters: parallel.parameters, context: context)
            let text = effective.serialized()
            try Limits.checkPayload(text: text, what: "The input of the branches of state '\(stateName)'")
            return text
        }
        switch effective {
        case .failure(let error):
            try handleStateError(&execution, &cursor, fanOut.handling, stateName: stateName, input: input, error: error)
        case .success(let branchInput):
            try append(.parallelStateStarted, &execution)
            for (position, graph) in parallel.branches.enumerated() {
                var branch = BranchRecord(
                    executionId: executionId, parentBranchId: cursor.branchId, stateName: stateName, position: Int64(position),
                    startAt: graph.startAt, input: branchInput)
                try branch.insertAssigningId(db)
            }
            let count = Int64(parallel.branches.count)
            try BranchGroupRecord(executionId: executionId, parentBranchId: cursor.branchId, total: count, started: count).set(db)
            waitForBranches(&execution, &cursor)
        }
    }

    /// Entering (or retrying): one iteration per item of the array at `ItemsPath`, each a
    /// cursor of its own on the item (or what `ItemSelector` makes of it); at most
    /// `MaxConcurrency` of them start now, the others as running ones end. Resumed as a
    /// Parallel state is.
    private mutating func stepMap(
        _ execution: inout ExecutionRecord, _ cursor: inout Cursor, map: MapState, stateName: String, input: JSONValue,
        resume: ResumeValue?, context: EvaluationContext
    ) throws {
        if let processing = map.distributed {
            try stepDistributedMap(
                &execution, &cursor, map: map, processing: processing, stateName: stateName, input: input, resume: resume, context: context)
            return
        }
        let fanOut = FanOut(map)
        guard let executionId = execution.id else { return }
        if resume == .branchesEnded {
            try finishBranches(&execution, &cursor, fanOut, stateName: stateName, input: input, context: context)
            return
        }
        let prepared = Result { () throws(StatesError) -> (inputs: [String], window: Int) in
            let effective = try map.inputPath.apply(to: input, context: context)
            let items = try map.items(in: effective, context: context)
            let maxConcurrency = try map.resolvedMaxConcurrency(input: effective, context: context)
            var inputs: [String] = []
            inputs.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                let selected = try map.itemSelector.map { selector throws(StatesError) in
                    try selector.evaluate(input: effective, context: MapState.itemContext(context, index: index, value: item))
                } ?? item
                let text = selected.serialized()
                try Limits.checkPayload(text: text, what: "The input of iteration \(index) of state '\(stateName)'")
                inputs.append(text)
            }
            return (inputs, maxConcurrency == 0 ? inputs.count : min(maxConcurrency, inputs.count))
        }
        switch prepared {
        case .failure(let error):
            try handleStateError(&execution, &cursor, fanOut.handling, stateName: stateName, input: input, error: error)
        case .success(let (inputs, window)):
            try append(.mapStateStarted, ["length": .number(Double(inputs.count))], &execution)
            guard !inputs.isEmpty else {
                try finishBranches(&execution, &cursor, fanOut, stateName: stateName, input: input, context: context, outputs: [])
                return
            }
            for (position, itemInput) in inputs.enumerated() {
                var iteration = BranchRecord(
                    executionId: executionId, parentBranchId: cursor.branchId, stateName: stateName, position: Int64(position),
                    startAt: map.processor.startAt, input: itemInput)
                if position < window {
                    try append(.mapIterationStarted, Self.iterationDetails(stateName, position), &execution)
                } else {
                    iteration.phase = .queued
                }
                try iteration.insertAssigningId(db)
            }
            try BranchGroupRecord(
                executionId: executionId, parentBranchId: cursor.branchId, total: Int64(inputs.count), started: Int64(window)
            ).set(db)
            waitForBranches(&execution, &cursor)
        }
    }

    private static func iterationDetails(_ stateName: String, _ index: Int) -> [String: JSONValue] {
        ["name": .string(stateName), "index": .number(Double(index))]
    }

    func waitForBranches(_ execution: inout ExecutionRecord, _ cursor: inout Cursor) {
        cursor.phase = .awaitingBranches
        if cursor.isTopLevel { execution.phase = .awaitingBranches }
    }

    /// The branches of the cursor's state have all ended, or one failed: the state fails with
    /// the failed one's error, or its result is their outputs in order. Their rows go.
    private mutating func finishBranches(
        _ execution: inout ExecutionRecord, _ cursor: inout Cursor, _ fanOut: FanOut, stateName: String, input: JSONValue,
        context: EvaluationContext, outputs given: [JSONValue]? = nil
    ) throws {
        var outputs: [JSONValue] = []
        if let given {
            outputs = given
        } else if let executionId = execution.id {
            let branches = try BranchRecord.children(executionId: executionId, parentBranchId: cursor.branchId, in: db)
            if let failed = branches.first(where: { $0.status == .failed }) {
                try append(fanOut.failedType, &execution)
                let error = StatesError(name: failed.error ?? "", cause: failed.cause ?? "")
                let parentId = cursor.branchId
                try handleStateError(&execution, &cursor, fanOut.handling, stateName: stateName, input: input, error: error)
                // When the failure ends the cursor (its execution, or its branch in turn), the
                // branches stay for a redrive, which runs again only those that did not
                // succeed; when it is retried or caught, they go, with all under them.
                if cursor.phase != .done, execution.status == .running {
                    try deleteBranchTree(under: parentId, children: branches, executionId: executionId)
                }
                return
            }
            try BranchRecord.deleteChildren(executionId: executionId, parentBranchId: cursor.branchId, in: db)
            try BranchGroupRecord.delete(executionId: executionId, parentBranchId: cursor.branchId, in: db)
            outputs.reserveCapacity(branches.count)
            for branch in branches {
                do { outputs.append(try JSONValue(parsing: branch.output ?? "null")) } catch {
                    throw StatesError.runtime("The stored output of a branch of state '\(stateName)' is not JSON: \(error)")
                }
            }
        }
        try finishFanOut(&execution, &cursor, fanOut, stateName: stateName, input: input, context: context, result: .array(outputs))
    }

    /// A Parallel or Map state's branches have done their work and `result` is what they made:
    /// the state's ResultSelector, ResultPath, OutputPath and Assign apply, and it is left.
    mutating func finishFanOut(
        _ execution: inout ExecutionRecord, _ cursor: inout Cursor, _ fanOut: FanOut, stateName: String, input: JSONValue,
        context: EvaluationContext, result: JSONValue
    ) throws {
        let output = Result { () throws(StatesError) in
            (
                try DataFlow.stateOutput(
                    stateInput: input, result: result, resultSelector: fanOut.resultSelector, resultPath: fanOut.resultPath,
                    outputPath: fanOut.outputPath, context: context),
                try fanOut.assign?.values(from: result, context: context)
            )
        }
        switch output {
        case .success(let (output, assigned)):
            try append(fanOut.succeededType, &execution)
            try exitState(
                &execution, &cursor, fanOut.exitedType, name: stateName, output: output, transition: fanOut.transition, assigned: assigned)
        case .failure(let error):
            try append(fanOut.failedType, &execution)
            try handleStateError(&execution, &cursor, fanOut.handling, stateName: stateName, input: input, error: error)
        }
    }

    /// Deletes the branches the cursor `parentId` runs (`children`), their groups, and every
    /// branch and group under them, level by level.
    private func deleteBranchTree(under parentId: Int64, children: [BranchRecord], executionId: Int64) throws {
        try BranchRecord.deleteChildren(executionId: executionId, parentBranchId: parentId, in: db)
        try BranchGroupRecord.delete(executionId: executionId, parentBranchId: parentId, in: db)
        var pending = children.compactMap(\.id)
        while let id = pending.popLast() {
            pending += try BranchRecord.children(executionId: executionId, parentBranchId: id, in: db).compactMap(\.id)
            try BranchRecord.deleteChildren(executionId: executionId, parentBranchId: id, in: db)
            try BranchGroupRecord.delete(executionId: executionId, parentBranchId: id, in: db)
        }
    }

    // MARK: - Errors

    /// A state's Retry and Catch, and the event that closes it when a catcher moves on.
    struct ErrorHandlers {
        let retry: [Retrier]
        let catchers: [Catcher]
        let exitedType: HistoryEventType
    }

    /// Retry when a retrier matches and has attempts left, else catch, else the cursor fails.
    mutating func handleStateError(
        _ execution: inout ExecutionRecord, _ cursor: inout Cursor, _ handling: ErrorHandlers, stateName: String, input: JSONValue,
        error: StatesError
    ) throws {
        var counts = cursor.retryCounts.flatMap { try? JSONValue(parsing: $0) }?.arrayValue?.compactMap(\.intValue) ?? []
        if counts.count != handling.retry.count { counts = Array(repeating: 0, count: handling.retry.count) }
        switch ErrorHandling.decide(error: error, retriers: handling.retry, retriesSoFar: counts, catchers: handling.catchers, stateInput: input) {
        case .retry(let index, let retry, let delaySeconds):
            counts[index] = retry
            cursor.retryCounts = JSONValue.array(counts.map { .number(Double($0)) }).serialized()
            try suspendOnTimer(execution, &cursor, kind: .wait, until: now.addingTimeInterval(delaySeconds), then: .retryDue)
        case .catch(let next, let output):
            // The catcher's Assign reads the error output as `$`; a failure of its own fails the state.
            var assigned: [String: JSONValue]?
            if let assign = ErrorHandling.catcher(for: error.name, in: handling.catchers)?.assign {
                let context = EvaluationContext(
                    contextObject(execution, cursor, stateName: stateName, taskToken: nil), variables: try visibleVariables(cursor))
                do {
                    assigned = try assign.values(from: error.errorOutput, context: context)
                } catch {
                    try failCursor(&execution, &cursor, error: error)
                    return
                }
            }
            try exitState(&execution, &cursor, handling.exitedType, name: stateName, output: output, transition: .next(next), assigned: assigned)
        case .fail(let failure):
            try failCursor(&execution, &cursor, error: failure)
        }
    }

    // MARK: - Moving on

    private mutating func exitState(
        _ execution: inout ExecutionRecord, _ cursor: inout Cursor, _ type: HistoryEventType, name: String, output: JSONValue,
        transition: Transition, assigned: [String: JSONValue]? = nil
    ) throws {
        let outputText = output.serialized()
        try Limits.checkPayload(text: outputText, what: "The output of state '\(name)'")
        var details = HistoryWriter.payload("output", text: outputText, adding: ["name": .string(name)])
        if let assigned, !assigned.isEmpty {
            try assign(assigned, to: &cursor)
            details["assignedVariables"] = .object(assigned.mapValues { .string($0.serialized()) })
            details["assignedVariablesDetails"] = ["truncated": false]
        }
        try append(type, details, &execution)
        switch transition {
        case .next(let next):
            cursor.currentState = next
            cursor.stateInput = outputText
            lastOutput = (outputText, output)
            cursor.phase = .enter
        case .end:
            try endCursor(&execution, &cursor, status: .succeeded, outputText: outputText, error: nil)
        }
    }

    private mutating func suspendOnTimer(
        _ execution: ExecutionRecord, _ cursor: inout Cursor, kind: TimerRecord.Kind, until: Date, then resume: ResumeValue
    ) throws {
        guard let executionId = execution.id else { return }
        try TimerRecord(executionId: executionId, branchId: cursor.branchId, kind: kind, dueAt: until.timeIntervalSince1970).set(db)
        cursor.phase = .awaitingTimer
        cursor.resumeValue = resume.text
        effects.timersChanged = true
    }

    /// The cursor's graph fails: the execution, for the top level; the branch, and with it its
    /// Parallel state, for a branch.
    private mutating func failCursor(_ execution: inout ExecutionRecord, _ cursor: inout Cursor, error: StatesError) throws {
        try endCursor(&execution, &cursor, status: .failed, outputText: nil, error: error)
    }

    /// The cursor's graph has ended. The top level's end is the execution's. A branch that
    /// succeeds readies its Parallel state once its siblings have all succeeded; one that
    /// fails stops its running siblings and readies the state at once.
    private mutating func endCursor(
        _ execution: inout ExecutionRecord, _ cursor: inout Cursor, status: ExecutionRecord.Status, outputText: String?, error: StatesError?
    ) throws {
        cursor.phase = .done
        cursor.resumeValue = nil
        guard !cursor.isTopLevel, let executionId = execution.id,
            var branch = try BranchRecord.find(db, id: cursor.branchId, executionId: executionId)
        else {
            try endExecution(&execution, status: status, outputText: outputText, error: error?.name, cause: error?.cause)
            return
        }
        branch.status = status
        branch.output = outputText
        branch.error = error?.name
        branch.cause = error?.cause
        cursor.store(in: &branch)
        try branch.updateChanges(db)
        let isIteration = try isMapIteration(branch, of: execution)
        if isIteration {
            try append(status == .succeeded ? .mapIterationSucceeded : .mapIterationFailed,
                Self.iterationDetails(branch.stateName, Int(branch.position)), &execution)
        }
        if status == .failed {
            for sibling in try BranchRecord.children(executionId: executionId, parentBranchId: branch.parentBranchId, in: db)
            where sibling.status == .running {
                try abortBranch(sibling, execution: &execution)
            }
            try resumeParent(of: branch, execution: &execution)
            return
        }
        guard var counted = try BranchGroupRecord.find(db, executionId: executionId, parentBranchId: branch.parentBranchId) else {
            try resumeParent(of: branch, execution: &execution)
            return
        }
        counted.ended += 1
        if counted.started < counted.total,
            var next = try BranchRecord.child(executionId: executionId, parentBranchId: branch.parentBranchId, position: counted.started, in: db)
        {
            next.phase = .enter
            try next.updateChanges(db)
            try append(.mapIterationStarted, Self.iterationDetails(next.stateName, Int(next.position)), &execution)
            counted.started += 1
        }
        try counted.updateChanges(db)
        if counted.ended >= counted.total { try resumeParent(of: branch, execution: &execution) }
    }

    /// Whether `branch` is an iteration of a Map state (else a Parallel state's branch).
    private func isMapIteration(_ branch: BranchRecord, of execution: ExecutionRecord) throws -> Bool {
        guard case .map? = try definitions.definition(versionId: execution.versionId, in: db).state(named: branch.stateName)?.kind
        else { return false }
        return true
    }

    /// Readies the cursor that waits on `branch`'s Parallel or Map state.
    private mutating func resumeParent(of branch: BranchRecord, execution: inout ExecutionRecord) throws {
        if branch.parentBranchId == BranchRecord.topLevel {
            execution.phase = .resume
            execution.resumeValue = ResumeValue.branchesEnded.text
            return
        }
        guard var parent = try BranchRecord.find(db, id: branch.parentBranchId, executionId: branch.executionId),
            parent.status == .running
        else { return }
        parent.phase = .resume
        parent.resumeValue = ResumeValue.branchesEnded.text
        try parent.updateChanges(db)
    }

    /// Stops a running branch and every branch under it: their waits end (token, timers),
    /// and the state each stood in gets its aborted event where AWS writes one.
    private mutating func abortBranch(_ branch: BranchRecord, execution: inout ExecutionRecord) throws {
        guard let branchId = branch.id else { return }
        try abortMapRuns(&execution, branchIds: [branchId])
        if branch.phase == .awaitingBranches {
            for child in try BranchRecord.children(executionId: branch.executionId, parentBranchId: branchId, in: db)
            where child.status == .running {
                try abortBranch(child, execution: &execution)
            }
            // Nobody reads them any more: their state is not going to finish.
            try BranchRecord.deleteChildren(executionId: branch.executionId, parentBranchId: branchId, in: db)
            try BranchGroupRecord.delete(executionId: branch.executionId, parentBranchId: branchId, in: db)
        }
        if branch.phase != .enter, branch.phase != .queued, let name = branch.currentState,
            let kind = try definitions.definition(versionId: execution.versionId, in: db).state(named: name)?.kind
        {
            switch kind {
            case .task: try append(.taskStateAborted, &execution)
            case .wait: try append(.waitStateAborted, &execution)
            case .parallel: try append(.parallelStateAborted, &execution)
            case .map: try append(.mapStateAborted, &execution)
            case .pass, .choice, .succeed, .fail: break
            }
        }
        if branch.phase != .queued, try isMapIteration(branch, of: execution) {
            try append(.mapIterationAborted, Self.iterationDetails(branch.stateName, Int(branch.position)), &execution)
        }
        let childWaits = try TaskTokenRecord.unresolvedChildWaits(executionId: branch.executionId, branchId: branchId, in: db)
        effects.tokenWaitsClosed += try TaskTokenRecord.resolve(
            executionId: branch.executionId, branchId: branchId, at: now.timeIntervalSince1970, in: db)
        try TimerRecord.deleteAll(executionId: branch.executionId, branchIds: [branchId], in: db)
        try stopChildren(waitedOnBy: childWaits)
        var aborted = branch
        aborted.status = .aborted
        aborted.phase = .done
        aborted.resumeValue = nil
        try aborted.updateChanges(db)
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
        // Its running map runs stop first, their children with them: in whatever phase, for a
        // run whose children have all ended may still be writing its results.
        try abortMapRuns(&execution, branchIds: nil)
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
        // Its Parallel and Map states' branches stop with it: their tokens and timers below
        // are the execution's.
        let hadBranches = execution.phase == .awaitingBranches
        execution.phase = .done
        execution.resumeValue = nil
        effects.log(.about(execution, level: status.endLogLevel, status.endLogMessage))
        if let token = execution.parentTaskToken {
            try ChildExecutionAnswer.answer(parentToken: token, child: execution, db: db, now: now, effects: &effects)
        }
        try mapRunChildEnded(execution)
        if let id = execution.id {
            let childWaits = try TaskTokenRecord.unresolvedChildWaits(executionId: id, branchId: nil, in: db)
            try TaskWait.resolveToken(executionId: id, db: db, now: now, effects: &effects)
            try stopChildren(waitedOnBy: childWaits)
            try TimerRecord.deleteAll(executionId: id, in: db)
            if hadBranches {
                // Kept, stopped, for a redrive: it runs again only the branches that did not succeed.
                try BranchRecord.abortRunning(executionId: id, in: db)
            }
            effects.endedExecutions.append(id)
        }
    }

    /// Runs an ended execution again from the state its top level ended in, with that state's
    /// input (RedriveExecution): what it finished is not run again, its variables are as they
    /// were, the state's retries count from 0, and its TimeoutSeconds runs from now.
    mutating func redrive(_ execution: inout ExecutionRecord, count: Int64, definition: StateMachineDefinition) throws {
        guard let id = execution.id else { return }
        try append(.executionRedriven, ["redriveCount": .number(Double(count))], &execution)
        execution.status = .running
        execution.output = nil
        execution.error = nil
        execution.cause = nil
        execution.stopDate = nil
        // Its parent (startExecution.sync) had its answer when it ended.
        if execution.parentTaskToken != nil {
            execution.parentTaskToken = nil
            try db.execute(sql: "UPDATE execution SET parentTaskToken = NULL WHERE id = ?", arguments: [id])
        }
        var cursor = Cursor(of: execution)
        try revive(&cursor, execution: &execution, definition: definition)
        cursor.store(in: &execution)
        // A map run's child runs the item processor, which the machine's TimeoutSeconds does not bound.
        if let timeout = definition.timeoutSeconds, try MapRunChildRecord.find(executionId: id, in: db) == nil {
            try TimerRecord(executionId: id, kind: .executionTimeout, dueAt: now.timeIntervalSince1970 + Double(timeout)).set(db)
            effects.timersChanged = true
        }
        effects.readyExecutions.append(id)
        effects.log(.about(execution, level: .info, "execution redriven"))
    }

    /// Readies a cursor that ended (failed, or stopped) to run again from the state it stood
    /// in. A Parallel or Map state whose branches were kept waits on them again: those that
    /// succeeded keep their output, the others are revived in turn (an iteration that never
    /// started is queued again); any other state is entered again. Recursive as deep as
    /// branches nest (at most `StateMachineDefinition.maximumNesting`).
    private mutating func revive(_ cursor: inout Cursor, execution: inout ExecutionRecord, definition: StateMachineDefinition) throws {
        cursor.resumeValue = nil
        cursor.retryCounts = nil
        cursor.phase = .enter
        if let name = cursor.currentState, case .map(let map)? = definition.state(named: name)?.kind, map.distributed != nil {
            try reviveMapRun(&cursor, execution: &execution)
            return
        }
        guard let executionId = execution.id, let name = cursor.currentState, let kind = definition.state(named: name)?.kind,
            var group = try BranchGroupRecord.find(db, executionId: executionId, parentBranchId: cursor.branchId)
        else { return }
        let isMap: Bool
        switch kind {
        case .map: isMap = true
        case .parallel: isMap = false
        case .pass, .task, .choice, .wait, .succeed, .fail: return
        }
        let children = try BranchRecord.children(executionId: executionId, parentBranchId: cursor.branchId, in: db)
        var ended: Int64 = 0
        for child in children {
            if child.status == .succeeded {
                ended += 1
                continue
            }
            var revived = child
            revived.status = .running
            revived.output = nil
            revived.error = nil
            revived.cause = nil
            if child.position >= group.started {
                revived.phase = .queued
            } else {
                var childCursor = Cursor(of: child)
                try revive(&childCursor, execution: &execution, definition: definition)
                childCursor.store(in: &revived)
                if isMap { try append(.mapIterationStarted, Self.iterationDetails(child.stateName, Int(child.position)), &execution) }
            }
            try revived.updateChanges(db)
        }
        group.ended = ended
        try group.updateChanges(db)
        if ended == Int64(children.count) {
            // Nothing failed under it (its own ResultSelector or ResultPath did): it finishes again.
            cursor.phase = .resume
            cursor.resumeValue = ResumeValue.branchesEnded.text
        } else {
            cursor.phase = .awaitingBranches
        }
    }

    /// Stops the running children of `startExecution.sync` tasks whose wait has ended without
    /// them (their tokens already resolved, so that a child's end answers nobody). Iterative:
    /// a chain of children, each started by the one before, may be longer than a stack.
    mutating func stopChildren(waitedOnBy tokens: [String]) throws {
        var children: [Int64] = []
        for token in tokens {
            if let child = try ExecutionRecord.runningChild(parentTaskToken: token, in: db) { children.append(child) }
        }
        try stopExecutions(children)
    }

    /// Stops (ABORTED) the running executions `ids`, and what stopping them stops in turn.
    mutating func stopExecutions(_ ids: [Int64]) throws {
        childrenToStop += ids
        guard !isStoppingChildren else { return }
        isStoppingChildren = true
        defer { isStoppingChildren = false }
        while let id = childrenToStop.popLast() {
            guard var child = try ExecutionRecord.find(db, key: id), child.status == .running else { continue }
            try endExecution(&child, status: .aborted, outputText: nil, error: nil, cause: nil)
            try save(&child)
        }
    }

    // MARK: - Variables

    /// The variables `cursor`'s states read: those of the scopes around it, and its own.
    private func visibleVariables(_ cursor: Cursor) throws(StatesError) -> [String: JSONValue] {
        guard usesVariables else { return [:] }
        let own = try Self.variables(in: cursor.variables)
        guard !outerVariables.isEmpty else { return own }
        return outerVariables.merging(own) { _, inner in inner }
    }

    /// The variables of the scopes around `branch`: the top level's and each enclosing branch's.
    private func variablesAround(_ branch: BranchRecord, execution: ExecutionRecord) throws -> [String: JSONValue] {
        var scopes: [String?] = []
        var parentId = branch.parentBranchId
        // Parallel and Map states nest at most `StateMachineDefinition.maximumNesting` deep.
        while parentId != BranchRecord.topLevel, scopes.count <= StateMachineDefinition.maximumNesting {
            guard let parent = try BranchRecord.find(db, id: parentId, executionId: branch.executionId) else { break }
            scopes.append(parent.variables)
            parentId = parent.parentBranchId
        }
        scopes.append(execution.variables)
        var variables: [String: JSONValue] = [:]
        for scope in scopes.reversed() {
            variables.merge(try Self.variables(in: scope)) { _, inner in inner }
        }
        return variables
    }

    /// Sets `assigned` in the cursor's own scope. A name of a scope around it cannot be
    /// assigned here (AWS: "a variable assigned in an inner scope cannot have the same name as
    /// one assigned in an outer scope"); all of an execution's variables together are at most
    /// `Limits.maximumVariablesBytes`.
    private func assign(_ assigned: [String: JSONValue], to cursor: inout Cursor) throws(StatesError) {
        for name in assigned.keys.sorted() where outerVariables[name] != nil {
            throw StatesError.runtime(
                "The variable '\(name)' belongs to an outer scope: a Parallel branch or a Map iteration cannot assign it")
        }
        var own = try Self.variables(in: cursor.variables)
        own.merge(assigned) { _, new in new }
        let text = JSONValue.object(own).serialized()
        let outerBytes = outerVariables.isEmpty ? 0 : JSONValue.object(outerVariables).serialized().utf8.count
        guard text.utf8.count + outerBytes <= Limits.maximumVariablesBytes else {
            throw StatesError.dataLimitExceeded(
                "The variables of the execution would take more than \(Limits.maximumVariablesBytes) bytes, the most AWS allows")
        }
        cursor.variables = text
    }

    private static func variables(in text: String?) throws(StatesError) -> [String: JSONValue] {
        guard let text else { return [:] }
        guard case .object(let members)? = try? JSONValue(parsing: text) else {
            throw StatesError.runtime("The stored variables are not a JSON object")
        }
        return members
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

    mutating func append(_ type: HistoryEventType, _ details: [String: JSONValue], _ execution: inout ExecutionRecord) throws {
        if let event = try HistoryWriter.next(type, details: .object(details), for: &execution, at: now) { unwrittenEvents.append(event) }
    }

    /// An event without details.
    mutating func append(_ type: HistoryEventType, _ execution: inout ExecutionRecord) throws {
        if let event = try HistoryWriter.next(type, details: nil, for: &execution, at: now) { unwrittenEvents.append(event) }
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

    private func stateInput(of cursor: Cursor) throws -> JSONValue {
        guard let text = cursor.stateInput else { return .object([:]) }
        if let lastOutput, lastOutput.text == text { return lastOutput.value }
        do { return try JSONValue(parsing: text) } catch {
            throw StatesError(name: StatesError.runtime, cause: "the stored state input is not JSON: \(error)")
        }
    }

    /// Stands for the context object where the state cannot read it.
    private static let unreadContext: JSONValue = .object([:])

    private func contextObject(_ execution: ExecutionRecord, _ cursor: Cursor, stateName: String, taskToken: String?) -> JSONValue {
        let retryCount = cursor.retryCounts.flatMap { try? JSONValue(parsing: $0) }?.arrayValue?.compactMap(\.intValue).reduce(0, +) ?? 0
        return ContextObject(
            executionId: execution.arn,
            executionName: execution.name,
            executionInput: (try? JSONValue(parsing: execution.input)) ?? .null,
            executionStartTime: Date(timeIntervalSince1970: execution.startDate),
            roleArn: nil,
            redriveCount: execution.id.flatMap { try? ExecutionRedriveRecord.find(executionId: $0, in: db) }.map { Int($0.count) } ?? 0,
            stateMachineId: LocalARN.stateMachine(execution.stateMachineName),
            stateMachineName: execution.stateMachineName,
            stateName: stateName,
            stateEnteredTime: Date(timeIntervalSince1970: cursor.stateEnteredDate ?? now.timeIntervalSince1970),
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
        case .parallel: .parallelStateEntered
        case .map: .mapStateEntered
        }
    }
}
