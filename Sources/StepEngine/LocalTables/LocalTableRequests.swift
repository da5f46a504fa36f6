import Foundation
import JSON

/// The requests on local tables, read from DynamoDB's request shapes: the socket API and a
/// workflow's `dynamodb:` task send the same members (`TableName`, `Item`, `Key`, ...).
public struct TableItemRequest: Sendable, Equatable {
    public let tableName: String
    /// `Item` for PutItem, `Key` for GetItem and DeleteItem.
    public let member: String
    /// The member's attribute-value JSON; nil when it is missing or not a map, which
    /// `requiredAttributes()` refuses once the table is known to exist (DynamoDB's order).
    public let attributes: [String: JSONValue]?
    /// `ReturnValues: ALL_OLD`: answer the item as it was before.
    public let returnsOldItem: Bool
    /// GetItem's `ProjectionExpression`, split into attribute names; nil for all of them.
    public let projection: Set<String>?

    /// Reads PutItem's request (`member` "Item") or GetItem's and DeleteItem's ("Key").
    public init(_ request: JSONValue, member: String) throws(LocalTableError) {
        tableName = try LocalTables.tableName(request)
        self.member = member
        attributes = request[member]?.objectValue
        returnsOldItem = request["ReturnValues"]?.stringValue == "ALL_OLD"
        projection = request["ProjectionExpression"]?.stringValue.map { expression in
            Set(expression.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
    }
}

extension TableItemRequest {
    /// The item or key, or the error DynamoDB answers for a request without one.
    func requiredAttributes() throws(LocalTableError) -> [String: JSONValue] {
        guard let attributes else { throw .invalid(reason: "\(member) is required and must be a map of attribute values") }
        return attributes
    }
}

/// CreateTable's request: a name, the key schema and the key attributes' types.
public struct CreateTableRequest: Sendable, Equatable {
    public let tableName: String
    /// `{"AttributeName": ..., "KeyType": "HASH" | "RANGE"}`, one or two.
    public let keySchema: [JSONValue]
    /// `{"AttributeName": ..., "AttributeType": "S" | "N" | "B"}`.
    public let attributeDefinitions: [JSONValue]

    public init(_ request: JSONValue) throws(LocalTableError) {
        tableName = try LocalTables.tableName(request)
        guard case .array(let keySchema)? = request["KeySchema"], !keySchema.isEmpty, keySchema.count <= 2 else {
            throw .invalid(reason: "KeySchema must list one or two key attributes")
        }
        guard case .array(let definitions)? = request["AttributeDefinitions"] else {
            throw .invalid(reason: "AttributeDefinitions is required")
        }
        for key in keySchema {
            guard let attribute = key["AttributeName"]?.stringValue, let keyType = key["KeyType"]?.stringValue,
                keyType == "HASH" || keyType == "RANGE"
            else { throw .invalid(reason: "each KeySchema element needs AttributeName and KeyType HASH or RANGE") }
            guard definitions.contains(where: { $0["AttributeName"]?.stringValue == attribute }) else {
                throw .invalid(
                    reason: "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [\(attribute)]")
            }
        }
        self.keySchema = keySchema
        attributeDefinitions = definitions
    }
}

/// A local table as DescribeTable shows it.
public struct LocalTableDescription: Sendable, Equatable {
    public let name: String
    public let arn: String
    public let keySchema: [JSONValue]
    public let attributeDefinitions: [JSONValue]
    /// Seconds since 1970.
    public let creationDate: Double
    public let itemCount: Int
}
