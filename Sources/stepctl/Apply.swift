import ArgumentParser
import Foundation
import JSON
import StepAPI
import StepClient
import StepConfiguration

/// Creates or updates everything a folder describes (see ``ConfigurationFolder``, which stepd
/// also applies its configuration folder with), and stops at the first file that fails.
struct Apply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Creates or updates every state machine, rule, job and table a folder describes.",
        discussion: "Files: NAME.asl.json (state machine NAME), *.rule.json ({Name, EventPattern, State, Description, Targets}), *.job.json ({Name, Command, Environment, WorkingDirectory, TimeoutSeconds}; relative paths are taken from the folder), *.table.json (CreateTable input).")
    @OptionGroup var connection: ConnectionOptions
    @Option(name: .customShort("f"), help: "The folder.") var folder: String

    func run() async throws {
        let configuration = ConfigurationFolder(path: folder, api: try connection.checkedClient())
        let files: [ConfigurationFile]
        do {
            files = try configuration.files()
        } catch {
            throw ValidationError("-f: cannot read the folder '\(folder)': \(error.localizedDescription)")
        }
        var applied: [JSONValue] = []
        for file in files {
            do {
                let outcome = try await configuration.apply(file)
                applied.append(["File": .string(file.name), "Result": .string(outcome)])
            } catch {
                try report(error)
            }
        }
        printJSON(["Applied": .array(applied)])
    }

    /// Says why a file failed as stepctl always has: an action's error as the AWS CLI prints
    /// it, anything else after the file's name.
    private func report(_ failure: ApplyFailure) throws -> Never {
        switch failure {
        case .invalidFile(let message):
            throw ValidationError(message)
        case .actionFailed(_, let target, .api(let error)):
            printError("An error occurred (\(error.type)) when calling the \(ApplyFailure.operation(of: target)) operation: \(error.message)")
            throw ExitCode(254)
        case .actionFailed(_, _, .transport(let message)):
            printError(message)
            throw ExitCode(255)
        case .lookupFailed, .targetsRefused:
            printError(failure.description)
            throw ExitCode(254)
        }
    }
}

/// The socket client is the caller a ``ConfigurationFolder`` applies through.
extension StepClient: APICaller {}
