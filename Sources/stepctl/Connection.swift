import ArgumentParser
import Foundation
import JSON
import StepAPI
import StepClient

/// `--socket`, shared by every verb.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "stepd's socket (default: $STEPD_SOCKET, else /run/stepd/stepd.sock as root, else $XDG_RUNTIME_DIR/stepd/stepd.sock).")
    var socket: String?

    var client: StepClient {
        StepClient(socketPath: socket ?? StepClient.defaultSocketPath(isRoot: getuid() == 0))
    }

    /// The client, once its socket's folder is known safe (``FallbackSocketFolder``); else
    /// says why and exits 255, as when stepd cannot be reached.
    func checkedClient() throws -> StepClient {
        let client = self.client
        if let refusal = FallbackSocketFolder.refusal(socketPath: client.socketPath, uid: getuid()) {
            printError("refusing the socket \(client.socketPath): \(refusal)")
            throw ExitCode(255)
        }
        return client
    }

    /// Calls one action; on failure prints the error the way the AWS CLI does and exits.
    func call(_ target: String, _ body: JSONValue) async throws -> JSONValue {
        let client = try checkedClient()
        do {
            return try await client.call(target, body)
        } catch {
            let operation = target.split(separator: ".").last.map(String.init) ?? target
            switch error {
            case .api(let apiError):
                printError("An error occurred (\(apiError.type)) when calling the \(operation) operation: \(apiError.message)")
                throw ExitCode(254)
            case .transport(let message):
                printError(message)
                throw ExitCode(255)
            }
        }
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

func printJSON(_ value: JSONValue) {
    print(value.prettyPrinted())
}

/// A JSON argument given inline or as `file://PATH`.
func readJSONArgument(_ text: String, option: String) throws -> JSONValue {
    let source = try readTextArgument(text, option: option)
    do {
        return try JSONValue(parsing: source)
    } catch {
        throw ValidationError("\(option): \(error.message)")
    }
}

/// A text argument given inline or as `file://PATH`.
func readTextArgument(_ text: String, option: String) throws -> String {
    guard text.hasPrefix("file://") else { return text }
    let path = String(text.dropFirst("file://".count))
    guard let data = FileManager.default.contents(atPath: path), let contents = String(data: data, encoding: .utf8) else {
        throw ValidationError("\(option): cannot read the file '\(path)'")
    }
    return contents
}
