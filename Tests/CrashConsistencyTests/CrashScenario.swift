import Foundation
import StatesLanguage

/// Every choice of a seed's run is drawn from a SplitMix64 (StatesLanguage's, as
/// `States.MathRandom` draws with a seed), so that the seed replays the run (as far as threads
/// let it: the engine's background checkpointer syncs when its thread runs).
extension SplitMix64 {
    /// True with probability `percent` in 100.
    mutating func chance(_ percent: Int) -> Bool {
        Int.random(in: 0..<100, using: &self) < percent
    }
}

/// What a seed decides about the power cut; the workload draws the rest from `random`.
struct CrashScenario: CustomStringConvertible {
    let seed: UInt64
    /// The sync of the run's files (from the first, during the database's creation) at which
    /// the power goes.
    let cutAtSync: Int
    let writeback: CrashWriteback
    /// The `-shm` index after the cut: removed, or left as the dead process left it.
    let removesIndex: Bool
    /// The seed of the VFS's own draws (what of each write in flight reaches the disk).
    let vfsSeed: UInt64
    var random: SplitMix64

    init(seed: UInt64, syncs: ClosedRange<Int>) {
        self.seed = seed
        var random = SplitMix64(seed: seed)
        cutAtSync = Int.random(in: syncs, using: &random)
        writeback = CrashWriteback.allCases.randomElement(using: &random) ?? .lost
        removesIndex = random.chance(50)
        vfsSeed = random.next()
        self.random = random
    }

    var description: String {
        "cut at sync \(cutAtSync), writeback \(writeback), index file \(removesIndex ? "removed" : "left")"
    }
}

/// Seeds as the tests print them, and as `STEPD_CRASH_SEED` takes them.
enum Seed {
    static func text(_ seed: UInt64) -> String {
        "0x" + String(seed, radix: 16)
    }

    static func parse(_ text: String) -> UInt64? {
        text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
    }
}
