import Foundation
import JSON
import StepDaemon
import Testing

/// Requests written byte by byte, as curl or a broken client would send them.
@Suite(.timeLimit(.minutes(1)))
struct RawHTTPTests {
    private func exchange(_ request: String, maximumBodySize: Int = 1 << 20) async throws -> [RawResponse] {
        try await withServer(limits: ConnectionLimits(maximumBodyBytes: maximumBodySize)) { _, path in
            RawResponse.parseAll(try await rawExchange(socketPath: path, request))
        }
    }

    private func expectError(
        _ response: RawResponse?, status: Int, type: String, messageContains fragment: String = "",
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let response else {
            Issue.record("no response", sourceLocation: sourceLocation)
            return
        }
        #expect(response.status == status, sourceLocation: sourceLocation)
        #expect(response.headers["x-amzn-errortype"] == type, sourceLocation: sourceLocation)
        #expect(response.headers["content-type"] == "application/x-amz-json-1.0", sourceLocation: sourceLocation)
        #expect(response.headers["x-amzn-requestid"].flatMap(UUID.init(uuidString:)) != nil, sourceLocation: sourceLocation)
        #expect(response.json?["__type"] == .string(type), sourceLocation: sourceLocation)
        let message = response.json?["message"]?.stringValue ?? ""
        #expect(fragment.isEmpty || message.contains(fragment), "message: \(message)", sourceLocation: sourceLocation)
    }

