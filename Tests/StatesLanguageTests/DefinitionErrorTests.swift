import JSON
import StatesLanguage
import Testing

/// Each problem of a definition keeps its own path (ValidateStateMachineDefinition's
/// `location`), not only the first one's.
@Suite struct DefinitionErrorTests {
    @Test func everyProblemKeepsItsPathAndCode() {
        let text = #"{"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": -1, "Next": "B"}, "B": {"Type": "Pass", "Bogus": 1, "End": true}}}"#
        do {
            _ = try StateMachineDefinition(text: text)
            Issue.record("the definition was accepted")
        } catch {
            #expect(error.statePath == "/States/A/Seconds")
            #expect(error.located.map(\.path) == ["/States/A/Seconds", "/States/B/Bogus"])
            #expect(error.located.map(\.message) == error.problems)
            #expect(error.located.allSatisfy { $0.code == .schemaValidationFailed })
        }
    }

    @Test(arguments: [
        (DefinitionError.Problem(message: "m", path: "/States/A/Resource", code: .schemaValidationFailed), "SCHEMA_VALIDATION_FAILED: m at /States/A/Resource"),
        (DefinitionError.Problem(message: "The definition is not valid JSON", path: nil, code: .invalidJSON), "INVALID_JSON_DESCRIPTION: The definition is not valid JSON"),
    ])
    func aProblemPrintsAsAWSPrintsIt(problem: DefinitionError.Problem, printed: String) {
        #expect(problem.description == printed)
    }

    @Test func joiningKeepsEachProblemsPath() {
        let joined = DefinitionError(problems: [
            DefinitionError(message: "first", statePath: "/States/A"), DefinitionError(message: "second", statePath: nil, code: .invalidJSON),
        ])
        #expect(joined.message == "first; second")
        #expect(joined.statePath == "/States/A")
        #expect(joined.located == [
            DefinitionError.Problem(message: "first", path: "/States/A", code: .schemaValidationFailed),
            DefinitionError.Problem(message: "second", path: nil, code: .invalidJSON),
        ])
    }
}
