/// Why TagResource, UntagResource or ListTagsForResource could not be done.
public enum TagError: Error, Sendable, Equatable, CustomStringConvertible {
    case resourceNotFound(arn: String)
    case tooManyTags(arn: String)
    case invalidTag(reason: String)

    public var description: String {
        switch self {
        case .resourceNotFound(let arn): "Resource not found: '\(arn)'"
        case .tooManyTags(let arn):
            "Too many tags: '\(arn)' would have more than \(Limits.maximumTagsPerResource), the most a resource may have"
        case .invalidTag(let reason): reason
        }
    }
}
