import Foundation
import JSON
import StepAPI
import StepClient
import StepDaemon
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite(.timeLimit(.minutes(1)))
struct ClientServerTests {
    @Test func successRoundTrip() async throws {
        try await withServer { _, path in
            let client = StepClient(socketPath: path)
            let answer = try await client.call("Stepd.Echo", ["name": "hello", "count": 3, "nested": ["a": [1, 2]]])
            #expect(answer == ["target": "Stepd.Echo", "body": ["name": "hello", "count": 3, "nested": ["a": [1, 2]]]])
        }
    }

    /// One client keeps its connection between calls; when the server it spoke to is gone and
    /// another answers on the same path, the next call still succeeds on a new connection.
    @Test func keptConnectionsSurviveAServerRestart() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/stepd.sock"
        let client = StepClient(socketPath: path)
        for round in 0..<2 {
            let server = APIServer(socketPath: path, handler: TestHandler(), logger: quietLogger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                try await server.waitUntilListening()
                for call in 0..<3 {
                    let answer = try await client.call("Stepd.Echo", ["round": .number(Double(round)), "call": .number(Double(call))])
                    #expect(answer["body"]?["round"] == .number(Double(round)))
                }
                group.cancelAll()
            }
        }
    }

    @Test func handlerErrorComesBackAsAPIError() async throws {
        try await withServer { _, path in
            let client = StepClient(socketPath: path)
            await #expect(throws: StepClientError.api(
                APIError("ExecutionDoesNotExist", "Execution Does Not Exist: 'arn:x'"))
            ) {
                try await client.call("AWSStepFunctions.DescribeExecution", ["executionArn": "arn:x"])
            }
            await #expect(throws: StepClientError.api(
                APIError("InternalFailure", "the test handler failed on purpose", httpStatus: 500))
            ) {
                try await client.call("Stepd.Crash", [:])
            }
        }
    }

    @Test func unknownServiceIsRefusedBeforeTheHandler() async throws {
        try await withServer { _, path in
            let client = StepClient(socketPath: path)
            do {
                _ = try await client.call("AmazonSQS.SendMessage", [:])
                Issue.record("expected an error")
            } catch let error as StepClientError {
                guard case .api(let apiError) = error else { throw error }
                #expect(apiError.type == "UnknownOperationException")
                #expect(apiError.httpStatus == 400)
            }
        }
    }

    @Test func peerCredentialsAreThoseOfTheCallingProcess() async throws {
        try await withServer { _, path in
            let answer = try await StepClient(socketPath: path).call("Stepd.WhoAmI", [:])
            #expect(answer["pid"]?.intValue == Int(getpid()))
            #expect(answer["uid"]?.intValue == Int(getuid()))
            #expect(answer["gid"]?.intValue == Int(getgid()))
        }
    }

    @Test func aSlowHandlerDoesNotBlockOtherConnections() async throws {
        let gate = Gate()
        try await withServer(handler: TestHandler(gate: gate)) { _, path in
            let client = StepClient(socketPath: path)
            try await withThrowingTaskGroup(of: JSONValue.self) { group in
                group.addTask { try await client.call("Stepd.Slow", [:]) }
                var arrivals = gate.arrivals.makeAsyncIterator()
                await arrivals.next()
                // The slow call is now parked in its handler; a second connection is served.
                let echo = try await client.call("Stepd.Echo", ["while": "waiting"])
                #expect(echo["body"] == ["while": "waiting"])
                gate.open()
                let slow = try await group.next()
                #expect(slow == ["slow": true])
            }
        }
    }

    @Test func manyConcurrentCalls() async throws {
        try await withServer { _, path in
            let client = StepClient(socketPath: path)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let answer = try await client.call("Stepd.Echo", ["index": .number(Double(index))])
                        #expect(answer["body"]?["index"]?.intValue == index)
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test func aMissingSocketIsATransportErrorNamingThePath() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/absent.sock"
        do {
            _ = try await StepClient(socketPath: path).call("Stepd.Echo", [:])
            Issue.record("expected a transport error")
        } catch {
            guard case .transport(let message) = error else {
                Issue.record("expected a transport error, got \(error)")
                return
            }
            #expect(message == "cannot connect to stepd at \(path): No such file or directory")
        }
    }

    @Test func aDeadSocketIsATransportError() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/stale.sock"
        try makeStaleSocket(at: path)
        do {
            _ = try await StepClient(socketPath: path).call("Stepd.Echo", [:])
            Issue.record("expected a transport error")
        } catch {
            guard case .transport(let message) = error else {
                Issue.record("expected a transport error, got \(error)")
                return
            }
            #expect(message == "cannot connect to stepd at \(path): Connection refused")
        }
    }

    @Test(arguments: [
        ([:], false, "/tmp/stepd-\(getuid())/stepd.sock"),
        ([:], true, "/run/stepd/stepd.sock"),
        (["XDG_RUNTIME_DIR": "/run/user/1000"], false, "/run/user/1000/stepd/stepd.sock"),
        (["XDG_RUNTIME_DIR": "/run/user/1000"], true, "/run/stepd/stepd.sock"),
        (["STEPD_SOCKET": "/srv/s.sock", "XDG_RUNTIME_DIR": "/run/user/1000"], false, "/srv/s.sock"),
        (["STEPD_SOCKET": "/srv/s.sock"], true, "/srv/s.sock"),
        (["STEPD_SOCKET": ""], true, "/run/stepd/stepd.sock"),
    ] as [([String: String], Bool, String)])
    func defaultSocketPath(environment: [String: String], isRoot: Bool, expected: String) {
        #expect(StepClient.defaultSocketPath(environment: environment, isRoot: isRoot) == expected)
    }
}

/// A socket file nobody listens on, as a crashed daemon leaves behind.
func makeStaleSocket(at path: String) throws {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    defer { close(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
}
