import JSON
import StepAPI
import StepEngine

/// `DynamoDB_20120810.*`: local tables and their items, in DynamoDB's shapes.
struct DynamoDBHandler: ServiceHandler {
    let engine: Engine
    let prefix = Actions.dynamoDB

    func handle(_ action: String, _ body: JSONValue, caller: Caller) async throws -> JSONValue {
        switch action {
        case "CreateTable":
            return ["TableDescription": Self.json(of: try await engine.createTable(CreateTableRequest(body)))]
        case "DescribeTable":
            return ["Table": Self.json(of: try await engine.describeTable(named: LocalTables.tableName(body)))]
        case "DeleteTable":
            return ["TableDescription": Self.json(of: try await engine.deleteTable(named: LocalTables.tableName(body)))]
        case "ListTables":
            return ["TableNames": .array(try await engine.listTables().map { .string($0) })]
        case "PutItem":
            let old = try await engine.putItem(TableItemRequest(body, member: "Item"))
            return old.map { ["Attributes": .object($0)] } ?? [:]
        case "GetItem":
            let item = try await engine.getItem(TableItemRequest(body, member: "Key"))
            return item.map { ["Item": .object($0)] } ?? [:]
        case "DeleteItem":
            let old = try await engine.deleteItem(TableItemRequest(body, member: "Key"))
            return old.map { ["Attributes": .object($0)] } ?? [:]
        default:
            throw APIError.invalidAction("\(prefix).\(action) is not supported by stepd")
        }
    }

    private static func json(of table: LocalTableDescription) -> JSONValue {
        [
            "TableName": .string(table.name),
            "TableArn": .string(table.arn),
            "TableStatus": "ACTIVE",
            "KeySchema": .array(table.keySchema),
            "AttributeDefinitions": .array(table.attributeDefinitions),
            "CreationDateTime": .number(table.creationDate),
            "ItemCount": .number(Double(table.itemCount)),
            "BillingModeSummary": ["BillingMode": "PAY_PER_REQUEST"],
        ]
    }

    // MARK: - Errors

    static func apiError(for error: any Error) -> APIError? {
        switch error {
        case let error as LocalTableError:
            switch error {
            case .invalid: .validation(error.description)
            case .tableDoesNotExist: APIError("ResourceNotFoundException", error.description)
            case .tableAlreadyExists: APIError("ResourceInUseException", error.description)
            }
        default: nil
        }
    }
}
