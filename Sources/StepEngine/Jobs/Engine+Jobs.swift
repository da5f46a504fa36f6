import Foundation
import GRDB
import JSON
import StepAPI
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
            try db.execute(
                sql: "UPDATE job SET status = 'running', pid = ?, pidStartTime = ?, startedAt = ? WHERE id = ?",
                arguments: [pid, Int64(pidStartTime), now.timeIntervalSince1970, jobId])
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

    public func putJobDefinition(_ request: JSONValue) async throws -> JSONValue {
        guard let name = request["Name"]?.stringValue else { throw APIError.validation("Name is required") }
        try ResourceName.validate(name, what: "job name")
        guard case .array(let command)? = request["Command"], !command.isEmpty, command.allSatisfy({ $0.stringValue != nil }) else {
            throw APIError.validation("Command is required: a non-empty array of strings (argv)")
        }
        var environment: [String: JSONValue] = [:]
        if let given = request["Environment"] {
            guard case .object(let members) = given, members.values.allSatisfy({ $0.stringValue != nil }) else {
                throw APIError.validation("Environment must be an object of strings")
            }
            environment = members
        }
        if let directory = request["WorkingDirectory"], directory.stringValue == nil {
            throw APIError.validation("WorkingDirectory must be a string")
        }
        let timeout = request["TimeoutSeconds"]
        if let timeout, (timeout.intValue ?? 0) <= 0 { throw APIError.validation("TimeoutSeconds must be a positive integer") }
        let environmentText = JSONValue.object(environment).serialized()
        try await transact { db, now, _ in
            try JobDefinitionRecord(
                name: name, command: JSONValue.array(command).serialized(), environment: environmentText,
                workingDirectory: request["WorkingDirectory"]?.stringValue, timeoutSeconds: timeout?.intValue,
                updatedAt: now.timeIntervalSince1970
            ).save(db)
        }
        return ["Name": .string(name)]
    }

    public func describeJobDefinition(name: String) async throws -> JSONValue {
        try await read { db in
            guard let record = try JobDefinitionRecord.find(db, key: name) else {
                throw APIError("ResourceNotFoundException", "Job definition '\(name)' does not exist")
            }
            return Self.json(of: record)
        }
    }

    public func listJobDefinitions() async throws -> JSONValue {
        try await read { db in
            ["JobDefinitions": .array(try JobDefinitionRecord.order(Column("name")).fetchAll(db).map(Self.json(of:)))]
        }
    }

    public func deleteJobDefinition(name: String) async throws {
        try await transact { db, _, _ in
            guard try JobDefinitionRecord.deleteOne(db, key: name) else {
                throw APIError("ResourceNotFoundException", "Job definition '\(name)' does not exist")
            }
        }
    }

    public func describeJob(id: String) async throws -> JSONValue {
        try await read { db in
            guard let job = try JobRecord.find(db, key: id) else {
                throw APIError("ResourceNotFoundException", "Job '\(id)' does not exist")
            }
            var json: [String: JSONValue] = [
                "JobId": .string(job.id), "Name": .string(job.jobName), "ExecutionArn": .string(job.executionArn),
                "Status": .string(job.status.rawValue.uppercased()), "Reported": .bool(job.reported),
                "CreatedAt": .number(job.createdAt),
            ]
            if let pid = job.pid { json["Pid"] = .number(Double(pid)) }
            if let started = job.startedAt { json["StartedAt"] = .number(started) }
            if let ended = job.endedAt { json["EndedAt"] = .number(ended) }
            if let exit = job.exitDescription { json["Exit"] = .string(exit) }
            return .object(json)
        }
    }

    private static func json(of record: JobDefinitionRecord) -> JSONValue {
        var json: [String: JSONValue] = [
            "Name": .string(record.name),
            "Command": (try? JSONValue(parsing: record.command)) ?? [],
            "Environment": (try? JSONValue(parsing: record.environment)) ?? [:],
        ]
        if let directory = record.workingDirectory { json["WorkingDirectory"] = .string(directory) }
        if let timeout = record.timeoutSeconds { json["TimeoutSeconds"] = .number(Double(timeout)) }
        return .object(json)
    }
}
