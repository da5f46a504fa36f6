import JSON
import StatesLanguage

/// What CreateStateMachine checks in a definition: the States Language (StatesLanguage's
/// `StateMachineDefinition`), then that stepd can run every Task state's resource. Shared by
/// CreateStateMachine, UpdateStateMachine, ValidateStateMachineDefinition and
/// `stepctl validate`, which needs no daemon.
public enum DefinitionValidation {
    /// The definition, or every problem found, each with its path and AWS's code.
    public static func validated(_ text: String, express: Bool = false) -> Result<StateMachineDefinition, DefinitionError> {
        if text.utf8.count > Limits.maximumDefinitionBytes {
            return .failure(DefinitionError(message: "The definition is larger than \(Limits.maximumDefinitionBytes) bytes"))
        }
        // AWS answers a blank definition as not an object, and text that is not JSON with a
        // code of its own, so the text is parsed here rather than by `init(text:)`.
        if text.allSatisfy(\.isWhitespace) {
            return .failure(DefinitionError(message: "Definition must be a valid JSON object"))
        }
        let json: JSONValue
        do {
            json = try JSONValue(parsing: text)
        } catch {
            return .failure(DefinitionError(message: "The definition is \(error.message)", code: .invalidJSON))
        }
        let definition: StateMachineDefinition
        do {
            definition = try StateMachineDefinition(json: json)
        } catch {
            return .failure(error)
        }
        // An EXPRESS machine's own refusals come first: AWS answers them, not the resource's.
        // So do those of a distributed Map's EXPRESS children.
        let refused = expressProblems(in: definition, machineIsExpress: express)
        let unrunnable = refused.isEmpty ? resourceProblems(in: definition) : []
        let problems = refused + unrunnable
        return problems.isEmpty ? .success(definition) : .failure(DefinitionError(problems: problems))
    }

    /// Every problem of the definition, in the order found; empty when it is valid.
    public static func problems(_ text: String, express: Bool = false) -> [DefinitionError.Problem] {
        switch validated(text, express: express) {
        case .success: []
        case .failure(let error): error.located
        }
    }

    /// A problem for each Task state, at any depth, whose resource stepd cannot run
    /// (`TaskResource.refusal`), at `/States/NAME/Resource` or inside its branch.
    static func resourceProblems(in definition: StateMachineDefinition) -> [DefinitionError] {
        tasks(of: definition).compactMap { name, task, path, _ in
            TaskResource.refusal(of: task.resource).map { DefinitionError(message: "State '\(name)': \($0)", statePath: path) }
        }
    }

    /// What an EXPRESS machine, or a distributed Map's EXPRESS children, may not run, in AWS's
    /// recorded words: a `.waitForTaskToken` or `.sync` resource, an activity (AWS prints two
    /// spaces before "at" after the first); and an EXPRESS machine, no distributed Map (AWS
    /// runs them in STANDARD workflows only; the words are stepd's).
    static func expressProblems(in definition: StateMachineDefinition, machineIsExpress: Bool) -> [DefinitionError] {
        var problems: [DefinitionError] = []
        if machineIsExpress {
            problems += maps(of: definition).filter { $0.map.distributed != nil }.map { name, _, path in
                DefinitionError(
                    message: "State '\(name)': Express state machine does not support a Map state in DISTRIBUTED mode",
                    statePath: path + "/ItemProcessor/ProcessorConfig/Mode")
            }
        }
        return problems + tasks(of: definition).compactMap { _, task, path, inExpress in
            guard machineIsExpress || inExpress else { return nil }
            let resource = task.resource
            let reason: String? =
                if resource.hasSuffix(".waitForTaskToken") {
                    "Express state machine does not support '.waitForTaskToken' service integration "
                } else if resource.hasSuffix(".sync") || resource.hasSuffix(".sync:2") {
                    "Express state machine does not support '.sync' service integration"
                } else if resource.hasPrefix("arn:aws:states:"), resource.split(separator: ":", omittingEmptySubsequences: false).dropFirst(5).first == "activity" {
                    "Express state machine does not support Activity ARN"
                } else {
                    nil
                }
            return reason.map { DefinitionError(message: $0, statePath: path) }
        }
    }

    /// Every Task state, at any depth, with its name, the path of its `Resource`, and whether
    /// it runs in a distributed Map's EXPRESS child.
    private static func tasks(of definition: StateMachineDefinition) -> [(name: String, task: TaskState, path: String, inExpress: Bool)] {
        var found: [(String, TaskState, String, Bool)] = []
        walk(definition) { name, state, statePath, inExpress in
            if case .task(let task) = state.kind { found.append((name, task, statePath + "/Resource", inExpress)) }
        }
        return found
    }

    /// Every Map state, at any depth, with its name and path.
    private static func maps(of definition: StateMachineDefinition) -> [(name: String, map: MapState, path: String)] {
        var found: [(String, MapState, String)] = []
        walk(definition) { name, state, statePath, _ in
            if case .map(let map) = state.kind { found.append((name, map, statePath)) }
        }
        return found
    }

    /// Calls `visit` for every state, at any depth, with its path and whether it runs in a
    /// distributed Map's EXPRESS child. Recursive as deep as Parallel and Map nest (at most 32).
    private static func walk(_ definition: StateMachineDefinition, _ visit: (String, State, String, Bool) -> Void) {
        func check(_ states: [String: State], location: String, inExpress: Bool) {
            for name in states.keys.sorted() {
                guard let state = states[name] else { continue }
                let statePath = "\(location)/States/\(name)"
                visit(name, state, statePath, inExpress)
                switch state.kind {
                case .parallel(let parallel):
                    for (index, branch) in parallel.branches.enumerated() {
                        check(branch.states, location: "\(statePath)/Branches/\(index)", inExpress: inExpress)
                    }
                case .map(let map):
                    check(
                        map.processor.states, location: "\(statePath)/\(map.processorField)",
                        inExpress: inExpress || map.distributed?.executionType == .express)
                default:
                    break
                }
            }
        }
        check(definition.states, location: "", inExpress: false)
    }
}
