import JSON

/// Reads the graphs of a definition, the top level and every branch nested in it, and checks
/// what spans them: state names are unique in the whole definition, and transitions stay
/// inside their graph.
struct StateGraphReader {
    /// Every state read so far, wherever it sits.
    private(set) var allStates: [String: State] = [:]
    private(set) var problems: [DefinitionError] = []
    /// The distributed Map states' labels read so far, with their states' names.
    private var labels: [String: String] = [:]

    /// Each graph read, with its location, for `checkTransitions`.
    private var graphs: [(graph: StateGraph, location: String)] = []

    /// Reads `StartAt` and `States` of the object `reader` reads; the caller reads its other
    /// fields and rejects the unknown ones.
    mutating func readGraph(_ reader: inout FieldReader, location: String, nesting: Int) -> StateGraph {
        let startAt = reader.string("StartAt", required: true) ?? ""
        var parsed: [String: State] = [:]
        if let value = reader.raw("States") {
            if case .object(let stateMembers) = value, !stateMembers.isEmpty {
                for name in stateMembers.keys.sorted() {
                    guard let state = readState(name: name, json: stateMembers[name, default: .null], location: location, nesting: nesting)
                    else { continue }
                    parsed[name] = state
                    if allStates[name] == nil {
                        allStates[name] = state
                    } else {
                        problems.append(
                            DefinitionError(
                                message: "State name '\(FieldReader.shown(name))' is used more than once: state names must be unique in the whole state machine",
                                statePath: "\(location)/States/\(FieldReader.shown(name))"))
                    }
                }
            } else {
                reader.fail("States", "must be a non-empty object of states")
            }
        } else {
            reader.fail("States", "is required")
        }
        let graph = StateGraph(startAt: startAt, states: parsed)
        graphs.append((graph, location))
        return graph
    }

    private mutating func readState(name: String, json: JSONValue, location: String, nesting: Int) -> State? {
        guard case .object(let members) = json else {
            problems.append(
                DefinitionError(
                    message: "State '\(FieldReader.shown(name))' must be an object, not \(json.typeName)",
                    statePath: "\(location)/States/\(FieldReader.shown(name))"))
            return nil
        }
        var reader = FieldReader(stateName: name, location: location, members: members)
        defer { problems += reader.problems }
        if name.isEmpty || name.count > StateMachineDefinition.maximumStateNameLength {
            reader.fail(plain: "the state name must be 1 to \(StateMachineDefinition.maximumStateNameLength) characters long")
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
        case "Parallel":
            let branches = readBranches(&reader, nesting: nesting + 1)
            kind = .parallel(ParallelState(reader: &reader, branches: branches))
        case "Map":
            guard let (processor, field, distributed) = readProcessor(&reader, nesting: nesting + 1) else { return nil }
            let map = MapState(reader: &reader, processor: processor, processorField: field, distributed: distributed)
            // A label names its map runs' ARNs: two Map states may not share one.
            if let label = map.distributed?.label {
                if let other = labels[label] {
                    reader.fail("Label", "'\(FieldReader.shown(label))' is the label of state '\(FieldReader.shown(other))' too: each Map state's label must be unique")
                } else {
                    labels[label] = name
                }
            }
            kind = .map(map)
        default:
            reader.fail("Type", "must be one of Pass, Task, Choice, Wait, Succeed, Fail, Parallel or Map, not '\(type)'")
            return nil
        }
        reader.rejectUnknownFields(in: "a \(type) state")
        // Every context path starts with `$$`; text that merely contains it only costs a context
        // object built for nothing.
        return State(name: name, comment: comment, kind: kind, readsContextObject: json.serialized().contains("$$"))
    }

    /// A Parallel state's `Branches`: a non-empty array of graphs.
    private mutating func readBranches(_ reader: inout FieldReader, nesting: Int) -> [StateGraph] {
        guard let value = reader.raw("Branches") else {
            reader.fail("Branches", "is required")
            return []
        }
        guard case .array(let elements) = value, !elements.isEmpty else {
            reader.fail("Branches", "must be a non-empty array of branches, each with StartAt and States")
            return []
        }
        guard nesting <= StateMachineDefinition.maximumNesting else {
            reader.fail(plain: "Parallel and Map states nest more than \(StateMachineDefinition.maximumNesting) levels deep", field: "Branches")
            return []
        }
        var branches: [StateGraph] = []
        for (index, element) in elements.enumerated() {
            guard case .object(let members) = element else {
                reader.fail("Branches[\(index)]", "must be an object with StartAt and States, not \(element.typeName)")
                continue
            }
            var inner = reader.nested("Branches[\(index)]", members: members)
            let location = "\(reader.statePathBase)/Branches/\(index)"
            branches.append(readGraph(&inner, location: location, nesting: nesting))
            _ = inner.string("Comment")
            inner.rejectUnknownFields(in: "a Parallel branch")
            reader.problems += inner.problems
        }
        return branches
    }

