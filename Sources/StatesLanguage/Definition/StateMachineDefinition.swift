import JSON

/// A state machine definition in Amazon States Language, parsed and validated.
///
/// `init(json:)` checks everything AWS checks when a definition is created: required and
/// unknown fields, field types and ranges, `Next`/`End`, that every target state exists and
/// every state is reachable from `StartAt`, that paths, payload templates, intrinsic
/// functions and Choice rules compile. All problems are reported together.
public struct StateMachineDefinition: Sendable {
    public let comment: String?
    public let startAt: String
    public let timeoutSeconds: Int?
    public let version: String?
    /// The top level's states.
    public let states: [String: State]
    /// Every state, the top level's and those of every branch.
    private let allStates: [String: State]
    /// Whether any state sets variables: without one, no path has a variable to read.
    public let usesVariables: Bool

    /// AWS limits state names to 80 characters.
    public static let maximumStateNameLength = 80
    static let maximumTimeoutSeconds = 99_999_999
    /// How deeply Parallel and Map states may nest (stepd's bound; AWS states none).
    public static let maximumNesting = 32

    public init(text: String) throws(DefinitionError) {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: text)
        } catch {
            throw DefinitionError(message: "The definition is \(error.message)", statePath: nil)
        }
        try self.init(json: json)
    }

    public init(json: JSONValue) throws(DefinitionError) {
        guard case .object(let members) = json else {
            throw DefinitionError(message: "The definition must be a JSON object, not \(json.typeName)", statePath: "/")
        }
        var reader = FieldReader(stateName: nil, members: members)
        comment = reader.string("Comment")
        timeoutSeconds = reader.integer(
            "TimeoutSeconds", in: 1...Self.maximumTimeoutSeconds,
            description: "a positive integer up to \(Self.maximumTimeoutSeconds)")
        version = reader.string("Version")
        if let version, version != "1.0" { reader.fail("Version", "must be \"1.0\", not \"\(version)\"") }
        var graphReader = StateGraphReader()
        let top = graphReader.readGraph(&reader, location: "", nesting: 0)
        reader.rejectUnknownFields(in: "a state machine definition")
        startAt = top.startAt
        states = top.states
        allStates = graphReader.allStates
        usesVariables = graphReader.allStates.values.contains { $0.assignsVariables }
        reader.problems += graphReader.problems
        if reader.problems.isEmpty {
            graphReader.checkTransitions()
            reader.problems += graphReader.problems
        }
        if !reader.problems.isEmpty { throw DefinitionError(problems: reader.problems) }
    }

    /// The state called `name`, at the top level or in a branch: names are unique in a definition.
    public func state(named name: String) -> State? { allStates[name] }

    /// Every state of the definition, the top level's and those of every branch and item
    /// processor, in name order.
    public var everyState: [State] { allStates.keys.sorted().compactMap { allStates[$0] } }

    /// The `StartAt` state (always present in a validated definition).
    public var startState: State? { states[startAt] }
}
