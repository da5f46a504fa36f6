/// One page of a list, and the token for the next page when there is one.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let nextToken: String?
}

extension Page: Equatable where Item: Equatable {}
