import JSON
import StepEngine
import Testing

/// DynamoDB looks the table up before it reads the item or key: a request without one on a
/// missing table is ResourceNotFound, not a validation error.
@Suite struct LocalTableOrderTests {
    @Test(arguments: [("Item", "put"), ("Key", "get"), ("Key", "delete")])
    func aMissingTableComesBeforeAMissingItemOrKey(member: String, action: String) async throws {
        let test = try TestEngine()
        let request = try TableItemRequest(["TableName": "nosuch"], member: member)
        let error = await engineError {
            switch action {
            case "put": _ = try await test.engine.putItem(request)
            case "get": _ = try await test.engine.getItem(request)
            default: _ = try await test.engine.deleteItem(request)
            }
        }
        #expect(error as? LocalTableError == .tableDoesNotExist(name: "nosuch"))

        try await test.createTable("Present")
        let onATable = try TableItemRequest(["TableName": "Present"], member: member)
        let invalid = await engineError { _ = try await test.engine.putItem(onATable) }
        if member == "Item" {
            #expect(invalid as? LocalTableError == .invalid(reason: "Item is required and must be a map of attribute values"))
        }
    }
}
