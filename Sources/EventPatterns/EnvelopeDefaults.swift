import Foundation

/// The values EventBridge fills in when an event leaves them out: a fresh id, the time of
/// arrival, and the account and region of the bus.
public struct EnvelopeDefaults: Sendable {
    public var makeId: @Sendable () -> String
    public var now: Date
    public var account: String
    public var region: String

    public init(
        makeId: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() },
        now: Date,
        account: String,
        region: String
    ) {
        self.makeId = makeId
        self.now = now
        self.account = account
        self.region = region
    }
}
