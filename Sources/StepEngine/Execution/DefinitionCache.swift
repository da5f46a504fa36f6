import GRDB
import StatesLanguage
import StepStore
import Synchronization

/// Parsed definitions by version id: a definition is parsed once, not at every transition.
/// Versions are immutable, so entries never go stale.
final class DefinitionCache: Sendable {
    private let entries = Mutex<[Int64: StateMachineDefinition]>([:])

    func definition(versionId: Int64, in db: Database) throws -> StateMachineDefinition {
        if let cached = entries.withLock({ $0[versionId] }) { return cached }
        guard let version = try StateMachineVersionRecord.find(db, key: versionId) else {
            throw StatesError(name: StatesError.runtime, cause: "the definition version \(versionId) is missing")
        }
        let definition = try StateMachineDefinition(text: version.definition)
        entries.withLock { $0[versionId] = definition }
        return definition
    }

    /// After a rolled-back commit: an entry may describe a version row that was never committed.
    func invalidate() {
        entries.withLock { $0.removeAll() }
    }
}
