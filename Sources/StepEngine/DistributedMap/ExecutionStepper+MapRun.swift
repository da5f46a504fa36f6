import Foundation
import GRDB
import JSON
import StatesLanguage
import StepStore

/// A Map state in DISTRIBUTED mode: a map run whose items (or batches) each run as a child
/// execution of the state's item processor, at most `MaxConcurrency` at once. The parent's
/// cursor waits on the run as on branches; each child's end counts on the run's row, starts
/// the next item, and readies the parent once all have ended or too many failed. Children
/// read no variables of the parent's scopes (AWS: "Distributed Map states cannot currently
/// reference variables in outer scopes"), and the parent's history has the run's events only.
extension ExecutionStepper {
    /// AWS's MaxConcurrency for a distributed Map that gives none (or 0).
    static let defaultMapRunConcurrency: Int64 = 10_000
    /// The most children one transaction starts when a run starts, is redriven or is given more
    /// concurrency; each child that ends starts at most two more. A run of 10,000 at once gets
    /// there in a few commits, none of which holds the writer for all of them.
    static let childrenStartedAtOnce = 512
    static let childrenStartedPerEnd = 2
    /// The most items one map run takes (stepd's bound: they are held while read, and stored
    /// in the commit that starts the run). `MaxItems` reads fewer of a larger object.
    static let maximumItemsPerRun = 1_000_000
    /// The most bytes a run's child inputs take together (stepd's bound: they are built and
    /// stored at once; an `ItemSelector` could make each item up to 256 KiB).
    static let maximumInputBytesPerRun = 128 << 20
    static let exceededThresholdCause = "The specified tolerated failure threshold was exceeded"

    mutating func stepDistributedMap(
        _ execution: inout ExecutionRecord, _ cursor: inout Cursor, map: MapState, processing: DistributedProcessing, stateName: String,
        input: JSONValue, resume: ResumeValue?, context: EvaluationContext
    ) throws {
        let fanOut = FanOut(map)
        guard let executionId = execution.id else { return }
        if resume == .branchesEnded {
            try finishMapRun(&execution, &cursor, fanOut, processing: processing, stateName: stateName, input: input, context: context)
            return
        }
        // Read before the run starts: AWS fails the state on these without a MapRunFailed.
        let settings = Result { () throws(StatesError) in
            let effective = try map.inputPath.apply(to: input, context: context)
            let items = processing.itemReader == nil ? try map.items(in: effective, context: context) : nil
            return (
                effective: effective, items: items,
                maxConcurrency: try map.resolvedMaxConcurrency(input: effective, context: context),
                tolerated: try processing.toleratedFailures(input: effective, context: context),
                destination: try processing.resultWriter?.destination(input: effective, context: context)
            )
        }
        let prepared: (
            effective: JSONValue, items: [JSONValue]?, maxConcurrency: Int, tolerated: (count: Int64?, percentage: Double?),
            destination: (bucket: String, prefix: String)?
        )
        switch settings {
        case .failure(let error):
            try handleStateError(&execution, &cursor, fanOut.handling, stateName: stateName, input: input, error: error)
            return
        case .success(let values):
            prepared = values
        }
        try append(.mapStateStarted, ["length": .number(Double(prepared.items?.count ?? 0))], &execution)
        let runId = UUID.random().lowercasedString
        let label = processing.label ?? UUID.random().lowercasedString
        var run = MapRunRecord(
            executionId: executionId, branchId: cursor.branchId, stateName: stateName,
            arn: LocalARN.mapRun(stateMachine: execution.stateMachineName, label: label, id: runId), label: label,
            executionType: processing.executionType.rawValue, startDate: now.timeIntervalSince1970,
            maxConcurrency: Int64(prepared.maxConcurrency), toleratedFailureCount: prepared.tolerated.count,
            toleratedFailurePercentage: prepared.tolerated.percentage, total: 0,
            resultWriter: prepared.destination.map { JSONValue.object(["Bucket": .string($0.bucket), "Prefix": .string($0.prefix)]).serialized() })
        try run.insert(db)
        try append(.mapRunStarted, ["mapRunArn": .string(run.arn)], &execution)
        let inputs = Result { () throws(StatesError) in
            try childInputs(map: map, processing: processing, effective: prepared.effective, items: prepared.items, stateName: stateName, context: context)
        }
        switch inputs {
        case .failure(let error):
            try failMapRun(&run, &execution, &cursor, fanOut, stateName: stateName, input: input, error: error)
        case .success(let inputs):
            run.total = Int64(inputs.count)
            let concurrency = run.maxConcurrency == 0 ? Self.defaultMapRunConcurrency : run.maxConcurrency
            let window = Int(min(run.total, concurrency, Int64(Self.childrenStartedAtOnce)))
            guard let runRowId = run.id else { return }
            let waiting = try db.cachedStatement(sql: "INSERT INTO mapRunItem (mapRunId, position, input, itemCount) VALUES (?, ?, ?, ?)")
            for (position, input) in inputs.enumerated().dropFirst(window) {
                try waiting.execute(arguments: [runRowId, position, input.text, input.itemCount])
            }
            for input in inputs.prefix(window) {
                try startMapRunChild(&run, input: input.text, itemCount: input.itemCount, parent: execution, startAt: map.processor.startAt)
            }
            try run.update(db)
            if run.total == 0 {
                try finishMapRun(&execution, &cursor, fanOut, processing: processing, stateName: stateName, input: input, context: context)
            } else {
                waitForBranches(&execution, &cursor)
            }
        }
    }

