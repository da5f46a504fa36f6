import JSON

/// One named state of a state machine.
public struct State: Sendable {
    public let name: String
    public let comment: String?
    public let kind: StateKind
    /// Whether any of the state's fields may read the context object (`$$`): when none does,
    /// the engine need not build it.
    public let readsContextObject: Bool

    public init(name: String, comment: String?, kind: StateKind, readsContextObject: Bool = true) {
        self.name = name
        self.comment = comment
        self.kind = kind
        self.readsContextObject = readsContextObject
    }

    /// The state's `Type` as written in ASL.
    public var type: String { kind.typeName }

    /// `Next`/`End` for the states that have them (Pass, Task, Wait); nil otherwise.
    public var transition: Transition? {
        switch kind {
        case .pass(let state): state.transition
        case .task(let state): state.transition
        case .wait(let state): state.transition
        case .parallel(let state): state.transition
        case .map(let state): state.transition
        case .choice, .succeed, .fail: nil
        }
    }

    /// Whether the state sets variables: its `Assign`, a Choice rule's, a catcher's.
    public var assignsVariables: Bool {
        switch kind {
        case .pass(let state): state.assign != nil
        case .task(let state): state.assign != nil || state.catchers.contains { $0.assign != nil }
        case .parallel(let state): state.assign != nil || state.catchers.contains { $0.assign != nil }
        case .map(let state): state.assign != nil || state.catchers.contains { $0.assign != nil }
        case .wait(let state): state.assign != nil
        case .choice(let state): state.assign != nil || state.choices.contains { $0.assign != nil }
        case .succeed, .fail: false
        }
    }

    /// Every state name this state can go to (Next, Choice rules, Default, Catch).
    public var successorNames: [String] {
        var names: [String] = []
        if case .next(let next)? = transition { names.append(next) }
        switch kind {
        case .choice(let state):
            names += state.choices.map { $0.next }
            if let defaultState = state.defaultState { names.append(defaultState) }
        case .task(let state):
            names += state.catchers.map { $0.next }
        case .parallel(let state):
            names += state.catchers.map { $0.next }
        case .map(let state):
            names += state.catchers.map { $0.next }
        default: break
        }
        return names
    }
}

/// What a state does, by `Type`.
public enum StateKind: Sendable {
    case pass(PassState)
    case task(TaskState)
    case choice(ChoiceState)
    case wait(WaitState)
    case succeed(SucceedState)
    case fail(FailState)
    case parallel(ParallelState)
    case map(MapState)

    public var typeName: String {
        switch self {
        case .pass: "Pass"
        case .task: "Task"
        case .choice: "Choice"
        case .wait: "Wait"
        case .succeed: "Succeed"
        case .fail: "Fail"
        case .parallel: "Parallel"
        case .map: "Map"
        }
    }
}

/// Where a state goes when it completes.
public enum Transition: Sendable, Equatable, Hashable {
    case next(String)
    case end
}
