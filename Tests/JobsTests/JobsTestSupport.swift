import TestSupport

/// The stream ended before the value a test waited for.
struct StreamEnded: Error {}

/// The next element of `stream`, waiting at most `seconds`.
func firstValue<Element: Sendable>(of stream: AsyncStream<Element>, seconds: Double = 20) async throws -> Element {
    let first = try await bounded(seconds: seconds, "the stream's next value") { () async -> Element? in
        for await value in stream { return value }
        return nil
    }
    guard let first else { throw StreamEnded() }
    return first
}

/// Returns once `stream` has finished, waiting at most `seconds`.
func finished<Element: Sendable>(_ stream: AsyncStream<Element>, seconds: Double = 20) async throws {
    try await bounded(seconds: seconds, "the stream's end") { () async in
        for await _ in stream {}
    }
}
