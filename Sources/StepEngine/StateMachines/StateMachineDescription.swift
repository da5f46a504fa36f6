/// A state machine as DescribeStateMachine shows it. Dates are seconds since 1970.
public struct StateMachineDescription: Sendable, Equatable {
    public let arn: String
    public let name: String
    /// The current definition, as it was given.
    public let definition: String
    public let roleArn: String
    public let type: String
    public let creationDate: Double
    /// AWS's `revisionId` of the definition shown: nil for the one CreateStateMachine made.
    public var revisionId: String? = nil
    /// A published version's description (DescribeStateMachine of a version ARN).
    public var description: String? = nil
    /// For a map run's child (DescribeStateMachineForExecution): the run, and its label.
    public var mapRunArn: String? = nil
    public var label: String? = nil
}

/// A state machine as ListStateMachines shows it.
public struct StateMachineSummary: Sendable, Equatable {
    public let arn: String
    public let name: String
    public let type: String
    public let creationDate: Double
}
