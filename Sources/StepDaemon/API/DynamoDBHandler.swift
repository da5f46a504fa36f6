import JSON
import StepAPI
import StepEngine

/// `DynamoDB_20120810.*`: local tables and their items, in DynamoDB's shapes.
struct DynamoDBHandler: ServiceHandler {
    let engine: Engine
    let prefix = Actions.dynamoDB

    func handle(_ action: String, _ request: APIRequest, caller: Caller) async throws -> JSONValue {
        let body = request.body
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
            try Self.checkReturnValues(body)
            let old = try await engine.putItem(TableItemRequest(body, member: "Item"))
            return old.map { ["Attributes": .object($0)] } ?? [:]
        case "GetItem":
            try Self.checkProjection(body)
            let item = try await engine.getItem(TableItemRequest(body, member: "Key"))
            return item.map { ["Item": .object($0)] } ?? [:]
        case "DeleteItem":
            try Self.checkReturnValues(body)
            let old = try await engine.deleteItem(TableItemRequest(body, member: "Key"))
            return old.map { ["Attributes": .object($0)] } ?? [:]
        default:
            throw APIError.invalidAction("\(prefix).\(action) is not supported by stepd")
        }
    }

    /// PutItem and DeleteItem answer with the old item or nothing.
    private static func checkReturnValues(_ body: JSONValue) throws(APIError) {
        if let returnValues = try body.optionalString("ReturnValues"), returnValues != "NONE", returnValues != "ALL_OLD" {
            throw .validation("ReturnValues can only be ALL_OLD or NONE")
        }
    }

    private static func checkProjection(_ body: JSONValue) throws(APIError) {
        if let size = try body.optionalString("ProjectionExpression")?.utf8.count, size > maximumExpressionBytes {
            throw .validation(
                "Invalid ProjectionExpression: Expression size has exceeded the maximum allowed size; expression size: \(size)")
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
