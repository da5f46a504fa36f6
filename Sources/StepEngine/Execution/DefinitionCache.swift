import GRDB
import StatesLanguage
import StepStore
import Synchronization

/// Parsed definitions by version id: a definition is parsed once, not at every transition.
/// Versions are immutable, so entries never go stale.
///
/// Bounded by the size of the definitions' text: past `maximumBytes` it starts over empty.
/// Definitions in use are parsed again once; an update or a version left behind by its
/// executions does not stay in memory for good.
final class DefinitionCache: Sendable {
    private struct Entries {
        var definitions: [Int64: StateMachineDefinition] = [:]
        var bytes = 0
    }

    private let entries = Mutex(Entries())
    let maximumBytes: Int

    /// 64 MiB of definition text: 64 of the largest definitions AWS accepts.
    init(maximumBytes: Int = 64 << 20) {
        self.maximumBytes = maximumBytes
    }

    func definition(versionId: Int64, in db: Database) throws -> StateMachineDefinition {
        if let cached = entries.withLock({ $0.definitions[versionId] }) { return cached }
        guard let version = try StateMachineVersionRecord.find(db, key: versionId) else {
            throw StatesError(name: StatesError.runtime, cause: "the definition version \(versionId) is missing")
        }
        let definition = try StateMachineDefinition(text: version.definition)
        let size = version.definition.utf8.count
        entries.withLock { entries in
            if entries.bytes + size > maximumBytes { entries = Entries() }
            entries.definitions[versionId] = definition
            entries.bytes += size
        }
        return definition
    }

    /// How many definitions are held.
    var count: Int { entries.withLock { $0.definitions.count } }

    /// After a rolled-back commit: an entry may describe a version row that was never committed.
    func invalidate() {
        entries.withLock { $0 = Entries() }
    }
}
