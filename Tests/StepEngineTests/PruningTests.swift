import Foundation
import GRDB
import JSON
import StepEngine
import StepStore
import TestSupport
import Testing

/// What has ended is kept for its retention, then pruned in batches that ride on commits
/// (issue #15).
@Suite("retention: closed executions, event ids and jobs are pruned after their time")
struct PruningTests {
    static let pass = #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#
    static let waitLong = #"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100000, "End": true}}}"#

    static func rowCount(_ table: String, in database: DatabasePool) throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }

    static func exists(_ arn: String, in test: TestEngine) async -> Bool {
        do {
            _ = try await test.engine.describeExecution(arn: arn)
            return true
        } catch {
            return false
        }
    }

    @Test func closedExecutionsPastTheirRetentionGoAfterTheNextCommitWithTheirHistory() async throws {
        let clock = ManualClock()
        let test = try TestEngine(clock: clock, retention: Retention(closedExecutions: .seconds(100), eventIds: nil))
        try await test.machine("pass", Self.pass)
        try await test.machine("wait", Self.waitLong)
        let old = try await [test.run("pass").arn, test.run("pass").arn]
        let running = try await test.start("wait")
        await test.engine.waitUntilIdle()

        try await test.advance(by: 150)
        let young = try await test.run("pass").arn
        await test.engine.waitUntilIdle()
        for arn in old { #expect(await !Self.exists(arn, in: test), "\(arn) ended 150 s ago") }
        #expect(await Self.exists(running, in: test), "a running execution stays")
        #expect(await Self.exists(young, in: test))
        let orphans = try await test.database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM historyEvent WHERE executionId NOT IN (SELECT id FROM execution)") ?? -1
        }
        #expect(orphans == 0)
    }

    @Test func aMapRunsChildStaysWhileItsParentRuns() async throws {
        let clock = ManualClock()
        let test = try TestEngine(clock: clock, retention: Retention(closedExecutions: .seconds(100), eventIds: nil))
        try await test.createTable("Tokens")
        // Two items one at a time: the first ends, the second parks past the retention.
        let definition = DistributedMapTests.map(processor: MapTests.parking, extra: ["ItemsPath": "$.items", "MaxConcurrency": 1])
        try await test.machine("each", definition.text)
        let arn = try await test.start("each", input: DistributedMapTests.ids(["a", "b"]))
        await test.engine.waitUntilIdle()
        let tokenA = try #require(try await test.itemString("Tokens", id: "a", attribute: "Token"))
        try await test.engine.sendTask(token: tokenA, answer: .success(output: #""a""#))
        await test.engine.waitUntilIdle()
        try await test.advance(by: 150)
        try await test.machine("pass", Self.pass)
        _ = try await test.run("pass")
        await test.engine.waitUntilIdle()
        let tokenB = try #require(try await test.itemString("Tokens", id: "b", attribute: "Token"))
        try await test.engine.sendTask(token: tokenB, answer: .success(output: #""b""#))
        #expect(try await test.finish(arn).output == ["a", "b"])
    }

    @Test func nothingIsPrunedBeforeItsTimeNorOftenerThanTheInterval() async throws {
        let clock = ManualClock()
        let test = try TestEngine(clock: clock, retention: Retention(closedExecutions: .seconds(100), eventIds: nil))
        try await test.machine("pass", Self.pass)
        let first = try await test.run("pass").arn
        try await test.advance(by: 90)
        _ = try await test.run("pass")
        await test.engine.waitUntilIdle()
        #expect(await Self.exists(first, in: test), "90 s is within the 100 s kept")
        try await test.advance(by: 20)
        _ = try await test.run("pass")
        await test.engine.waitUntilIdle()
        #expect(await Self.exists(first, in: test), "the last round was 20 s ago, less than the interval")
        try await test.advance(by: 60)
        _ = try await test.run("pass")
        await test.engine.waitUntilIdle()
        #expect(await !Self.exists(first, in: test))
    }

    @Test func anEventIdIsForgottenAfterItsRetention() async throws {
        let clock = ManualClock()
        let test = try TestEngine(clock: clock, retention: Retention(closedExecutions: nil, eventIds: .seconds(100)))
        let event = Data(#"{"id": "e-1", "source": "s", "detail-type": "d", "detail": {}}"#.utf8)
        #expect(try await !test.engine.ingestSpoolEvent(event, fileName: "a").duplicate)
        #expect(try await test.engine.ingestSpoolEvent(event, fileName: "a").duplicate)
        try await test.advance(by: 150)
        try await test.machine("pass", Self.pass)  // a commit, after which the round runs
        await test.engine.waitUntilIdle()
        #expect(try await !test.engine.ingestSpoolEvent(event, fileName: "a").duplicate, "the id was pruned")
    }

    @Test func keptForeverMeansNothingIsPruned() async throws {
        let clock = ManualClock()
        let test = try TestEngine(clock: clock)
        try await test.machine("pass", Self.pass)
        let first = try await test.run("pass").arn
        try await test.advance(by: 1e9)
        _ = try await test.run("pass")
        await test.engine.waitUntilIdle()
        #expect(await Self.exists(first, in: test))
    }

    /// One batch deletes at most its budget of rows; a long history takes several, the
    /// execution's row going last, and the newest execution is never deleted.
    @Test func batchesKeepToTheirBudget() async throws {
        let test = try TestEngine()
        try await test.machine("pass", Self.pass)
        let arns = try await [test.run("pass").arn, test.run("pass").arn, test.run("pass").arn]
        let historyRows = try Self.rowCount("historyEvent", in: test.database)
        #expect(historyRows == 12, "four events each")
        await test.engine.shutdown()

        var batches: [Pruning.Batch] = []
        repeat {
            batches.append(try await test.database.write { db in try Pruning.closedExecutions(endedBefore: 1e12, rowBudget: 3, in: db) })
        } while batches.last?.moreRemain == true && batches.count < 20
        #expect(batches.allSatisfy { $0.rows <= 3 }, "\(batches)")
        #expect(batches.map(\.executions).reduce(0, +) == 2)
        #expect(try Self.rowCount("execution", in: test.database) == 1)
        #expect(try Self.rowCount("historyEvent", in: test.database) == 4)
        let kept = try await test.database.read { db in try String.fetchOne(db, sql: "SELECT arn FROM execution") }
        #expect(kept == arns.last)
    }
}
