import Foundation
import GRDB
import StepStore

/// DescribeMapRun, ListMapRuns, UpdateMapRun, and ListExecutions of a map run's children.
extension Engine {
    public func describeMapRun(arn reference: String, scope: ExecutionScope = .all) async throws -> MapRunDescription {
        let arn = try Self.mapRunArn(reference)
        return try await read { db in
            guard let run = try MapRunRecord.find(arn: arn, in: db), let runId = run.id,
                let parent = try ExecutionRecord.fetchOne(db, key: run.executionId)
            else { throw MapRunError.doesNotExist(arn: arn) }
            try scope.check(parent)
            var description = MapRunDescription(run, executionArn: parent.arn, stateMachineName: parent.stateMachineName)
            let counts = try MapRunRecord.childCounts(of: runId, in: db)
            let waiting =
                run.pendingRedrive > 0 ? try MapRunRecord.childCounts(of: runId, pendingRedriveOf: run.redriveCount, in: db) : [:]
            func fill(_ target: inout MapRunDescription.Counts, _ pick: ((children: Int64, items: Int64)) -> Int64, pending: Int64) {
                func count(_ status: ExecutionRecord.Status) -> Int64 { (counts[status].map(pick) ?? 0) - (waiting[status].map(pick) ?? 0) }
                target.running = count(.running)
                target.succeeded = count(.succeeded)
                target.failed = count(.failed)
                target.timedOut = count(.timedOut)
                target.aborted = count(.aborted)
                target.pendingRedrive = waiting.values.map(pick).reduce(0, +)
                target.pending = pending
                target.total = target.pending + target.running + target.succeeded + target.failed + target.timedOut + target.aborted
                    + target.pendingRedrive
                // A run that succeeded wrote (or returned) every child's result.
                target.resultsWritten = run.status == .succeeded ? target.total - target.pending - target.running : 0
            }
            fill(&description.executionCounts, \.children, pending: run.pending)
            fill(&description.itemCounts, \.items, pending: try MapRunItemRecord.pendingItems(mapRunId: runId, in: db))
            return description
        }
    }

    public func listMapRuns(executionArn reference: String, maxResults: Int?, nextToken: String?, scope: ExecutionScope = .all) async throws
        -> Page<MapRunDescription>
    {
        let arn = try LocalARN.normalizedExecution(reference)
        let page = try Pagination(maxResults: maxResults, nextToken: nextToken)
        return try await read { db in
            guard let execution = try ExecutionRecord.find(db, arn: arn), let id = execution.id else {
                throw ExecutionError.doesNotExist(arn: arn)
            }
            try scope.check(execution)
            let runs = try MapRunRecord.page(executionId: id, after: try page.afterId(), limit: page.limit + 1, in: db)
            let shown = runs.prefix(page.limit)
            return Page(
                items: shown.map { MapRunDescription($0, executionArn: execution.arn, stateMachineName: execution.stateMachineName) },
                nextToken: runs.count > page.limit ? shown.last?.id.map { Pagination.token(after: String($0)) } : nil)
        }
    }

    /// Changes a running map run's concurrency and tolerated failures; a larger concurrency
    /// starts more of its waiting children at once.
    public func updateMapRun(
        arn reference: String, maxConcurrency: Int?, toleratedFailurePercentage: Double?, toleratedFailureCount: Int64?,
        scope: ExecutionScope = .all
    ) async throws {
        let arn = try Self.mapRunArn(reference)
        guard maxConcurrency != nil || toleratedFailurePercentage != nil || toleratedFailureCount != nil else {
            throw RequestError.invalid(reason: "At least one of maxConcurrency, toleratedFailurePercentage and toleratedFailureCount must be given")
        }
        try await transact { db, now, effects in
            guard var run = try MapRunRecord.find(arn: arn, in: db), let parent = try ExecutionRecord.fetchOne(db, key: run.executionId) else {
                throw MapRunError.doesNotExist(arn: arn)
            }
            try scope.check(parent)
            guard run.status == .running else { throw MapRunError.completed(arn: arn) }
            if let maxConcurrency { run.maxConcurrency = Int64(maxConcurrency) }
            if let toleratedFailurePercentage { run.toleratedFailurePercentage = toleratedFailurePercentage }
            if let toleratedFailureCount { run.toleratedFailureCount = toleratedFailureCount }
            try run.update(db)
            var stepper = ExecutionStepper(db: db, now: now, definitions: self.definitions)
            try stepper.mapRunChanged(run)
            effects.merge(stepper.effects)
        }
    }

    /// ListExecutions with `mapRunArn`: the run's children, newest first.
    public func listExecutions(
        mapRun reference: String, statusFilter: String?, redriveFilter: String? = nil, maxResults: Int?, nextToken: String?,
        scope: ExecutionScope = .all
    ) async throws -> Page<ExecutionDescription> {
        let arn = try Self.mapRunArn(reference)
        let page = try Pagination(maxResults: maxResults, nextToken: nextToken)
        return try await read { db in
            guard let run = try MapRunRecord.find(arn: arn, in: db), let runId = run.id,
                let parent = try ExecutionRecord.fetchOne(db, key: run.executionId)
            else { throw MapRunError.doesNotExist(arn: arn) }
            try scope.check(parent)
            let records = try ExecutionRecord.page(
                stateMachine: parent.stateMachineName, status: statusFilter, redriven: redriveFilter.map { $0 == "REDRIVEN" }, mapRunId: runId,
                before: try page.afterId(), limit: page.limit + 1, in: db)
            let shown = records.prefix(page.limit)
            let links = try MapRunChildRecord.all(executionIds: shown.compactMap(\.id), in: db)
            let redrives = try ExecutionRedriveRecord.all(executionIds: shown.compactMap(\.id), in: db)
            let last = records.count > page.limit ? records[page.limit - 1].id : nil
            return Page(
                items: shown.map { record in
                    var description = ExecutionDescription(record, redrive: record.id.flatMap { redrives[$0] })
                    description.mapRunArn = run.arn
                    description.stateMachineArn = LocalARN.labelledStateMachine(record.stateMachineName, label: run.label)
                    description.itemCount = record.id.flatMap { links[$0]?.itemCount }
                    return description
                },
                nextToken: last.map { Pagination.token(after: String($0)) })
        }
    }

    static func mapRunArn(_ reference: String) throws(RequestError) -> String {
        guard let arn = LocalARN.normalizedMapRun(reference) else {
            throw .invalidArn(reason: "'Resource type not valid in this context: \(reference)'")
        }
        return arn
    }
}