    /// Each child's input, and how many items it holds: the items (from the reader or
    /// `ItemsPath`), each through `ItemSelector`, then cut into batches by `ItemBatcher`.
    private func childInputs(
        map: MapState, processing: DistributedProcessing, effective: JSONValue, items given: [JSONValue]?, stateName: String,
        context: EvaluationContext
    ) throws(StatesError) -> [(text: String, itemCount: Int64)] {
        var items: [JSONValue]
        if let given { items = given } else { items = try readItems(processing.itemReader, effective: effective, context: context) }
        if let selector = map.itemSelector {
            var bytes = 0
            for index in items.indices {
                items[index] = try selector.evaluate(input: effective, context: MapState.itemContext(context, index: index, value: items[index]))
                bytes += items[index].serialized().utf8.count
                try Self.checkRunBytes(bytes, stateName: stateName)
            }
        }
        if let batcher = processing.itemBatcher {
            items = try batcher.batches(of: items, effectiveInput: effective, context: context)
        }
        var inputs: [(text: String, itemCount: Int64)] = []
        inputs.reserveCapacity(items.count)
        var bytes = 0
        for (index, item) in items.enumerated() {
            let text = item.serialized()
            try Limits.checkPayload(text: text, what: "The input of child \(index) of the map run of state '\(stateName)'")
            bytes += text.utf8.count
            try Self.checkRunBytes(bytes, stateName: stateName)
            inputs.append((text, processing.itemBatcher == nil ? 1 : Int64(item["Items"]?.arrayValue?.count ?? 1)))
        }
        return inputs
    }

    private static func checkRunBytes(_ bytes: Int, stateName: String) throws(StatesError) {
        guard bytes <= maximumInputBytesPerRun else {
            throw StatesError.dataLimitExceeded(
                "The inputs of the children of the map run of state '\(stateName)' take more than \(maximumInputBytesPerRun) bytes together, more than stepd holds for one run")
        }
    }

    /// The items `reader` reads from the buckets folder.
    private func readItems(_ reader: ItemReader?, effective: JSONValue, context: EvaluationContext) throws(StatesError) -> [JSONValue] {
        guard let reader else { return [] }
        guard let buckets else {
            throw StatesError(name: StatesError.itemReaderFailed, cause: "stepd was started without a buckets folder, so an ItemReader has nothing to read")
        }
        let parameters = try reader.parameters?.evaluate(input: effective, context: context) ?? .object([:])
        guard let bucket = parameters["Bucket"]?.stringValue else {
            throw StatesError(name: StatesError.itemReaderFailed, cause: "The ItemReader's Parameters must have a 'Bucket' string")
        }
        let maxItems = try reader.resolvedMaxItems(input: effective, context: context)
        switch reader.source {
        case .listing:
            return try buckets.list(bucket: bucket, prefix: parameters["Prefix"]?.stringValue ?? "", limit: maxItems)
        case .object(let format):
            guard let key = parameters["Key"]?.stringValue else {
                throw StatesError(name: StatesError.itemReaderFailed, cause: "The ItemReader's Parameters must have a 'Key' string")
            }
            let bytes = try buckets.read(bucket: bucket, key: key)
            // One item past the bound tells a larger object from one at the bound.
            let bound = Self.maximumItemsPerRun + 1
            let items = try ItemFileParser.items(in: bytes, format: format, maxItems: maxItems.map { $0 == 0 ? bound : min($0, bound) } ?? bound)
            guard items.count <= Self.maximumItemsPerRun else {
                throw StatesError(
                    name: StatesError.itemReaderFailed,
                    cause: "The object '\(key)' of bucket '\(bucket)' holds more than \(Self.maximumItemsPerRun) items, more than stepd runs in one map run (MaxItems reads fewer)")
            }
            return items
        }
    }

