/// How long stepd keeps what has ended. nil keeps it for good.
public struct Retention: Sendable, Equatable {
    /// Closed executions with their history (AWS Step Functions: 90 days), and ended jobs.
    public var closedExecutions: Duration?
    /// The ids of received events, which make a second sighting of an event harmless.
    public var eventIds: Duration?

    public init(closedExecutions: Duration?, eventIds: Duration?) {
        self.closedExecutions = closedExecutions
        self.eventIds = eventIds
    }

    /// AWS's 90 days for executions; a day for event ids.
    public static let standard = Retention(closedExecutions: .seconds(90 * 86_400), eventIds: .seconds(86_400))
    public static let forever = Retention(closedExecutions: nil, eventIds: nil)
}

extension Duration {
    var inSeconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
