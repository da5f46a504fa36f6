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
    public let states: [String: State]

    /// AWS limits state names to 80 characters.
    public static let maximumStateNameLength = 80
    static let maximumTimeoutSeconds = 99_999_999

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
        startAt = reader.string("StartAt", required: true) ?? ""
        timeoutSeconds = reader.integer(
            "TimeoutSeconds", in: 1...Self.maximumTimeoutSeconds,
            description: "a positive integer up to \(Self.maximumTimeoutSeconds)")
        version = reader.string("Version")
        if let version, version != "1.0" { reader.fail("Version", "must be \"1.0\", not \"\(version)\"") }
        var parsed: [String: State] = [:]
        if let value = reader.raw("States") {
            if case .object(let stateMembers) = value, !stateMembers.isEmpty {
                for name in stateMembers.keys.sorted() {
                    if let state = Self.readState(name: name, json: stateMembers[name, default: .null], problems: &reader.problems) {
                        parsed[name] = state
                    }
                }
            } else {
                reader.fail("States", "must be a non-empty object of states")
            }
        } else {
            reader.fail("States", "is required")
        }
        reader.rejectUnknownFields(in: "a state machine definition")
        states = parsed
        if reader.problems.isEmpty {
            reader.problems += Self.checkTransitions(startAt: startAt, states: parsed)
        }
        if !reader.problems.isEmpty { throw DefinitionError(problems: reader.problems) }
    }

    public func state(named name: String) -> State? { states[name] }

    /// The `StartAt` state (always present in a validated definition).
    public var startState: State? { states[startAt] }

    private static func readState(name: String, json: JSONValue, problems: inout [DefinitionError]) -> State? {
        guard case .object(let members) = json else {
            problems.append(
                DefinitionError(message: "State '\(name)' must be an object, not \(json.typeName)", statePath: "/States/\(name)"))
            return nil
        }
        var reader = FieldReader(stateName: name, members: members)
        defer { problems += reader.problems }
        if name.isEmpty || name.count > maximumStateNameLength {
            reader.fail(plain: "the state name must be 1 to \(maximumStateNameLength) characters long")
        }
        let comment = reader.string("Comment")
        guard let type = reader.string("Type", required: true) else { return nil }
        let kind: StateKind
        switch type {
        case "Pass": kind = .pass(PassState(reader: &reader))
        case "Task": kind = .task(TaskState(reader: &reader))
        case "Choice": kind = .choice(ChoiceState(reader: &reader))
        case "Wait": kind = .wait(WaitState(reader: &reader))
        case "Succeed": kind = .succeed(SucceedState(reader: &reader))
        case "Fail": kind = .fail(FailState(reader: &reader))
        case "Parallel", "Map":
            reader.fail(plain: "state type '\(type)' is not supported yet", field: "Type")
            return nil
        default:
            reader.fail("Type", "must be one of Pass, Task, Choice, Wait, Succeed, Fail, Parallel or Map, not '\(type)'")
            return nil
        }
        reader.rejectUnknownFields(in: "a \(type) state")
        // Every context path starts with `$$`; text that merely contains it only costs a context
        // object built for nothing.
        return State(name: name, comment: comment, kind: kind, readsContextObject: json.serialized().contains("$$"))
    }

    private static func checkTransitions(startAt: String, states: [String: State]) -> [DefinitionError] {
        var problems: [DefinitionError] = []
        if states[startAt] == nil {
            problems.append(
                DefinitionError(message: "'StartAt' names state '\(startAt)', which does not exist", statePath: "/StartAt"))
            return problems
        }
        for name in states.keys.sorted() {
            guard let state = states[name] else { continue }
            for (field, target) in targets(of: state) where states[target] == nil {
                problems.append(
                    DefinitionError(
                        message: "State '\(name)': '\(field)' names state '\(target)', which does not exist",
                        statePath: "/States/\(name)/\(field.replacingOccurrences(of: "[", with: "/").replacingOccurrences(of: "]", with: "").replacingOccurrences(of: ".", with: "/"))"))
            }
        }
        var reached: Set<String> = [startAt]
        var pending = [startAt]
        while let name = pending.popLast() {
            for next in states[name]?.successorNames ?? [] where states[next] != nil && !reached.contains(next) {
                reached.insert(next)
                pending.append(next)
            }
        }
        for name in states.keys.sorted() where !reached.contains(name) {
            problems.append(
                DefinitionError(message: "State '\(name)' is not reachable from StartAt '\(startAt)'", statePath: "/States/\(name)"))
        }
        return problems
    }

    /// Each state name a state refers to, with the field that names it.
    private static func targets(of state: State) -> [(field: String, target: String)] {
        var result: [(String, String)] = []
        if case .next(let next)? = state.transition { result.append(("Next", next)) }
        switch state.kind {
        case .choice(let choice):
            for (index, rule) in choice.choices.enumerated() { result.append(("Choices[\(index)].Next", rule.next)) }
            if let defaultState = choice.defaultState { result.append(("Default", defaultState)) }
        case .task(let task):
            for (index, catcher) in task.catchers.enumerated() { result.append(("Catch[\(index)].Next", catcher.next)) }
        default: break
        }
        return result
    }
}
