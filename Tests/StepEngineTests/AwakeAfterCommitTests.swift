@testable import StepEngine
import Testing

/// How long the writer stays awake after a commit, learnt from the quiet spells it saw.
@Suite struct AwakeAfterCommitTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let quietSpells: [Int]
        let window: Int
        let why: String
        var testDescription: String { why }
    }

    /// Quiet spells and windows in microseconds.
    static let cases: [Case] = [
        Case(quietSpells: [], window: 0, why: "a writer that has seen nothing yet sleeps at once"),
        Case(quietSpells: [30], window: 50, why: "woken soon after it slept: the first window"),
        Case(quietSpells: [30, 40], window: 50, why: "work that came within the window keeps it"),
        Case(quietSpells: [30, 80], window: 100, why: "woken after the window but soon: it doubles"),
        Case(quietSpells: [30, 80, 150, 190], window: 200, why: "it grows to the longest and stays there"),
        Case(quietSpells: [30, 80, 150, 200, 200], window: 200, why: "never beyond the longest"),
        Case(quietSpells: [1_000], window: 0, why: "a long quiet spell teaches nothing to a writer that does not stay awake"),
        Case(quietSpells: [30, 80, 150, 1_000], window: 100, why: "a spell longer than the longest window halves it"),
        Case(quietSpells: [30, 80, 150, 1_000, 5_000], window: 50, why: "halved again"),
        Case(quietSpells: [30, 80, 150, 1_000, 5_000, 60_000_000], window: 0, why: "below the first window it stops staying awake"),
        Case(quietSpells: [30, 1_000, 30], window: 50, why: "after stopping, a quick wake-up starts again at the first window"),
    ]

    @Test(arguments: cases)
    func windowAfterQuietSpells(_ test: Case) {
        var awake = AwakeAfterCommit()
        for spell in test.quietSpells { awake.learn(quiet: .microseconds(spell)) }
        #expect(awake.window == .microseconds(test.window))
    }
}
