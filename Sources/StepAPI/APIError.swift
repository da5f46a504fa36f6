import JSON

/// An error answered to an API caller, in the shape AWS's JSON protocol uses:
/// a body `{"__type": "ExecutionDoesNotExist", "message": "..."}`, an `x-amzn-ErrorType`
/// header carrying the type, and an HTTP status (400 unless the fault is the server's).
///
/// The common errors below take their names and statuses from AWS's "Common Errors"
/// reference; each action adds its own (`ExecutionDoesNotExist`, `InvalidArn`, ...).
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The error's name, as AWS spells it: `ValidationException`, `ExecutionDoesNotExist`.
    public let type: String
    /// A sentence for the caller.
    public let message: String
    /// The HTTP status the error is answered with.
    public let httpStatus: Int
    /// Members of the body beside `__type` and `message` (a ValidationException's `reason`).
    public var extraMembers: [String: JSONValue] = [:]

    public init(_ type: String, _ message: String, httpStatus: Int = 400) {
        self.type = type
        self.message = message
        self.httpStatus = httpStatus
    }

    /// The response body: `{"__type": type, "message": message}`.
    public var body: JSONValue {
        var members = extraMembers
        members["__type"] = .string(type)
        members["message"] = .string(message)
        return .object(members)
    }

    public var description: String { "\(type): \(message)" }
}

extension APIError {
    /// The input fails to satisfy the constraints of an action (400 `ValidationException`).
    public static func validation(_ message: String) -> APIError {
        APIError("ValidationException", message)
    }

    /// A ValidationException with the model's `reason` (Step Functions' `ValidationExceptionReason`).
    public static func validation(_ message: String, reason: String) -> APIError {
        var error = APIError("ValidationException", message)
        error.extraMembers = ["reason": .string(reason)]
        return error
    }

    /// The `X-Amz-Target` names no operation this server knows (400 `UnknownOperationException`,
    /// what AWS's JSON services answer for an unknown target).
    public static func invalidAction(_ message: String) -> APIError {
        APIError("UnknownOperationException", message)
    }

    /// The request names no action: no `X-Amz-Target` header (400 `MissingAction`).
    public static func missingAction(_ message: String = "the request has no X-Amz-Target header naming an action")
        -> APIError
    {
        APIError("MissingAction", message)
    }

    /// The body is not a JSON object, or the content type is not JSON (400 `SerializationException`).
    public static func serialization(_ message: String) -> APIError {
        APIError("SerializationException", message)
    }

    /// The request is not one this protocol carries: wrong method or path
    /// (400 `MalformedHttpRequestException` unless a status is given).
    public static func malformedRequest(_ message: String, httpStatus: Int = 400) -> APIError {
        APIError("MalformedHttpRequestException", message, httpStatus: httpStatus)
    }

    /// The request body is larger than the server accepts (413 `RequestEntityTooLargeException`).
    public static func requestTooLarge(limit: Int) -> APIError {
        APIError(
            "RequestEntityTooLargeException",
            "the request body is larger than the limit of \(limit) bytes",
            httpStatus: 413)
    }

    /// The request's head (request line and header fields) is larger than the server accepts
    /// (431, Request Header Fields Too Large).
    public static func headerTooLarge(limit: Int) -> APIError {
        APIError(
            "RequestHeaderFieldsTooLarge", "the request head is larger than the limit of \(limit) bytes", httpStatus: 431)
    }

    /// The server failed for a reason of its own (500 `InternalFailure`).
    public static func internalFailure(_ message: String) -> APIError {
        APIError("InternalFailure", message, httpStatus: 500)
    }
}