    @Test func success() async throws {
        let responses = try await exchange(rawRequest(target: "Stepd.Echo", body: #"{"a":1}"#))
        #expect(responses.count == 1)
        #expect(responses.first?.status == 200)
        #expect(responses.first?.json == ["target": "Stepd.Echo", "body": ["a": 1]])
        #expect(responses.first?.headers["x-amzn-requestid"].flatMap(UUID.init(uuidString:)) != nil)
        #expect(responses.first?.headers["content-type"] == "application/x-amz-json-1.0")
    }

    @Test func emptyBodyIsAnEmptyObject() async throws {
        let responses = try await exchange(rawRequest(target: "Stepd.Echo", body: ""))
        #expect(responses.first?.json == ["target": "Stepd.Echo", "body": [:]])
    }

    @Test func malformedJSONIsASerializationException() async throws {
        let responses = try await exchange(rawRequest(target: "Stepd.Echo", body: #"{"a": "#))
        expectError(responses.first, status: 400, type: "SerializationException", messageContains: "not valid JSON")
    }

    @Test func aBodyThatIsNotAnObjectIsASerializationException() async throws {
        let responses = try await exchange(rawRequest(target: "Stepd.Echo", body: "[1, 2]"))
        expectError(responses.first, status: 400, type: "SerializationException", messageContains: "not array")
    }

    @Test func missingTargetIsMissingAction() async throws {
        let responses = try await exchange(rawRequest(target: nil, body: "{}"))
        expectError(responses.first, status: 400, type: "MissingAction", messageContains: "X-Amz-Target")
    }

    @Test func unknownServiceIsUnknownOperation() async throws {
        let responses = try await exchange(rawRequest(target: "AmazonSQS.SendMessage", body: "{}"))
        expectError(responses.first, status: 400, type: "UnknownOperationException", messageContains: "AmazonSQS.SendMessage")
    }

    @Test func unknownActionInAKnownServiceIsTheHandlersToRefuse() async throws {
        let responses = try await exchange(rawRequest(target: "AWSStepFunctions.NoSuchAction", body: "{}"))
        expectError(responses.first, status: 400, type: "UnknownOperationException", messageContains: "NoSuchAction")
    }

    @Test func getIsRefused() async throws {
        let responses = try await exchange("GET / HTTP/1.1\r\nHost: stepd\r\n\r\n")
        expectError(responses.first, status: 405, type: "MalformedHttpRequestException", messageContains: "GET")
    }

    @Test func aResponseToHeadHasNoBodyAndTheNextRequestIsAnsweredAfterIt() async throws {
        let raw = try await withServer { _, path in
            try await rawExchange(
                socketPath: path, "HEAD / HTTP/1.1\r\nHost: stepd\r\n\r\n" + rawRequest(target: "Stepd.Echo", body: #"{"n":2}"#))
        }
        guard let headEnd = raw.range(of: "\r\n\r\n") else {
            Issue.record("no response head in \(raw)")
            return
        }
        #expect(raw.hasPrefix("HTTP/1.1 405 "))
        let rest = RawResponse.parseAll(String(raw[headEnd.upperBound...]))
        #expect(rest.count == 1)
        #expect(rest.first?.json == ["target": "Stepd.Echo", "body": ["n": 2]])
    }

    @Test func anotherPathIsRefused() async throws {
        let responses = try await exchange(rawRequest(target: "Stepd.Echo", body: "{}", path: "/v1/executions"))
        expectError(responses.first, status: 404, type: "MalformedHttpRequestException", messageContains: "/v1/executions")
    }

    @Test func aContentTypeThatIsNotJSONIsRefused() async throws {
        let responses = try await exchange(
            rawRequest(target: "Stepd.Echo", body: "a=1", contentType: "application/x-www-form-urlencoded"))
        expectError(responses.first, status: 400, type: "SerializationException", messageContains: "Content-Type")
    }

    @Test(arguments: [
        "application/x-amz-json-1.1", "application/json", "application/json; charset=utf-8", "Application/JSON ;charset=utf-8",
    ])
    func otherJSONContentTypesAreAccepted(contentType: String) async throws {
        let responses = try await exchange(rawRequest(target: "Stepd.Echo", body: "{}", contentType: contentType))
        #expect(responses.first?.status == 200)
        let expected = contentType == "application/x-amz-json-1.1" ? contentType : "application/x-amz-json-1.0"
        #expect(responses.first?.headers["content-type"] == expected)
    }

    @Test func aDeclaredOversizedBodyIs413AndClosesTheConnection() async throws {
        // The body is never sent: the answer comes from the head alone, then the server closes.
        let request = "POST / HTTP/1.1\r\nHost: stepd\r\nX-Amz-Target: Stepd.Echo\r\nContent-Length: 5000\r\n\r\n{"
        let responses = try await exchange(request, maximumBodySize: 1000)
        #expect(responses.count == 1)
        expectError(responses.first, status: 413, type: "RequestEntityTooLargeException", messageContains: "1000")
        #expect(responses.first?.headers["connection"] == "close")
    }

    @Test func aChunkedBodyOverTheLimitIs413() async throws {
        let chunk = String(repeating: "x", count: 600)
        let chunkedBody = [chunk, chunk, chunk].map { String($0.utf8.count, radix: 16) + "\r\n" + $0 + "\r\n" }.joined()
        let request = "POST / HTTP/1.1\r\nHost: stepd\r\nX-Amz-Target: Stepd.Echo\r\nTransfer-Encoding: chunked\r\n\r\n"
            + chunkedBody + "0\r\n\r\n"
        let responses = try await exchange(request, maximumBodySize: 1000)
        #expect(responses.count == 1)
        expectError(responses.first, status: 413, type: "RequestEntityTooLargeException")
    }

    @Test func keepAliveAnswersTwoRequestsOnOneConnectionInOrder() async throws {
        let request = rawRequest(target: "Stepd.Echo", body: #"{"n":1}"#)
            + rawRequest(target: "Stepd.Echo", body: #"{"n":2}"#)
            + rawRequest(target: "Stepd.Echo", body: "not json")
            + rawRequest(target: "Stepd.Echo", body: #"{"n":4}"#)
        let responses = try await exchange(request)
        #expect(responses.map(\.status) == [200, 200, 400, 200])
        #expect(responses.map { $0.json?["body"]?["n"]?.intValue } == [1, 2, nil, 4])
        #expect(Set(responses.compactMap { $0.headers["x-amzn-requestid"] }).count == 4)
    }

    @Test func connectionCloseIsHonoured() async throws {
        // The request after the one that asked to close is never read.
        let request = rawRequest(target: "Stepd.Echo", body: "{}", extraHeaders: ["Connection: close"])
            + rawRequest(target: "Stepd.Echo", body: "{}")
        let responses = try await exchange(request)
        #expect(responses.count == 1, "\(responses)")
        #expect(responses.first?.headers["connection"] == "close")
    }

    @Test func expectContinueIsAnswered() async throws {
        let request = rawRequest(target: "Stepd.Echo", body: #"{"a":1}"#, extraHeaders: ["Expect: 100-continue"])
        let responses = try await exchange(request)
        #expect(responses.map(\.status) == [100, 200])
    }

    @Test func brokenHTTPIsAnswered400() async throws {
        let responses = try await exchange("THIS IS NOT HTTP\r\n\r\n")
        #expect(responses.count == 1)
        expectError(responses.first, status: 400, type: "MalformedHttpRequestException", messageContains: "malformed HTTP")
        #expect(responses.first?.headers["connection"] == "close")
    }
}
