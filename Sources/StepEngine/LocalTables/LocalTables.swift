import Foundation
import GRDB
import JSON
import StepStore

/// Local tables with DynamoDB's data model (CreateTable, PutItem, GetItem, DeleteItem, ...),
/// stored in SQLite. Items are attribute-value JSON (`{"Token": {"S": "..."}}`),
/// keyed by the canonical text of their key attributes.
public enum LocalTables {
    static let attributeTypes: Set<String> = ["S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"]

    // MARK: - Tables

    static func createTable(_ request: CreateTableRequest, in db: Database, now: Date) throws -> LocalTableDescription {
        if try LocalTableRecord.find(db, key: request.tableName) != nil { throw LocalTableError.tableAlreadyExists(name: request.tableName) }
        let record = LocalTableRecord(
            name: request.tableName, keySchema: JSONValue.array(request.keySchema).serialized(),
            attributeDefinitions: JSONValue.array(request.attributeDefinitions).serialized(), createdAt: now.timeIntervalSince1970)
        try record.insert(db)
        return try describe(record, in: db)
    }

    static func describeTable(named name: String, in db: Database) throws -> LocalTableDescription {
        try describe(try table(named: name, in: db), in: db)
    }

    static func deleteTable(named name: String, in db: Database) throws -> LocalTableDescription {
        let record = try table(named: name, in: db)
        let description = try describe(record, in: db)
        try LocalItemRecord.deleteAll(table: record.name, in: db)
        try record.delete(db)
        return description
    }

    static func tableNames(in db: Database) throws -> [String] {
        try LocalTableRecord.names(in: db)
    }

    // MARK: - Items

    /// Stores the item; returns the one it replaced when the request asks for it.
    static func putItem(_ request: TableItemRequest, in db: Database) throws -> [String: JSONValue]? {
        let record = try table(named: request.tableName, in: db)
        let item = try request.requiredAttributes()
        try validateAttributes(item)
        if ItemSize.of(item) > ItemSize.maximumItemBytes {
            throw LocalTableError.invalid(reason: "Item size has exceeded the maximum allowed size")
        }
        let key = try keyText(of: item, table: record, what: "item")
        let previous = try LocalItemRecord.find(db, table: record.name, key: key)
        try LocalItemRecord(tableName: record.name, key: key, item: JSONValue.object(item).serialized()).upsert(db)
        return try oldItem(request, previous: previous)
    }

    /// The item with the request's key (only the projected attributes), or nil.
    static func getItem(_ request: TableItemRequest, in db: Database) throws -> [String: JSONValue]? {
        let record = try table(named: request.tableName, in: db)
        let key = try keyText(of: try request.requiredAttributes(), table: record, what: "key", exact: true)
        guard let stored = try LocalItemRecord.find(db, table: record.name, key: key) else { return nil }
        let item = try JSONValue(parsing: stored.item).objectValue ?? [:]
        guard let projection = request.projection else { return item }
        return item.filter { projection.contains($0.key) }
    }

    /// Deletes the item with the request's key; returns it when the request asks for it.
    static func deleteItem(_ request: TableItemRequest, in db: Database) throws -> [String: JSONValue]? {
        let record = try table(named: request.tableName, in: db)
        let key = try keyText(of: try request.requiredAttributes(), table: record, what: "key", exact: true)
        let previous = try LocalItemRecord.find(db, table: record.name, key: key)
        try previous?.delete(db)
        return try oldItem(request, previous: previous)
    }

    // MARK: - Helpers

