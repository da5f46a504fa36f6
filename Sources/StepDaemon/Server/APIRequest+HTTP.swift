import Foundation
import JSON
import NIOCore
import NIOHTTP1
import StepAPI

/// Turning an HTTP request into an ``APIRequest`` (or the AWS-shaped error that refuses it),
/// and an answer back into HTTP: the AWS JSON protocol's rules, with no I/O.
enum AWSJSONProtocol {
    /// The services whose targets the server routes to its handler.
    static let knownServices: Set<Substring> = [
        Substring(Actions.stepFunctions), Substring(Actions.events), Substring(Actions.dynamoDB), Substring(Actions.stepd),
    ]

    static let defaultContentType = "application/x-amz-json-1.0"

    static let acceptedContentTypes: Set<String> = [
        "application/x-amz-json-1.0", "application/x-amz-json-1.1", "application/json",
    ]

    /// Checks a complete request in the order AWS does: method and path, target, content type, body.
    static func decode(
        head: HTTPRequestHead, body: ByteBuffer, peer: PeerCredentials?, departure: ClientDeparture? = nil
    ) -> Result<APIRequest, APIError> {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard path == "/" else {
            return .failure(.malformedRequest("no resource at \(path): requests are POST /", httpStatus: 404))
        }
        guard head.method == .POST else {
            return .failure(.malformedRequest("method \(head.method.rawValue) not allowed: requests are POST /", httpStatus: 405))
        }
        guard let target = head.headers.first(name: "x-amz-target"), !target.isEmpty else {
            return .failure(.missingAction())
        }
        guard let dot = target.firstIndex(of: "."), knownServices.contains(target[..<dot]),
            target.index(after: dot) < target.endIndex
        else {
            return .failure(.invalidAction("unknown operation \(target)"))
        }
        if let contentType = head.headers.first(name: "content-type") {
            let mediaType = withoutBlanksAround(contentType.prefix { $0 != ";" }).lowercased()
            guard acceptedContentTypes.contains(mediaType) else {
                return .failure(.serialization("unsupported Content-Type \(contentType); send \(defaultContentType)"))
            }
        }
        return parseBody(body).map { APIRequest(target: target, body: $0, peer: peer, departure: departure) }
    }

    /// `text` without the spaces and tabs around it (Foundation's trimming costs more than the
    /// rest of the request's checks).
    private static func withoutBlanksAround(_ text: Substring) -> Substring {
        let isBlank = { (character: Character) in character == " " || character == "\t" }
        guard let first = text.firstIndex(where: { !isBlank($0) }), let last = text.lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return text[first...last]
    }

    /// The body as a JSON object; an empty body is `{}`.
    static func parseBody(_ body: ByteBuffer) -> Result<JSONValue, APIError> {
        let bytes = body.readableBytesView
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return .success(.object([:]))
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: Data(bytes))
        } catch {
            return .failure(.serialization("the request body is not valid JSON: \(error.message)"))
        }
        guard case .object = value else {
            return .failure(.serialization("the request body must be a JSON object, not \(value.typeName)"))
        }
        return .success(value)
    }

    /// The content type to answer with: the request's own AWS JSON version, else 1.0.
    static func responseContentType(for head: HTTPRequestHead?) -> String {
        if let requested = head?.headers.first(name: "content-type")?.lowercased(),
            requested.hasPrefix("application/x-amz-json-1.1")
        {
            return "application/x-amz-json-1.1"
        }
        return defaultContentType
    }

    /// The response head and body for an outcome.
    static func response(
        for outcome: Result<JSONValue, APIError>, requestID: String, contentType: String,
        version: HTTPVersion, keepAlive: Bool
    ) -> (HTTPResponseHead, ByteBuffer) {
        let status: HTTPResponseStatus
        let json: JSONValue
        var headers = HTTPHeaders()
        switch outcome {
        case .success(let value):
            status = .ok
            json = value
        case .failure(let error):
            status = HTTPResponseStatus(statusCode: error.httpStatus)
            json = error.body
            headers.add(name: "x-amzn-ErrorType", value: error.type)
        }
        let body = ByteBuffer(string: json.serialized())
        headers.add(name: "x-amzn-RequestId", value: requestID)
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        if !keepAlive {
            headers.add(name: "Connection", value: "close")
        } else if version.major == 1 && version.minor == 0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
        return (HTTPResponseHead(version: version, status: status, headers: headers), body)
    }

    /// The parts that answer `head` (nil: a request that could not be read) with `outcome`:
    /// its head, its body, its end. A response to HEAD has no body (RFC 9110 §9.3.2; NIO's
    /// encoder refuses one); its Content-Length is the one a GET would have had.
    static func responseParts(
        for outcome: Result<JSONValue, APIError>, to head: HTTPRequestHead?, requestID: String, keepAlive: Bool
    ) -> [HTTPServerResponsePart] {
        let (responseHead, body) = response(
            for: outcome, requestID: requestID, contentType: responseContentType(for: head), version: head?.version ?? .http1_1,
            keepAlive: keepAlive)
        if head?.method == .HEAD { return [.head(responseHead), .end(nil)] }
        return [.head(responseHead), .body(.byteBuffer(body)), .end(nil)]
    }
}
