import Foundation
import GRDB
import JSON
import StepStore

extension Engine {
    func pendingJob(id: String) async throws -> PendingJob? {
        try await read { db in
            guard let job = try JobRecord.find(db, key: id), job.status == .pending,
                let definition = try JobDefinitionRecord.find(db, key: job.jobName)
            else { return nil }
            let command = (try? JSONValue(parsing: definition.command))?.arrayValue?.compactMap(\.stringValue) ?? []
            let environmentValues = (try? JSONValue(parsing: definition.environment))?.objectValue?.compactMapValues(\.stringValue) ?? [:]
            return PendingJob(
                jobId: job.id, jobName: job.jobName, command: command, environment: environmentValues,
                workingDirectory: definition.workingDirectory, timeoutSeconds: definition.timeoutSeconds, executionArn: job.executionArn)
        }
    }

    public func recordJobStarted(jobId: String, pid: Int32, pidStartTime: UInt64) async throws {
        try await transact { db, now, _ in
            try JobRecord.markStarted(id: jobId, pid: pid, pidStartTime: Int64(pidStartTime), at: now.timeIntervalSince1970, in: db)
        }
    }

    /// Records that a job ended. One that ended without reporting gets, in the same
    /// transaction, the failure report it should have sent, so no workflow waits forever on a
    /// dead job and no crash can come between the two.
    public func recordJobExit(jobId: String, description: String) async throws -> EndedJob? {
        let rules = self.rules
        let definitions = self.definitions
        let logger = self.logger
        return try await transact { db, now, effects in
            guard var job = try JobRecord.find(db, key: jobId), job.status != .exited else { return nil }
            job.status = .exited
            job.endedAt = now.timeIntervalSince1970
            job.exitDescription = description
            try job.update(db)
            if !job.reported {
                let report = JobFailureReport.envelope(jobId: job.id, jobName: job.jobName, description: description, at: now)
                _ = try EventIngest.ingest(
                    report, rules: rules, definitions: definitions, db: db, now: now, logger: logger, effects: &effects)
            }
            return EndedJob(jobId: job.id, jobName: job.jobName, executionArn: job.executionArn, reported: job.reported)
        }
    }

    // MARK: - Job definitions (extension actions)

    public func putJobDefinition(_ definition: JobDefinition) async throws {
        try ResourceName.validate(definition.name, what: "job name")
        if definition.command.isEmpty { throw RequestError.invalid(reason: "Command is required: a non-empty array of strings (argv)") }
        if let timeout = definition.timeoutSeconds, timeout <= 0 {
            throw RequestError.invalid(reason: "TimeoutSeconds must be a positive integer")
        }
        let command = JSONValue.array(definition.command.map { .string($0) }).serialized()
        let environment = JSONValue.object(definition.environment.mapValues { .string($0) }).serialized()
        try await transact { db, now, _ in
            try JobDefinitionRecord(
                name: definition.name, command: command, environment: environment, workingDirectory: definition.workingDirectory,
                timeoutSeconds: definition.timeoutSeconds, updatedAt: now.timeIntervalSince1970
            ).save(db)
        }
    }

    public func describeJobDefinition(name: String) async throws -> JobDefinition {
        try await read { db in
            guard let record = try JobDefinitionRecord.find(db, key: name) else { throw JobError.definitionDoesNotExist(name: name) }
            return Self.definition(of: record)
        }
    }

    public func listJobDefinitions() async throws -> [JobDefinition] {
        try await read { db in try JobDefinitionRecord.allByName(in: db).map(Self.definition(of:)) }
    }

    public func deleteJobDefinition(name: String) async throws {
        try await transact { db, _, _ in
            guard try JobDefinitionRecord.deleteOne(db, key: name) else { throw JobError.definitionDoesNotExist(name: name) }
        }
    }

    /// `scope`: a job is seen by whoever may see its execution.
    public func describeJob(id: String, scope: ExecutionScope = .all) async throws -> JobDescription {
        try await read { db in
            guard let job = try JobRecord.find(db, key: id) else { throw JobError.jobDoesNotExist(id: id) }
            if scope != .all {
                let starter = try ExecutionRecord.find(db, arn: job.executionArn)?.startedByUid
                guard scope.allows(startedByUid: starter) else {
                    throw AccessDenied(resource: id, reason: "a job is seen by whoever started its execution, and admins")
                }
            }
            return JobDescription(
                jobId: job.id, jobName: job.jobName, executionArn: job.executionArn, status: job.status, reported: job.reported,
                createdAt: job.createdAt, pid: job.pid, startedAt: job.startedAt, endedAt: job.endedAt, exitDescription: job.exitDescription)
        }
    }

    private static func definition(of record: JobDefinitionRecord) -> JobDefinition {
        JobDefinition(
            name: record.name,
            command: (try? JSONValue(parsing: record.command))?.arrayValue?.compactMap(\.stringValue) ?? [],
            environment: (try? JSONValue(parsing: record.environment))?.objectValue?.compactMapValues(\.stringValue) ?? [:],
            workingDirectory: record.workingDirectory, timeoutSeconds: record.timeoutSeconds)
    }
}
