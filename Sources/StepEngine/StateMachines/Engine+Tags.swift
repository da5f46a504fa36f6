import Foundation
import GRDB
import StepStore

/// Tags of state machines (TagResource, UntagResource, ListTagsForResource, and
/// CreateStateMachine's `tags`). They go with their state machine when it is deleted.
extension Engine {
    /// A tag as AWS's API has it.
    public struct Tag: Sendable, Equatable {
        public let key: String
        public let value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public func tagResource(arn reference: String, tags: [Tag]) async throws {
        try Self.check(tags)
        try await transact { db, _, _ in
            let arn = try Self.taggedStateMachine(reference, in: db)
            try Self.setTags(tags, on: arn, in: db)
        }
    }

    public func untagResource(arn reference: String, keys: [String]) async throws {
        try await transact { db, _, _ in
            let arn = try Self.taggedStateMachine(reference, in: db)
            for key in keys { try TagRecord.delete(resourceArn: arn, key: key, in: db) }
        }
    }

    public func listTags(arn reference: String) async throws -> [Tag] {
        try await read { db in
            let arn = try Self.taggedStateMachine(reference, in: db)
            return try TagRecord.all(of: arn, in: db).map { Tag(key: $0.key, value: $0.value) }
        }
    }

    /// Sets `tags` on `arn` in the caller's transaction, refusing more than the limit in all.
    static func setTags(_ tags: [Tag], on arn: String, in db: Database) throws {
        for tag in tags { try TagRecord(resourceArn: arn, key: tag.key, value: tag.value).set(db) }
        if try TagRecord.all(of: arn, in: db).count > Limits.maximumTagsPerResource { throw TagError.tooManyTags(arn: arn) }
    }

    /// AWS's rules for a tag: a key of 1 to 128 characters, a value of at most 256, both of
    /// Unicode letters, digits, white space and `_ . : / = + - @`.
    static func check(_ tags: [Tag]) throws {
        guard tags.count <= Limits.maximumTagsPerResource else {
            throw TagError.invalidTag(reason: "a resource may have at most \(Limits.maximumTagsPerResource) tags; \(tags.count) were given")
        }
        for tag in tags {
            guard (1...128).contains(tag.key.count), tag.value.count <= 256 else {
                throw TagError.invalidTag(reason: "a tag key has 1 to 128 characters and a value at most 256: '\(tag.key.prefix(140))'")
            }
            for text in [tag.key, tag.value] where !text.unicodeScalars.allSatisfy(isAllowedInTag) {
                throw TagError.invalidTag(
                    reason: "tags may only contain Unicode letters, digits, white space, or these symbols: _ . : / = + - @ ('\(text.prefix(140))')")
            }
        }
    }

    private static func isAllowedInTag(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar.properties.isWhitespace
            || "_.:/=+-@".unicodeScalars.contains(scalar)
    }

    /// The ARN of the state machine `reference` names, which must exist.
    private static func taggedStateMachine(_ reference: String, in db: Database) throws -> String {
        let name = try LocalARN.stateMachineName(from: reference)
        guard let machine = try StateMachineRecord.find(db, key: name) else { throw TagError.resourceNotFound(arn: LocalARN.stateMachine(name)) }
        return machine.arn
    }
}
