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
                return .completed(try LocalTables.putItem(parameters, in: invocation.db))
            case "getItem":
                return .completed(try LocalTables.getItem(parameters, in: invocation.db))
            case "deleteItem":
                return .completed(try LocalTables.deleteItem(parameters, in: invocation.db))
            default:
                return nil
            }
        } catch let error as LocalTableError {
            throw StatesError(name: "\(service).\(error.type)", cause: error.message)
        } catch {
            throw StatesError(name: StatesError.runtime, cause: "\(error)")
        }
    }
}
