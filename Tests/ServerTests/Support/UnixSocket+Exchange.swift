import TestSupport

extension UnixSocket {
    /// One request and its whole answer on this connection.
    func exchange(_ request: String) async throws -> RawResponse? {
        try await send(request)
        let (text, _) = try await receive { !RawResponse.parseAll($0).isEmpty }
        return RawResponse.parseAll(text).first
    }

    /// Waits (for the read timeout at most) for the server to close the connection.
    func waitForClose() async throws -> Bool {
        try await receive().closed
    }
}
