import ArgumentParser
import Foundation
import JSON
import StatesLanguage
import StepEngine

/// Checks a definition as CreateStateMachine would, here rather than in stepd: the States
/// Language and the Task resources stepd runs. Answers in ValidateStateMachineDefinition's shape.
struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validates an ASL definition file without a daemon; exits 0 when CreateStateMachine would accept it, 1 when not.",
        discussion: "Prints ValidateStateMachineDefinition's answer: result (OK or FAIL) and a diagnostic (code, message, location) per problem.")
    @Argument(help: "The ASL definition file.") var file: String

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read the file '\(file)'")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("the file '\(file)' is not UTF-8 text")
        }
        let problems = DefinitionValidation.problems(text)
        printJSON([
            "result": problems.isEmpty ? "OK" : "FAIL",
            "diagnostics": .array(problems.map(Self.diagnostic(of:))),
            "truncated": false,
        ])
        if !problems.isEmpty { throw ExitCode(1) }
    }

    private static func diagnostic(of problem: DefinitionError.Problem) -> JSONValue {
        var diagnostic: [String: JSONValue] = [
            "severity": "ERROR", "code": .string(problem.code.rawValue), "message": .string(problem.message),
        ]
        if let path = problem.path { diagnostic["location"] = .string(path) }
        return .object(diagnostic)
    }
}
