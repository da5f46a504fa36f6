import StepStore

/// How an execution stands: running, or how it ended (AWS's status names).
public typealias ExecutionStatus = ExecutionRecord.Status

/// An execution as DescribeExecution shows it (ListExecutions shows a part of it). Dates
/// are seconds since 1970.
public struct ExecutionDescription: Sendable, Equatable {
    public let arn: String
    public let stateMachineName: String
    /// The state machine it runs: its name's ARN, or for a map run's child the labelled ARN
    /// (`...:stateMachine:NAME/LABEL`).
    public var stateMachineArn: String
    /// For a map run's child: the run, and how many of its items the child runs.
    public var mapRunArn: String? = nil
    public var itemCount: Int64? = nil
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
    /// How often it was redriven, and when last (nil if never).
    public var redriveCount: Int64 = 0
    public var redriveDate: Double? = nil
    /// `REDRIVABLE` or `NOT_REDRIVABLE` with AWS's reason; nil where the list does not show it.
    public var redriveStatus: RedriveStatus? = nil

    init(_ record: ExecutionRecord, qualifier: ExecutionQualifierRecord? = nil, redrive: ExecutionRedriveRecord? = nil) {
        if let redrive {
            redriveCount = redrive.count
            redriveDate = redrive.lastDate
        }
        if let qualifier {
            versionArn = LocalARN.stateMachineVersion(record.stateMachineName, number: qualifier.versionNumber)
            aliasArn = qualifier.aliasName.map { LocalARN.stateMachineAlias(record.stateMachineName, alias: $0) }
        }
        arn = record.arn
        stateMachineName = record.stateMachineName
        stateMachineArn = LocalARN.stateMachine(record.stateMachineName)
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

/// Whether an execution can be redriven now (DescribeExecution's `redriveStatus`), and
/// AWS's reason when it cannot.
public struct RedriveStatus: Sendable, Equatable {
    public let status: String
    public let reason: String?

    public init(status: String, reason: String?) {
        self.status = status
        self.reason = reason
    }
}

/// What StartExecution answers.
public struct StartedExecution: Sendable, Equatable {
    public let arn: String
    public let startDate: Double
}
