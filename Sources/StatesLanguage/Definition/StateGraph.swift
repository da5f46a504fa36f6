/// The states of one scope and the one it starts at: the top level of a state machine, or a
/// branch of a Parallel state. A state's `Next`, `Default` and `Catch` name states of its own
/// graph only, and every state of a graph is reachable from its `StartAt`.
public struct StateGraph: Sendable {
    public let startAt: String
    public let states: [String: State]

    public init(startAt: String, states: [String: State]) {
        self.startAt = startAt
        self.states = states
    }

    public var startState: State? { states[startAt] }
}
