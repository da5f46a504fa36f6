import EventPatterns
import GRDB
import JSON
import StepStore
import Synchronization

/// Enabled rules with their patterns compiled and their targets, loaded once and dropped
/// whenever a transaction changes rules or targets.
final class RuleCache: Sendable {
    struct CompiledRule: Sendable {
        let name: String
        let pattern: EventPattern
        let targets: [RuleTargetRecord]
    }

    private let rules = Mutex<[CompiledRule]?>(nil)

    func enabledRules(in db: Database) throws -> [CompiledRule] {
        if let cached = rules.withLock({ $0 }) { return cached }
        let records = try RuleRecord.enabled(in: db)
        let targets = try RuleTargetRecord.byRule(in: db)
        let compiled = records.compactMap { record -> CompiledRule? in
            // Patterns were validated by PutRule; one that no longer compiles matches nothing.
            guard let pattern = try? EventPattern(text: record.eventPattern) else { return nil }
            return CompiledRule(name: record.name, pattern: pattern, targets: targets[record.name] ?? [])
        }
        rules.withLock { $0 = compiled }
        return compiled
    }

    func invalidate() {
        rules.withLock { $0 = nil }
    }
}
