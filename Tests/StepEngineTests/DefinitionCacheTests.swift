import Foundation
import GRDB
import StepStore
import Testing

@testable import StepEngine

@Suite("the definition cache stays within its size")
struct DefinitionCacheTests {
    @Test func pastItsSizeTheCacheStartsOverAndStillAnswers() async throws {
        let test = try TestEngine()
        let definition = #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#
        for name in ["a", "b", "c"] { try await test.machine(name, definition) }
        let versions = try await test.database.read { db in
            try Int64.fetchAll(db, sql: "SELECT currentVersionId FROM stateMachine ORDER BY name")
        }
        try #require(versions.count == 3)
        let cache = DefinitionCache(maximumBytes: 2 * definition.utf8.count)
        try await test.database.read { db in
            _ = try cache.definition(versionId: versions[0], in: db)
            _ = try cache.definition(versionId: versions[1], in: db)
            #expect(cache.count == 2)
            let third = try cache.definition(versionId: versions[2], in: db)
            #expect(third.startAt == "P")
            #expect(cache.count == 1, "two definitions' worth: the third starts it over")
            _ = try cache.definition(versionId: versions[0], in: db)
            #expect(cache.count == 2)
        }
    }
}
