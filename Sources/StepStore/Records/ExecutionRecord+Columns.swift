import GRDB

extension ExecutionRecord.Status: DatabaseValueConvertible {}
extension ExecutionRecord.Phase: DatabaseValueConvertible {}

/// Rows read and written column by column: an execution is inserted at every start and read
/// at every step, and the generic Codable path costs more than the SQL itself.
extension ExecutionRecord {
    public init(row: Row) throws {
        self.id = try row.decode(forColumn: "id")
        self.arn = try row.decode(forColumn: "arn")
        self.name = try row.decode(forColumn: "name")
        self.stateMachineName = try row.decode(forColumn: "stateMachineName")
        self.versionId = try row.decode(forColumn: "versionId")
        self.status = try row.decode(forColumn: "status")
        self.input = try row.decode(forColumn: "input")
        self.output = try row.decode(forColumn: "output")
        self.error = try row.decode(forColumn: "error")
        self.cause = try row.decode(forColumn: "cause")
        self.startDate = try row.decode(forColumn: "startDate")
        self.stopDate = try row.decode(forColumn: "stopDate")
        self.startedByUid = try row.decode(forColumn: "startedByUid")
        self.parentExecutionArn = try row.decode(forColumn: "parentExecutionArn")
        self.currentState = try row.decode(forColumn: "currentState")
        self.stateInput = try row.decode(forColumn: "stateInput")
        self.stateEnteredDate = try row.decode(forColumn: "stateEnteredDate")
        self.phase = try row.decode(forColumn: "phase")
        self.resumeValue = try row.decode(forColumn: "resumeValue")
        self.retryCounts = try row.decode(forColumn: "retryCounts")
        self.lastEventId = try row.decode(forColumn: "lastEventId")
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["arn"] = arn
        container["name"] = name
        container["stateMachineName"] = stateMachineName
        container["versionId"] = versionId
        container["status"] = status.rawValue
        container["input"] = input
        container["output"] = output
        container["error"] = error
        container["cause"] = cause
        container["startDate"] = startDate
        container["stopDate"] = stopDate
        container["startedByUid"] = startedByUid
        container["parentExecutionArn"] = parentExecutionArn
        container["currentState"] = currentState
        container["stateInput"] = stateInput
        container["stateEnteredDate"] = stateEnteredDate
        container["phase"] = phase.rawValue
        container["resumeValue"] = resumeValue
        container["retryCounts"] = retryCounts
        container["lastEventId"] = lastEventId
    }
}

extension StateMachineRecord {
    public init(row: Row) throws {
        self.name = try row.decode(forColumn: "name")
        self.arn = try row.decode(forColumn: "arn")
        self.type = try row.decode(forColumn: "type")
        self.roleArn = try row.decode(forColumn: "roleArn")
        self.currentVersionId = try row.decode(forColumn: "currentVersionId")
        self.creationDate = try row.decode(forColumn: "creationDate")
        self.updateDate = try row.decode(forColumn: "updateDate")
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["name"] = name
        container["arn"] = arn
        container["type"] = type
        container["roleArn"] = roleArn
        container["currentVersionId"] = currentVersionId
        container["creationDate"] = creationDate
        container["updateDate"] = updateDate
    }
}
