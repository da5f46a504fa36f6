import JSON
import StatesLanguage

/// What CreateStateMachine checks in a definition: the States Language (StatesLanguage's
/// `StateMachineDefinition`), then that stepd can run every Task state's resource. Shared by
/// CreateStateMachine, UpdateStateMachine, ValidateStateMachineDefinition and
/// `stepctl validate`, which needs no daemon.
public enum DefinitionValidation {
    /// The definition, or every problem found, each with its path and AWS's code.
    public static func validated(_ text: String) -> Result<StateMachineDefinition, DefinitionError> {
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
        let refused = resourceProblems(in: definition)
        return refused.isEmpty ? .success(definition) : .failure(DefinitionError(problems: refused))
    }

    /// Every problem of the definition, in the order found; empty when it is valid.
    public static func problems(_ text: String) -> [DefinitionError.Problem] {
        switch validated(text) {
        case .success: []
        case .failure(let error): error.located
        }
    }

    /// A problem for each Task state, at any depth, whose resource stepd cannot run
    /// (`TaskResource.refusal`), at `/States/NAME/Resource` or inside its branch.
    static func resourceProblems(in definition: StateMachineDefinition) -> [DefinitionError] {
        var problems: [DefinitionError] = []
        // The walk keeps the path each state sits at (Parallel and Map nest at most 32 deep).
        func check(_ states: [String: State], location: String) {
            for name in states.keys.sorted() {
                guard let state = states[name] else { continue }
                let statePath = "\(location)/States/\(name)"
                switch state.kind {
                case .task(let task):
                    if let refusal = TaskResource.refusal(of: task.resource) {
                        problems.append(DefinitionError(message: "State '\(name)': \(refusal)", statePath: statePath + "/Resource"))
                    }
                case .parallel(let parallel):
                    for (index, branch) in parallel.branches.enumerated() {
                        check(branch.states, location: "\(statePath)/Branches/\(index)")
                    }
                case .map(let map):
                    check(map.processor.states, location: "\(statePath)/\(map.processorField)")
                default:
                    break
                }
            }
        }
        check(definition.states, location: "")
        return problems
    }
}