    /// A Map state's `ItemProcessor` (or the older `Iterator`): a graph run for each item.
    /// With it, the children's type when its `ProcessorConfig` has Mode DISTRIBUTED; nil when
    /// the state cannot be read further.
    private mutating func readProcessor(
        _ reader: inout FieldReader, nesting: Int
    ) -> (StateGraph, field: String, distributed: DistributedProcessing.ExecutionType?)? {
        let field = reader.members["Iterator"] != nil && reader.members["ItemProcessor"] == nil ? "Iterator" : "ItemProcessor"
        if reader.members["Iterator"] != nil, reader.members["ItemProcessor"] != nil {
            reader.fail(plain: "has both 'ItemProcessor' and 'Iterator'; it may have only one", field: "Iterator")
        }
        guard let value = reader.raw(field) else {
            reader.fail("ItemProcessor", "is required")
            return nil
        }
        guard case .object(let members) = value else {
            reader.fail(field, "must be an object with StartAt and States, not \(value.typeName)")
            return nil
        }
        guard nesting <= StateMachineDefinition.maximumNesting else {
            reader.fail(plain: "Parallel and Map states nest more than \(StateMachineDefinition.maximumNesting) levels deep", field: field)
            return nil
        }
        var inner = reader.nested(field, members: members)
        var distributed: DistributedProcessing.ExecutionType?
        if field == "ItemProcessor", let config = inner.raw("ProcessorConfig") {
            guard case .object(let settings) = config else {
                inner.fail("ProcessorConfig", "must be an object, not \(config.typeName)")
                reader.problems += inner.problems
                return nil
            }
            var configReader = inner.nested("ProcessorConfig", members: settings)
            let mode = configReader.string("Mode") ?? "INLINE"
            let executionType = configReader.string("ExecutionType")
            switch mode {
            case "DISTRIBUTED":
                // Read as DISTRIBUTED whatever its type, so that its fields are checked as such.
                distributed = executionType.flatMap(DistributedProcessing.ExecutionType.init(rawValue:)) ?? .standard
                if let type = executionType, DistributedProcessing.ExecutionType(rawValue: type) == nil {
                    configReader.fail("ExecutionType", "must be STANDARD or EXPRESS, not '\(type)'")
                } else if settings["ExecutionType"] == nil {
                    configReader.fail("ExecutionType", "is required when Mode is DISTRIBUTED")
                }
            case "INLINE":
                break
            default:
                configReader.fail("Mode", "must be INLINE or DISTRIBUTED, not '\(mode)'")
            }
            configReader.rejectUnknownFields(in: "a ProcessorConfig")
            inner.problems += configReader.problems
        }
        let graph = readGraph(&inner, location: "\(reader.statePathBase)/\(field)", nesting: nesting)
        _ = inner.string("Comment")
        inner.rejectUnknownFields(in: "a Map state's \(field)")
        reader.problems += inner.problems
        return (graph, field, distributed)
    }

    /// Once everything is read: each graph's `StartAt` and transitions name states of the
    /// graph, and each of its states is reachable from its `StartAt`.
    mutating func checkTransitions() {
        for (graph, location) in graphs {
            problems += Self.checkTransitions(of: graph, location: location, allStates: allStates)
        }
    }

    private static func checkTransitions(of graph: StateGraph, location: String, allStates: [String: State]) -> [DefinitionError] {
        var problems: [DefinitionError] = []
        let states = graph.states
        func elsewhere(_ target: String) -> String {
            allStates[target] == nil ? "which does not exist" : "which is not in the same branch (a transition cannot enter or leave a branch)"
        }
        if states[graph.startAt] == nil {
            problems.append(
                DefinitionError(
                    message: "'StartAt' names state '\(FieldReader.shown(graph.startAt))', \(elsewhere(graph.startAt))",
                    statePath: "\(location)/StartAt"))
            return problems
        }
        for name in states.keys.sorted() {
            guard let state = states[name] else { continue }
            for (field, target) in targets(of: state) where states[target] == nil {
                problems.append(
                    DefinitionError(
                        message: "State '\(FieldReader.shown(name))': '\(field)' names state '\(FieldReader.shown(target))', \(elsewhere(target))",
                        statePath: "\(location)/States/\(FieldReader.shown(name))/\(field.replacingOccurrences(of: "[", with: "/").replacingOccurrences(of: "]", with: "").replacingOccurrences(of: ".", with: "/"))"))
            }
        }
        guard problems.isEmpty else { return problems }
        var reached: Set<String> = [graph.startAt]
        var pending = [graph.startAt]
        while let name = pending.popLast() {
            for next in states[name]?.successorNames ?? [] where states[next] != nil && !reached.contains(next) {
                reached.insert(next)
                pending.append(next)
            }
        }
        for name in states.keys.sorted() where !reached.contains(name) {
            problems.append(
                DefinitionError(
                    message: "State '\(FieldReader.shown(name))' is not reachable from StartAt '\(FieldReader.shown(graph.startAt))'",
                    statePath: "\(location)/States/\(FieldReader.shown(name))"))
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
        case .parallel(let parallel):
            for (index, catcher) in parallel.catchers.enumerated() { result.append(("Catch[\(index)].Next", catcher.next)) }
        case .map(let map):
            for (index, catcher) in map.catchers.enumerated() { result.append(("Catch[\(index)].Next", catcher.next)) }
        default: break
        }
        return result
    }
}