    /// Starts the child for the item at position `run.started`, with `input`.
    private mutating func startMapRunChild(
        _ run: inout MapRunRecord, input: String, itemCount: Int64, parent: ExecutionRecord, startAt: String
    ) throws {
        guard let runId = run.id else { return }
        let name = UUID.timeOrdered(at: now).lowercasedString
        var child = ExecutionRecord(
            arn: LocalARN.mapRunExecution(stateMachine: parent.stateMachineName, label: run.label, name: name), name: name,
            stateMachineName: parent.stateMachineName, versionId: parent.versionId, input: input, startDate: now.timeIntervalSince1970,
            startedByUid: parent.startedByUid, parentExecutionArn: nil, startAt: startAt)
        child.lastEventId = 1
        try child.insertAssigningId(db)
        guard let childId = child.id else { return }
        try MapRunChildRecord(executionId: childId, mapRunId: runId, position: run.started, itemCount: itemCount).insert(db)
        var details = HistoryWriter.payload("input", text: input)
        if let role = try roleArn(of: parent) { details["roleArn"] = .string(role) }
        let event = HistoryWriter.event(.executionStarted, details: .object(details), executionId: childId, id: 1, previousEventId: 0, at: now)
        try HistoryEventRecord.insert([event], in: db)
        if run.executionType == DistributedProcessing.ExecutionType.express.rawValue {
            try TimerRecord(executionId: childId, kind: .executionTimeout, dueAt: now.timeIntervalSince1970 + Double(Limits.maximumExpressSeconds))
                .set(db)
            effects.timersChanged = true
        }
        effects.executionsStarted += 1
        effects.readyExecutions.append(childId)
        run.started += 1
    }

    private func roleArn(of execution: ExecutionRecord) throws -> String? {
        if let role = try StateMachineVersionRecord.find(db, key: execution.versionId)?.roleArn { return role }
        return try StateMachineRecord.find(db, key: execution.stateMachineName)?.roleArn
    }

    /// A child of a map run has ended: it is counted, and the run starts the next items, fails
    /// (stopping its running children) when more failed than it tolerates, or readies its
    /// parent once every child has ended.
    mutating func mapRunChildEnded(_ child: ExecutionRecord) throws {
        guard let childId = child.id, let link = try MapRunChildRecord.find(executionId: childId, in: db),
            var run = try MapRunRecord.fetchOne(db, key: link.mapRunId)
        else { return }
        switch child.status {
        case .succeeded: run.succeeded += 1
        case .failed: run.failed += 1
        case .timedOut: run.timedOut += 1
        case .aborted: run.aborted += 1
        case .running: return
        }
        guard run.status == .running else {
            try run.update(db)
            return
        }
        try advance(&run, template: child, starting: Self.childrenStartedPerEnd)
    }

    /// A running map run's settings changed (UpdateMapRun): it may fail at once, or start more.
    mutating func mapRunChanged(_ run: MapRunRecord) throws {
        guard run.status == .running, let parent = try ExecutionRecord.fetchOne(db, key: run.executionId) else { return }
        var run = run
        try advance(&run, template: parent, starting: Self.childrenStartedAtOnce)
    }

    /// Fails the run (stopping its running children) when more failed than it tolerates; else
    /// starts waiting children while fewer than its concurrency run, and readies its parent
    /// once every child has ended. `template`: an execution of the same machine and starter;
    /// `starting`: the most children this call starts.
    private mutating func advance(_ run: inout MapRunRecord, template: ExecutionRecord, starting: Int) throws {
        guard let runId = run.id else { return }
        if Self.exceedsTolerance(run) {
            run.status = .failed
            run.error = StatesError.exceedToleratedFailureThreshold
            run.cause = Self.exceededThresholdCause
            run.stopDate = now.timeIntervalSince1970
            try run.update(db)
            try readyParent(of: run)
            // Their ends count on the run's row, written above first. The child that ended
            // here is not stopped: its row is not written yet and still says RUNNING.
            try stopExecutions(try MapRunRecord.runningChildren(of: runId, in: db).filter { $0 != template.id })
            return
        }
        try fill(&run, template: template, starting: starting)
        try run.update(db)
        if run.pending == 0, run.running == 0, run.pendingRedrive == 0 { try readyParent(of: run) }
    }

