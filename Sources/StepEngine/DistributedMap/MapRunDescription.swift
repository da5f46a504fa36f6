import StepStore

/// A map run as DescribeMapRun shows it. Dates are seconds since 1970.
public struct MapRunDescription: Sendable, Equatable {
    /// How many items, or children, wait, run and ended how (AWS's `MapRunItemCounts` and
    /// `MapRunExecutionCounts`).
    public struct Counts: Sendable, Equatable {
        public var pending: Int64 = 0
        public var running: Int64 = 0
        public var succeeded: Int64 = 0
        public var failed: Int64 = 0
        public var timedOut: Int64 = 0
        public var aborted: Int64 = 0
        public var total: Int64 = 0
        public var resultsWritten: Int64 = 0
        /// Children (or their items) that did not succeed and wait to be redriven.
        public var pendingRedrive: Int64 = 0

        public init(
            pending: Int64 = 0, running: Int64 = 0, succeeded: Int64 = 0, failed: Int64 = 0, timedOut: Int64 = 0, aborted: Int64 = 0,
            total: Int64 = 0, resultsWritten: Int64 = 0
        ) {
            (self.pending, self.running, self.succeeded, self.failed) = (pending, running, succeeded, failed)
            (self.timedOut, self.aborted, self.total, self.resultsWritten) = (timedOut, aborted, total, resultsWritten)
        }
    }

    public let arn: String
    public let executionArn: String
    /// The labelled state machine its children run (`...:stateMachine:NAME/LABEL`).
    public let stateMachineArn: String
    public let status: String
    public let startDate: Double
    public let stopDate: Double?
    public let maxConcurrency: Int64
    public let toleratedFailurePercentage: Double
    public let toleratedFailureCount: Int64
    public let redriveCount: Int64
    public let redriveDate: Double?
    public var itemCounts = Counts()
    public var executionCounts = Counts()

    init(_ run: MapRunRecord, executionArn: String, stateMachineName: String) {
        arn = run.arn
        self.executionArn = executionArn
        stateMachineArn = LocalARN.labelledStateMachine(stateMachineName, label: run.label)
        status = run.status.rawValue
        startDate = run.startDate
        stopDate = run.stopDate
        maxConcurrency = run.maxConcurrency
        toleratedFailurePercentage = run.toleratedFailurePercentage ?? 0
        toleratedFailureCount = run.toleratedFailureCount ?? 0
        redriveCount = run.redriveCount
        redriveDate = run.redriveDate
    }
}
