import StepStore

/// How an execution stands: running, or how it ended (AWS's status names).
public typealias ExecutionStatus = ExecutionRecord.Status

/// An execution as DescribeExecution shows it (ListExecutions shows a part of it). Dates
/// are seconds since 1970.
public struct ExecutionDescription: Sendable, Equatable {
    public let arn: String
    public let stateMachineName: String
    public let name: String
    public let status: ExecutionStatus
    public let startDate: Double
    public let stopDate: Double?
    /// The input and output as JSON text, as they were given and produced.
    public let input: String
    public let output: String?
    public let error: String?
    public let cause: String?
    /// The version, and the alias, it was started through (ARNs); nil for a start by the
    /// state machine's own ARN.
    public var versionArn: String? = nil
    public var aliasArn: String? = nil

    init(_ record: ExecutionRecord, qualifier: ExecutionQualifierRecord? = nil) {
        if let qualifier {
            versionArn = LocalARN.stateMachineVersion(record.stateMachineName, number: qualifier.versionNumber)
            aliasArn = qualifier.aliasName.map { LocalARN.stateMachineAlias(record.stateMachineName, alias: $0) }
        }
        arn = record.arn
        stateMachineName = record.stateMachineName
        name = record.name
        status = record.status
        startDate = record.startDate
        stopDate = record.stopDate
        input = record.input
        output = record.output
        error = record.error
        cause = record.cause
    }
}

/// What StartExecution answers.
public struct StartedExecution: Sendable, Equatable {
    public let arn: String
    public let startDate: Double
}