    /// Runs more of the run's children while fewer than its concurrency run, at most
    /// `starting` of them: first those a redrive left waiting (redriven from where they
    /// ended), then items that never started. `template`: an execution of the same machine
    /// and starter.
    private mutating func fill(_ run: inout MapRunRecord, template: ExecutionRecord, starting: Int) throws {
        guard let runId = run.id else { return }
        let concurrency = run.maxConcurrency == 0 ? Self.defaultMapRunConcurrency : run.maxConcurrency
        guard run.pending > 0 || run.pendingRedrive > 0, run.running < concurrency else { return }
        let definition = try definitions.definition(versionId: template.versionId, in: db)
        var started = 0
        if run.pendingRedrive > 0 {
            let room = Int(min(Int64(starting), concurrency - run.running, run.pendingRedrive))
            for child in try MapRunRecord.childrenPendingRedrive(of: runId, redriveCount: run.redriveCount, limit: room, in: db) {
                guard let childId = child.id else { continue }
                let previous = try ExecutionRedriveRecord.find(executionId: childId, in: db)
                let count = (previous?.count ?? 0) + 1
                try ExecutionRedriveRecord(
                    executionId: childId, count: count, lastDate: now.timeIntervalSince1970, clientTokens: previous?.clientTokens ?? "[]"
                ).save(db)
                var revived = child
                try redrive(&revived, count: count, definition: definition)
                try save(&revived)
                run.pendingRedrive -= 1
                started += 1
            }
        }
        guard run.pending > 0, case .map(let map)? = definition.state(named: run.stateName)?.kind else { return }
        while run.pending > 0, run.running < concurrency, started < starting {
            guard let item = try MapRunItemRecord.take(mapRunId: runId, position: run.started, in: db) else { break }
            try startMapRunChild(&run, input: item.input, itemCount: item.itemCount, parent: template, startAt: map.processor.startAt)
            started += 1
        }
    }

    /// Whether more of the run's children failed (failed, timed out or were stopped) than it
    /// tolerates: more than `ToleratedFailureCount`, or a larger share of its items than
    /// `ToleratedFailurePercentage`, whichever is given; any failure when neither is.
    static func exceedsTolerance(_ run: MapRunRecord) -> Bool {
        let failures = run.failed + run.timedOut + run.aborted
        guard failures > 0 else { return false }
        guard run.toleratedFailureCount != nil || run.toleratedFailurePercentage != nil else { return true }
        if let count = run.toleratedFailureCount, failures > count { return true }
        if let percentage = run.toleratedFailurePercentage, run.total > 0, Double(failures) * 100 / Double(run.total) > percentage {
            return true
        }
        return false
    }

    /// Readies the cursor that waits on `run`.
    private mutating func readyParent(of run: MapRunRecord) throws {
        guard var parent = try ExecutionRecord.find(db, key: run.executionId), parent.status == .running,
            var cursor = try Cursor.load(branchId: run.branchId, of: parent, in: db),
            cursor.phase == .awaitingBranches, cursor.currentState == run.stateName
        else { return }
        cursor.phase = .resume
        cursor.resumeValue = ResumeValue.branchesEnded.text
        try cursor.save(into: &parent, in: db)
        if cursor.isTopLevel { try parent.updateChanges(db) }
        effects.readyExecutions.append(run.executionId)
    }

    /// Stops the running map runs of `execution` (of the cursors `branchIds`, or all): each
    /// is ABORTED, its children stopped; its waiting items stay pending.
    mutating func abortMapRuns(_ execution: inout ExecutionRecord, branchIds: [Int64]?) throws {
        guard let executionId = execution.id else { return }
        for var run in try MapRunRecord.allRunning(executionId: executionId, branchIds: branchIds, in: db) {
            guard let runId = run.id else { continue }
            run.status = .aborted
            run.stopDate = now.timeIntervalSince1970
            try run.update(db)
            try append(.mapRunAborted, &execution)
            try stopExecutions(try MapRunRecord.runningChildren(of: runId, in: db))
        }
    }

