import Foundation
import GRDB
import JSON
import StepEngine
import Testing

/// SQLite does not enforce the schema's REFERENCES (see `StepDatabase.open`); the engine keeps
/// them itself. After every kind of change, no row points at one that is gone.
@Suite struct ReferencesTests {
    @Test func noRowIsLeftPointingAtOneThatIsGone() async throws {
        let test = try await TaskTokenTests.parkingEngine(timeoutSeconds: 3600)
        // Executions: one ends at once, one with a timeout and a Wait, one answered, one stopped.
        try await test.machine("pass", #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#)
        try await test.machine(
            "wait", #"{"StartAt": "W", "TimeoutSeconds": 60, "States": {"W": {"Type": "Wait", "Seconds": 0, "Next": "P"}, "P": {"Type": "Pass", "End": true}}}"#)
        #expect(try await test.run("pass").status == "SUCCEEDED")
        #expect(try await test.run("wait").status == "SUCCEEDED")
        let (answered, token) = try await TaskTokenTests.park(test, id: "answered")
        try await test.engine.sendTask(token: token, answer: .success(output: "{}"))
        #expect(try await test.finish(answered).status == "SUCCEEDED")
        let (stopped, _) = try await TaskTokenTests.park(test, id: "stopped")
        _ = try await test.engine.stopExecution(arn: stopped, error: nil, cause: nil)
        try await test.engine.deleteStateMachine(reference: "pass")

        // A table with items, deleted; a rule with targets, deleted.
        try await test.createTable("Doomed")
        _ = try await test.engine.putItem(TableItemRequest(["TableName": "Doomed", "Item": ["Id": ["S": "a"]]], member: "Item"))
        _ = try await test.engine.deleteTable(named: "Doomed")
        _ = try await test.engine.putRule(name: "doomed", eventPattern: #"{"source": ["x"]}"#, state: nil, description: nil)
        _ = try await test.engine.putTargets(rule: "doomed", targets: [["Id": "t", "Arn": "wait"]])
        try await test.engine.deleteRule(name: "doomed", force: true)
        await test.engine.waitUntilIdle()

        let database = try DatabaseQueue(path: test.path)
        let orphans = try await database.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }
        #expect(orphans.isEmpty, "\(orphans)")
        let leftovers = try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT (SELECT COUNT(*) FROM localItem WHERE tableName = 'Doomed') + (SELECT COUNT(*) FROM ruleTarget WHERE ruleName = 'doomed')")
        }
        #expect(leftovers == 0)
    }
}
