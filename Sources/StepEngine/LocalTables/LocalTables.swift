import Foundation
import GRDB
import JSON
import StepStore

/// Local tables with DynamoDB's request and response shapes (CreateTable, PutItem, GetItem,
/// DeleteItem, ...), stored in SQLite. Items are attribute-value JSON (`{"Token": {"S": "..."}}`),
/// keyed by the canonical text of their key attributes.
public enum LocalTables {
    static let attributeTypes: Set<String> = ["S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"]

    // MARK: - Tables

    public static func createTable(_ request: JSONValue, in db: Database, now: Date) throws -> JSONValue {
        let name = try tableName(request)
        guard case .array(let keySchema)? = request["KeySchema"], !keySchema.isEmpty, keySchema.count <= 2 else {
            throw LocalTableError.validation("KeySchema must list one or two key attributes")
        }
        guard case .array(let definitions)? = request["AttributeDefinitions"] else {
            throw LocalTableError.validation("AttributeDefinitions is required")
        }
        for key in keySchema {
            guard let attribute = key["AttributeName"]?.stringValue, let keyType = key["KeyType"]?.stringValue,
                keyType == "HASH" || keyType == "RANGE"
            else { throw LocalTableError.validation("each KeySchema element needs AttributeName and KeyType HASH or RANGE") }
            guard definitions.contains(where: { $0["AttributeName"]?.stringValue == attribute }) else {
                throw LocalTableError.validation("One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [\(attribute)]")
            }
        }
        if try LocalTableRecord.find(db, key: name) != nil {
            throw LocalTableError(type: "ResourceInUseException", message: "Table already exists: \(name)")
        }
        let record = LocalTableRecord(
            name: name, keySchema: JSONValue.array(keySchema).serialized(),
            attributeDefinitions: JSONValue.array(definitions).serialized(), createdAt: now.timeIntervalSince1970)
        try record.insert(db)
        return ["TableDescription": try describe(record, in: db)]
    }

    public static func describeTable(_ request: JSONValue, in db: Database) throws -> JSONValue {
        let record = try table(named: try tableName(request), in: db)
        return ["Table": try describe(record, in: db)]
    }

    public static func deleteTable(_ request: JSONValue, in db: Database) throws -> JSONValue {
        let record = try table(named: try tableName(request), in: db)
        let description = try describe(record, in: db)
        try db.execute(sql: "DELETE FROM localItem WHERE tableName = ?", arguments: [record.name])
        try record.delete(db)
        return ["TableDescription": description]
    }

    public static func listTables(in db: Database) throws -> JSONValue {
        let names = try String.fetchAll(db, sql: "SELECT name FROM localTable ORDER BY name")
        return ["TableNames": .array(names.map { .string($0) })]
    }

    // MARK: - Items

    public static func putItem(_ request: JSONValue, in db: Database) throws -> JSONValue {
        let record = try table(named: try tableName(request), in: db)
        guard case .object(let item)? = request["Item"] else { throw LocalTableError.validation("Item is required and must be a map of attribute values") }
        try validateAttributes(item)
        let key = try keyText(of: item, table: record, what: "item")
        let previous = try LocalItemRecord.find(db, table: record.name, key: key)
        try LocalItemRecord(tableName: record.name, key: key, item: JSONValue.object(item).serialized()).upsert(db)
        return try returnValues(request, previous: previous)
    }

    public static func getItem(_ request: JSONValue, in db: Database) throws -> JSONValue {
        let record = try table(named: try tableName(request), in: db)
        guard case .object(let keyAttributes)? = request["Key"] else { throw LocalTableError.validation("Key is required and must be a map of attribute values") }
        let key = try keyText(of: keyAttributes, table: record, what: "key", exact: true)
        guard let stored = try LocalItemRecord.find(db, table: record.name, key: key) else { return [:] }
        var item = try JSONValue(parsing: stored.item)
        if let projection = request["ProjectionExpression"]?.stringValue, case .object(let members) = item {
            let names = Set(projection.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            item = .object(members.filter { names.contains($0.key) })
        }
        return ["Item": item]
    }

    public static func deleteItem(_ request: JSONValue, in db: Database) throws -> JSONValue {
        let record = try table(named: try tableName(request), in: db)
        guard case .object(let keyAttributes)? = request["Key"] else { throw LocalTableError.validation("Key is required and must be a map of attribute values") }
        let key = try keyText(of: keyAttributes, table: record, what: "key", exact: true)
        let previous = try LocalItemRecord.find(db, table: record.name, key: key)
        try previous?.delete(db)
        return try returnValues(request, previous: previous)
    }

    // MARK: - Helpers

    private static func tableName(_ request: JSONValue) throws -> String {
        guard let name = request["TableName"]?.stringValue, !name.isEmpty else {
            throw LocalTableError.validation("1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null")
        }
        guard name.utf8.count >= 3, name.utf8.count <= 255,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") })
        else {
            throw LocalTableError.validation("TableName must be 3 to 255 characters of a-z, A-Z, 0-9, '_', '-' and '.'")
        }
        return name
    }

    private static func table(named name: String, in db: Database) throws -> LocalTableRecord {
        guard let record = try LocalTableRecord.find(db, key: name) else { throw LocalTableError.notFound(name) }
        return record
    }

    private static func describe(_ record: LocalTableRecord, in db: Database) throws -> JSONValue {
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM localItem WHERE tableName = ?", arguments: [record.name]) ?? 0
        return [
            "TableName": .string(record.name),
            "TableArn": .string(LocalARN.table(record.name)),
            "TableStatus": "ACTIVE",
            "KeySchema": (try? JSONValue(parsing: record.keySchema)) ?? [],
            "AttributeDefinitions": (try? JSONValue(parsing: record.attributeDefinitions)) ?? [],
            "CreationDateTime": .number(record.createdAt),
            "ItemCount": .number(Double(count)),
            "BillingModeSummary": ["BillingMode": "PAY_PER_REQUEST"],
        ]
    }

    private static func validateAttributes(_ item: [String: JSONValue]) throws {
        for (name, value) in item {
            guard case .object(let typed) = value, typed.count == 1, let type = typed.keys.first, attributeTypes.contains(type) else {
                throw LocalTableError.validation("Supplied AttributeValue for '\(name)' is not a single-typed attribute value such as {\"S\": \"text\"}")
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
                throw LocalTableError.validation("One or more parameter values were invalid: Missing the key \(name) in the \(what)")
            }
            let expected = definitions.first { $0["AttributeName"]?.stringValue == name }?["AttributeType"]?.stringValue ?? "S"
            guard case .object(let typed) = value, typed.count == 1, typed[expected] != nil else {
                throw LocalTableError.validation("One or more parameter values were invalid: Type mismatch for key \(name) expected: \(expected) actual: \(value.objectValue?.keys.first ?? value.typeName)")
            }
            key[name] = value
        }
        if exact, attributes.count != key.count {
            throw LocalTableError.validation("The provided key element does not match the schema")
        }
        return JSONValue.object(key).serialized()
    }

    private static func returnValues(_ request: JSONValue, previous: LocalItemRecord?) throws -> JSONValue {
        guard request["ReturnValues"]?.stringValue == "ALL_OLD", let previous else { return [:] }
        return ["Attributes": try JSONValue(parsing: previous.item)]
    }
}
