import JSON
import StatesLanguage

/// `dynamodb:putItem|getItem|deleteItem` (and the same under `aws-sdk:dynamodb`) over
/// local tables, with DynamoDB's attribute-value JSON in and out.
enum DynamoDBIntegration {
    static func invoke(_ invocation: TaskInvocation) throws(StatesError) -> TaskOutcome? {
        let service = "DynamoDB"
        let parameters = invocation.parameters
        do {
            switch invocation.resource.action {
            case "putItem":
                let old = try LocalTables.putItem(TableItemRequest(parameters, member: "Item"), in: invocation.db)
                return .completed(old.map { ["Attributes": .object($0)] } ?? [:])
            case "getItem":
                let item = try LocalTables.getItem(TableItemRequest(parameters, member: "Key"), in: invocation.db)
                return .completed(item.map { ["Item": .object($0)] } ?? [:])
            case "deleteItem":
                let old = try LocalTables.deleteItem(TableItemRequest(parameters, member: "Key"), in: invocation.db)
                return .completed(old.map { ["Attributes": .object($0)] } ?? [:])
            default:
                return nil
            }
        } catch {
            throw ServiceErrorNames.statesError(error, service: service)
        }
    }
}
