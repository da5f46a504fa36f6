import StepAPI

/// The members of DynamoDB's requests that stepd reads, with the constraints of AWS's model
/// (botocore `dynamodb/2012-08-10`); checked before the request reaches the engine. The
/// rules of the data model (table names, item and key sizes) are the engine's
/// (`LocalTables`), because a workflow's `dynamodb:` task reaches them too.
extension DynamoDBHandler {
    static let requests: [String: RequestShape] = [
        "CreateTable": .structure([
            "TableName": .required(tableName),
            "KeySchema": .required(.list(keySchemaElement, [.length(min: 1, max: 2)], summary: "[KeySchemaElement]")),
            "AttributeDefinitions": .required(.list(attributeDefinition, [], summary: "[AttributeDefinition]")),
        ]),
        "DescribeTable": .structure(["TableName": .required(tableName)]),
        "DeleteTable": .structure(["TableName": .required(tableName)]),
        // The item or key may be missing here: the engine looks the table up first, as
        // DynamoDB does (LocalTableOrderTests).
        "PutItem": .structure(["TableName": .required(tableName), "Item": .optional(item), "ReturnValues": .optional(returnValue)]),
        "GetItem": .structure([
            "TableName": .required(tableName), "Key": .optional(item), "ProjectionExpression": .optional(.string([])),
        ]),
        "DeleteItem": .structure(["TableName": .required(tableName), "Key": .optional(item), "ReturnValues": .optional(returnValue)]),
    ]

    /// `TableArn`: a name or an ARN; the engine holds a name to DynamoDB's naming rule.
    static let tableName = RequestShape.string([.length(min: 1, max: 1024)])
    /// `KeySchemaAttributeName`.
    static let keyAttributeName = RequestShape.string([.length(min: 1, max: 255)])
    static let keySchemaElement = RequestShape.structure([
        "AttributeName": .required(keyAttributeName), "KeyType": .required(.string([.oneOf(["HASH", "RANGE"])])),
    ])
    static let attributeDefinition = RequestShape.structure([
        "AttributeName": .required(keyAttributeName), "AttributeType": .required(.string([.oneOf(["S", "N", "B"])])),
    ])
    /// An item or key: attribute names (`AttributeName`) of at most 65,535 characters.
    static let item = RequestShape.map(keys: [.length(min: 0, max: 65_535)], summary: "{AttributeName=AttributeValue}")
    static let returnValue = RequestShape.string([.oneOf(["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"])])

    /// DynamoDB's longest expression: 4 KB of UTF-8.
    static let maximumExpressionBytes = 4096
}
