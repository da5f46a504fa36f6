import JSON
import StepAPI
import StepDaemon
import Synchronization

/// A handler with a few fixed actions for the transport tests.
struct TestHandler: APIHandler {
    /// Where `Stepd.Slow` waits until the test opens it.
    let gate: Gate

    init(gate: Gate = Gate()) {
        self.gate = gate
    }

    func handle(_ request: APIRequest) async -> Result<JSONValue, APIError> {
        switch request.target {
        case "Stepd.Echo":
            return .success(["target": .string(request.target), "body": request.body])
        case "AWSStepFunctions.DescribeExecution":
            let arn = request.body["executionArn"]?.stringValue ?? ""
            return .failure(APIError("ExecutionDoesNotExist", "Execution Does Not Exist: '\(arn)'"))
        case "Stepd.WhoAmI":
            guard let peer = request.peer else { return .success([:]) }
            return .success([
                "pid": .number(Double(peer.pid)), "uid": .number(Double(peer.uid)), "gid": .number(Double(peer.gid)),
            ])
        case "Stepd.Slow":
            await gate.pass()
            return .success(["slow": true])
        case "Stepd.Crash":
            return .failure(.internalFailure("the test handler failed on purpose"))
        default:
            return .failure(.invalidAction("unknown operation \(request.target)"))
        }
    }
}

/// A gate the slow action passes only once the test opens it; it announces each arrival,
/// so a test can wait for "the handler is running" without sleeping.
final class Gate: Sendable {
    let arrivals: AsyncStream<Void>
    private let arrivalsContinuation: AsyncStream<Void>.Continuation
    private let state = Mutex<(open: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    init() {
        (arrivals, arrivalsContinuation) = AsyncStream.makeStream()
    }

    func pass() async {
        arrivalsContinuation.yield()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let passNow = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiting.append(continuation)
                return false
            }
            if passNow { continuation.resume() }
        }
    }

    func open() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }
}