    /// The run the cursor waited on is over: it failed, or its results are the state's.
    private mutating func finishMapRun(
        _ execution: inout ExecutionRecord, _ cursor: inout Cursor, _ fanOut: FanOut, processing: DistributedProcessing, stateName: String,
        input: JSONValue, context: EvaluationContext
    ) throws {
        guard let executionId = execution.id, var run = try MapRunRecord.latest(executionId: executionId, branchId: cursor.branchId, in: db),
            run.stateName == stateName, let runId = run.id
        else {
            throw StatesError.runtime("The map run of state '\(stateName)' is missing")
        }
        if run.status == .failed {
            try append(.mapRunFailed, Self.errorDetails(run.error, run.cause), &execution)
            try append(fanOut.failedType, &execution)
            try handleStateError(
                &execution, &cursor, fanOut.handling, stateName: stateName, input: input,
                error: StatesError(name: run.error ?? StatesError.runtime, cause: run.cause ?? ""))
            return
        }
        let result = Result { () throws(StatesError) -> JSONValue? in
            try MapRunResults(db: db, runId: runId).result(of: &run, writer: processing.resultWriter, buckets: buckets)
        }
        switch result {
        case .failure(let error):
            try failMapRun(&run, &execution, &cursor, fanOut, stateName: stateName, input: input, error: error)
        case .success(nil):
            // More results to write: the next commit goes on.
            try run.update(db)
            cursor.phase = .resume
            cursor.resumeValue = ResumeValue.branchesEnded.text
            endsTurn = true
        case .success(let result?):
            run.status = .succeeded
            run.stopDate = now.timeIntervalSince1970
            try run.update(db)
            try append(.mapRunSucceeded, &execution)
            try finishFanOut(&execution, &cursor, fanOut, stateName: stateName, input: input, context: context, result: result)
        }
    }

    /// The run fails with `error` (MapRunFailed), and so does the state, for its Retry and Catch.
    private mutating func failMapRun(
        _ run: inout MapRunRecord, _ execution: inout ExecutionRecord, _ cursor: inout Cursor, _ fanOut: FanOut, stateName: String,
        input: JSONValue, error: StatesError
    ) throws {
        run.status = .failed
        run.error = error.name
        run.cause = error.cause
        run.stopDate = now.timeIntervalSince1970
        try run.update(db)
        try append(.mapRunFailed, Self.errorDetails(error.name, error.cause), &execution)
        try append(fanOut.failedType, &execution)
        try handleStateError(&execution, &cursor, fanOut.handling, stateName: stateName, input: input, error: error)
    }

    private static func errorDetails(_ error: String?, _ cause: String?) -> [String: JSONValue] {
        var details: [String: JSONValue] = [:]
        if let error, !error.isEmpty { details["error"] = .string(error) }
        if let cause, !cause.isEmpty { details["cause"] = .string(cause) }
        return details
    }

    /// Redrive of a parent that ended in this distributed Map state: its latest run, when it
    /// failed or was stopped, runs again (`MapRunRedriven`): children that did not succeed are
    /// redriven from where they ended, items that never started start, those that succeeded
    /// keep their results. Without such a run the state is entered again.
    mutating func reviveMapRun(_ cursor: inout Cursor, execution: inout ExecutionRecord) throws {
        // The run of this visit to the state (not one of an earlier visit a Catch moved on
        // from), which read its items: one that failed reading them starts anew.
        guard let executionId = execution.id, var run = try MapRunRecord.latest(executionId: executionId, branchId: cursor.branchId, in: db),
            run.stateName == cursor.currentState, run.status == .failed || run.status == .aborted,
            run.startDate >= (cursor.stateEnteredDate ?? .infinity), run.total > 0
        else { return }
        run.status = .running
        run.stopDate = nil
        run.error = nil
        run.cause = nil
        run.redriveCount += 1
        run.redriveDate = now.timeIntervalSince1970
        try append(.mapRunRedriven, ["mapRunArn": .string(run.arn), "redriveCount": .number(Double(run.redriveCount))], &execution)
        // The children that did not succeed wait to be redriven, as many at once as the
        // concurrency allows, as items wait to start.
        run.pendingRedrive += run.failed + run.timedOut + run.aborted
        (run.failed, run.timedOut, run.aborted) = (0, 0, 0)
        try fill(&run, template: execution, starting: Self.childrenStartedAtOnce)
        try run.update(db)
        if run.running == 0, run.pending == 0, run.pendingRedrive == 0 {
            cursor.phase = .resume
            cursor.resumeValue = ResumeValue.branchesEnded.text
        } else {
            cursor.phase = .awaitingBranches
        }
    }
}
