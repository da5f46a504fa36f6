import FuzzEngineSupport
import FuzzSupport
import JSON
import NIOCore
import NIOEmbedded
import NIOHTTP1
import StepAPI
import StepEngine
import Synchronization

@testable import StepDaemon

/// The API's request path, without a socket: the bytes a client sends on one connection go
/// through the server's HTTP pipeline (NIO's decoder, as `APIServer` configures it), the
/// server's `RequestAssembler` and `AWSJSONProtocol.decode`, and each request that decodes is
/// handled by the daemon's `APIDispatcher` on the fuzz engine; every answer is encoded as
/// the server would write it. As `APIServer.serve` does, a request over the body limit or an
/// HTTP error ends the connection.
///
/// One input in four is sent as user `nobody` (uid 65534, the user role: only its own
/// executions, no definitions), the rest as root, so that the access checks are driven too.
///
/// Checked: no request is answered `InternalFailure` (an error no handler names), and the
/// connection fails with nothing but an HTTP parse error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = FuzzInput(start, count)
    let (engine, _) = FuzzEngine.shared.beginInput()
    let dispatcher = dispatcher(for: engine)
    let channel = EmbeddedChannel()
    defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
    do {
        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: false)
    } catch {
        fatalError("the HTTP pipeline cannot be set up: \(error)")
    }
    // A small limit, so that the fuzzer reaches it (the server's is 1 MiB).
    var assembler = RequestAssembler(maximumBodySize: 2_048)
    do {
        try channel.writeInbound(ByteBuffer(bytes: input.bytes))
        while let part = try channel.readInbound(as: HTTPServerRequestPart.self) {
            switch assembler.receive(part) {
            case .none:
                break
            case .sendContinue(let version):
                try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: version, status: .continue)))
            case .rejectTooLarge(let head):
                try respond(.failure(.requestTooLarge(limit: assembler.maximumBodySize)), to: head, keepAlive: false, on: channel)
                return 0
            case .complete(let head, let body):
                let outcome = answer(head: head, body: body, peer: input.bytes.count % 4 == 3 ? nobody : root, dispatcher: dispatcher)
                try respond(outcome, to: head, keepAlive: head.isKeepAlive, on: channel)
                if !head.isKeepAlive { return 0 }
            }
        }
    } catch let error as HTTPParserError {
        try? respond(.failure(.malformedRequest("malformed HTTP request: \(error)")), to: nil, keepAlive: false, on: channel)
    } catch {
        require(false, "the connection failed with \(error)")
    }
    return 0
}

/// The daemon builds one dispatcher and keeps it (it resolves the admin group as it is built,
/// through NSS): so does this target, one per engine.
private let dispatchers = Mutex<(engine: ObjectIdentifier, dispatcher: APIDispatcher)?>(nil)

private func dispatcher(for engine: Engine) -> APIDispatcher {
    dispatchers.withLock { current in
        if let current, current.engine == ObjectIdentifier(engine) { return current.dispatcher }
        let dispatcher = APIDispatcher(engine: engine, logger: FuzzEngine.logger)
        current = (ObjectIdentifier(engine), dispatcher)
        return dispatcher
    }
}

/// Actions that wait for something outside the request (an execution's end, the writer idle):
/// with the clock standing still they may wait forever, so they are answered without the engine.
private let waitingActions: Set<String> = ["Stepd.WaitForExecution", "Stepd.WaitUntilIdle", "AWSStepFunctions.StartSyncExecution"]

private let root = PeerCredentials(pid: 1, uid: 0, gid: 0)
private let nobody = PeerCredentials(pid: 2, uid: 65_534, gid: 65_534)

private func answer(head: HTTPRequestHead, body: ByteBuffer, peer: PeerCredentials, dispatcher: APIDispatcher) -> Result<JSONValue, APIError> {
    switch AWSJSONProtocol.decode(head: head, body: body, peer: peer) {
    case .failure(let error):
        return .failure(error)
    case .success(let request):
        if waitingActions.contains(request.target) { return .success([:]) }
        let outcome = blocking { await dispatcher.handle(request) }
        if case .failure(let error) = outcome {
            require(error.type != "InternalFailure", "\(request.target) \(request.body.serialized()) failed inside: \(error.message)")
        }
        return outcome
    }
}

private func respond(
    _ outcome: Result<JSONValue, APIError>, to head: HTTPRequestHead?, keepAlive: Bool, on channel: EmbeddedChannel
) throws {
    for part in AWSJSONProtocol.responseParts(
        for: outcome, to: head, requestID: "00000000-0000-0000-0000-000000000000", keepAlive: keepAlive)
    {
        try channel.writeOutbound(part)
    }
    // What was written is not looked at; reading it keeps the channel from holding it all.
    while (try channel.readOutbound(as: IOData.self)) != nil {}
}