    /// The request's `TableName`, checked against DynamoDB's rule for table names.
    public static func tableName(_ request: JSONValue) throws(LocalTableError) -> String {
        guard let name = request["TableName"]?.stringValue, !name.isEmpty else {
            throw .invalid(reason: "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null")
        }
        // DynamoDB's words for each rule (the name is counted in characters of ASCII).
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }) else {
            throw .invalid(
                reason: "1 validation error detected: Value '\(name)' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
        }
        guard name.utf8.count >= 3, name.utf8.count <= 255 else {
            throw .invalid(reason: "TableName must be at least 3 characters long and at most 255 characters long")
        }
        return name
    }

    private static func table(named name: String, in db: Database) throws -> LocalTableRecord {
        guard let record = try LocalTableRecord.find(db, key: name) else { throw LocalTableError.tableDoesNotExist(name: name) }
        return record
    }

    private static func describe(_ record: LocalTableRecord, in db: Database) throws -> LocalTableDescription {
        let count = try LocalItemRecord.count(table: record.name, in: db)
        return LocalTableDescription(
            name: record.name, arn: LocalARN.table(record.name),
            keySchema: (try? JSONValue(parsing: record.keySchema))?.arrayValue ?? [],
            attributeDefinitions: (try? JSONValue(parsing: record.attributeDefinitions))?.arrayValue ?? [],
            creationDate: record.createdAt, itemCount: count)
    }

    private static func validateAttributes(_ item: [String: JSONValue]) throws {
        for (name, value) in item {
            guard case .object(let typed) = value, typed.count == 1, let type = typed.keys.first, attributeTypes.contains(type) else {
                throw LocalTableError.invalid(reason: "Supplied AttributeValue for '\(name)' is not a single-typed attribute value such as {\"S\": \"text\"}")
            }
        }
    }

    /// The canonical text of the key attributes of `attributes`, checked against the table's
    /// key schema and attribute types.
    private static func keyText(of attributes: [String: JSONValue], table: LocalTableRecord, what: String, exact: Bool = false) throws -> String {
        let schema = (try? JSONValue(parsing: table.keySchema))?.arrayValue ?? []
        let definitions = (try? JSONValue(parsing: table.attributeDefinitions))?.arrayValue ?? []
        var key: [String: JSONValue] = [:]
        for element in schema {
            guard let name = element["AttributeName"]?.stringValue else { continue }
            guard let value = attributes[name] else {
                throw LocalTableError.invalid(reason: "One or more parameter values were invalid: Missing the key \(name) in the \(what)")
            }
            let expected = definitions.first { $0["AttributeName"]?.stringValue == name }?["AttributeType"]?.stringValue ?? "S"
            guard case .object(let typed) = value, typed.count == 1, typed[expected] != nil else {
                throw LocalTableError.invalid(reason: "One or more parameter values were invalid: Type mismatch for key \(name) expected: \(expected) actual: \(value.objectValue?.keys.first ?? value.typeName)")
            }
            try checkKeySize(value, name: name, type: expected, isPartitionKey: element["KeyType"]?.stringValue != "RANGE")
            key[name] = value
        }
        if exact, attributes.count != key.count {
            throw LocalTableError.invalid(reason: "The provided key element does not match the schema")
        }
        return JSONValue.object(key).serialized()
    }

    /// DynamoDB's limits on a key attribute's value: not empty, at most 2048 bytes for the
    /// partition key and 1024 for the sort key (in DynamoDB's words, "of2048" included).
    private static func checkKeySize(_ value: JSONValue, name: String, type: String, isPartitionKey: Bool) throws {
        let size = ItemSize.keySize(of: value)
        if size == 0, type == "S" || type == "B" {
            let kind = type == "S" ? "string" : "binary"
            throw LocalTableError.invalid(
                reason: "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty \(kind) value. Key: \(name)")
        }
        if isPartitionKey, size > ItemSize.maximumPartitionKeyBytes {
            throw LocalTableError.invalid(
                reason: "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of\(ItemSize.maximumPartitionKeyBytes) bytes")
        }
        if !isPartitionKey, size > ItemSize.maximumSortKeyBytes {
            throw LocalTableError.invalid(
                reason: "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of \(ItemSize.maximumSortKeyBytes) bytes")
        }
    }

    private static func oldItem(_ request: TableItemRequest, previous: LocalItemRecord?) throws -> [String: JSONValue]? {
        guard request.returnsOldItem, let previous else { return nil }
        return try JSONValue(parsing: previous.item).objectValue
    }
}
