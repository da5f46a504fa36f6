import JSON
import Testing

@testable import StepEngine

/// AWS's limits the engine holds to, because a workflow reaches them as well as the API:
/// a task failure's error and cause, DynamoDB's item and key sizes and table names.
@Suite struct LimitsTests {
    @Test(arguments: [
        (256, 32_768, nil),
        (257, 0, "1 validation error detected: Value at 'error' failed to satisfy constraint: Member must have length less than or equal to 256"),
        (0, 32_769, "1 validation error detected: Value at 'cause' failed to satisfy constraint: Member must have length less than or equal to 32768"),
        (257, 32_769,
         "2 validation errors detected: Value at 'error' failed to satisfy constraint: Member must have length less than or equal to 256; Value at 'cause' failed to satisfy constraint: Member must have length less than or equal to 32768"),
    ] as [(Int, Int, String?)])
    func taskFailureErrorAndCause(errorLength: Int, causeLength: Int, message: String?) async throws {
        let test = try TestEngine()
        // Checked before the token is looked up, as AWS checks its model first.
        let error = await engineError {
            try await test.engine.sendTask(
                token: String(repeating: "A", count: 64),
                answer: .failure(error: String(repeating: "e", count: errorLength), cause: String(repeating: "é", count: causeLength)))
        }
        if let message {
            #expect(error as? RequestError == .invalid(reason: message))
        } else {
            #expect(error as? TaskTokenError == .doesNotExist)
        }
    }

    @Test func aWorkflowsSendTaskFailureWithTooLongACauseFailsItsTask() async throws {
        let test = try TestEngine()
        try await TaskTokenTests.parentAndChild(test, childTask: [
            "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:sendTaskFailure",
            "Parameters": ["TaskToken.$": "$.token", "Error": "E", "Cause": .string(String(repeating: "c", count: 32_769))],
            "End": true,
        ])
        let parent = try await test.start("parent", input: ["value": 1])
        let children = try await test.engine.listExecutions(stateMachine: "child", statusFilter: nil, maxResults: nil, nextToken: nil)
        let child = try await test.finish(try #require(children.items.first?.arn))
        #expect(child.status == "FAILED")
        #expect(child.error == "Sfn.ValidationException")
        #expect(child.cause?.contains("at 'cause' failed to satisfy constraint") == true, "\(child.cause ?? "")")
        let waiting = try await test.engine.describeExecution(arn: parent)
        #expect(waiting.status == .running, "the parent was not answered")
    }

    // MARK: - DynamoDB

    /// The error PutItem answers, or nil when it stored the item.
    private func put(_ test: TestEngine, _ item: [String: JSONValue], table: String = "Tab") async -> (any Error)? {
        do {
            _ = try await test.engine.putItem(
                TableItemRequest(["TableName": .string(table), "Item": .object(item)], member: "Item"))
            return nil
        } catch {
            return error
        }
    }

    @Test func anItemOf400KBIsStoredAndOneByteMoreIsRefused() async throws {
        let test = try TestEngine()
        try await test.createTable("Tab")
        // "Id" + "k" + "Big" + the string: 6 bytes besides it.
        let fits = ItemSize.maximumItemBytes - 6
        #expect(await put(test, ["Id": ["S": "k"], "Big": ["S": .string(String(repeating: "x", count: fits))]]) == nil)
        let error = await put(test, ["Id": ["S": "k"], "Big": ["S": .string(String(repeating: "x", count: fits + 1))]])
        #expect(error as? LocalTableError == .invalid(reason: "Item size has exceeded the maximum allowed size"))
    }

    @Test(arguments: [
        (2048, nil),
        (2049, "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"),
        (0, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: Id"),
    ] as [(Int, String?)])
    func partitionKeySize(bytes: Int, message: String?) async throws {
        let test = try TestEngine()
        try await test.createTable("Tab")
        let error = await put(test, ["Id": ["S": .string(String(repeating: "k", count: bytes))]])
        #expect((error as? LocalTableError) == message.map { .invalid(reason: $0) }, "\(String(describing: error))")
    }

    @Test func sortKeySize() async throws {
        let test = try TestEngine()
        _ = try await test.engine.createTable(CreateTableRequest([
            "TableName": "Ranged",
            "KeySchema": [["AttributeName": "P", "KeyType": "HASH"], ["AttributeName": "S", "KeyType": "RANGE"]],
            "AttributeDefinitions": [["AttributeName": "P", "AttributeType": "S"], ["AttributeName": "S", "AttributeType": "S"]],
        ]))
        #expect(await put(test, ["P": ["S": "p"], "S": ["S": .string(String(repeating: "s", count: 1024))]], table: "Ranged") == nil)
        let error = await put(test, ["P": ["S": "p"], "S": ["S": .string(String(repeating: "s", count: 1025))]], table: "Ranged")
        #expect(error as? LocalTableError == .invalid(
            reason: "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes"))
    }

    @Test(arguments: [
        (["S": "héllo"], 6),
        (["N": "123.4500"], 4),  // 12345: 5 significant digits, 3 bytes, and 1
        (["N": "-0.001"], 2),
        (["B": "AAECAw=="], 4),
        (["BOOL": true], 1),
        (["NULL": true], 1),
        (["SS": ["a", "bc"]], 3),
        (["L": [["S": "ab"], ["N": "1"]]], 3 + 1 + 2 + 1 + 2),
        (["M": ["k": ["S": "v"]]], 3 + 1 + 1 + 1),
    ] as [(JSONValue, Int)])
    func attributeSizes(value: JSONValue, size: Int) {
        #expect(ItemSize.size(of: value) == size)
    }

    @Test(arguments: [
        ("ok_table.1", nil),
        ("ab", "TableName must be at least 3 characters long and at most 255 characters long"),
        (String(repeating: "t", count: 256), "TableName must be at least 3 characters long and at most 255 characters long"),
        ("no!such", "1 validation error detected: Value 'no!such' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"),
    ] as [(String, String?)])
    func tableNames(name: String, message: String?) {
        do {
            _ = try LocalTables.tableName(["TableName": .string(name)])
            #expect(message == nil)
        } catch {
            #expect(error == .invalid(reason: message ?? "accepted"))
        }
    }
}
