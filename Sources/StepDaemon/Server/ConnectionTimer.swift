import NIOCore

/// When a connection's time is up, by what it is doing: the rules of the request and idle
/// timeouts, as a pure state machine. ``ConnectionTimeoutHandler`` feeds it the
/// connection's events and carries out the actions it returns.
///
/// - No request in progress: closed after the idle timeout.
/// - A request begun (a byte of it, or its head, has arrived): it must be whole within the
///   request timeout of that first sign, or the connection is closed.
/// - A request received and not yet answered: no limit. A held wait can last hours, and
///   holds no timer meanwhile: a daemon whose clients all wait does not wake up.
struct ConnectionTimer {
    enum Phase: Equatable {
        /// Between requests; `begun` once bytes of the next one arrived.
        case awaitingRequest(begun: Bool)
        case receiving
        case answering
        case closed
    }

    enum Action: Equatable {
        case none
        /// Cancel any deadline and set one this far from now.
        case arm(TimeAmount)
        /// Cancel the deadline.
        case disarm
    }

    /// Why the deadline, when it fires, closes the connection.
    enum Expiry: Equatable {
        case idle
        case requestIncomplete
    }

    let requestTimeout: TimeAmount
    let idleTimeout: TimeAmount
    private(set) var phase = Phase.awaitingRequest(begun: false)

    init(requestTimeout: TimeAmount, idleTimeout: TimeAmount) {
        self.requestTimeout = requestTimeout
        self.idleTimeout = idleTimeout
    }

    /// The connection is open.
    mutating func opened() -> Action {
        phase = .awaitingRequest(begun: false)
        return .arm(idleTimeout)
    }

    /// Bytes arrived and were decoded as far as they go; no request head came of them yet.
    mutating func bytesArrived() -> Action {
        guard phase == .awaitingRequest(begun: false) else { return .none }
        phase = .awaitingRequest(begun: true)
        return .arm(requestTimeout)
    }

    /// A request's head was decoded.
    mutating func requestHead() -> Action {
        switch phase {
        case .awaitingRequest(begun: false):
            phase = .receiving
            return .arm(requestTimeout)
        case .awaitingRequest(begun: true):
            // The deadline set by the request's first bytes still holds.
            phase = .receiving
            return .none
        case .receiving, .answering, .closed:
            return .none
        }
    }

    /// A request's last part was decoded: it is being answered.
    mutating func requestEnd() -> Action {
        guard phase == .receiving else { return .none }
        phase = .answering
        return .disarm
    }

    /// The answer's last part was written.
    mutating func responseEnd() -> Action {
        guard phase != .closed else { return .none }
        phase = .awaitingRequest(begun: false)
        return .arm(idleTimeout)
    }

    mutating func closed() -> Action {
        phase = .closed
        return .disarm
    }

    /// The deadline fired: why the connection closes, or nil when it no longer applies.
    func deadlinePassed() -> Expiry? {
        switch phase {
        case .awaitingRequest(begun: false): .idle
        case .awaitingRequest(begun: true), .receiving: .requestIncomplete
        case .answering, .closed: nil
        }
    }
}
