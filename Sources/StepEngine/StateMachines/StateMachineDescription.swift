/// A state machine as DescribeStateMachine shows it. Dates are seconds since 1970.
public struct StateMachineDescription: Sendable, Equatable {
    public let arn: String
    public let name: String
    /// The current definition, as it was given.
    public let definition: String
    public let roleArn: String
    public let type: String
    public let creationDate: Double
}

/// A state machine as ListStateMachines shows it.
public struct StateMachineSummary: Sendable, Equatable {
    public let arn: String
    public let name: String
    public let type: String
    public let creationDate: Double
}
