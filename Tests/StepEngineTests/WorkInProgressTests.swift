import Foundation
import Testing
import TestSupport

@testable import StepEngine

/// Which work a crash is blamed on, and how the page keeps it across a process's death.
@Suite("the work in progress, and who is to blame for a crash")
struct WorkInProgressTests {
    struct BlameCase: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let interrupted: InterruptedWork
        let running: Set<Int64>
        let expected: InterruptedWork.Suspect?
    }

    static let blameCases: [BlameCase] = [
        BlameCase(testDescription: "nothing in progress", interrupted: InterruptedWork(), running: [7], expected: nil),
        BlameCase(
            testDescription: "a committed execution being driven", interrupted: InterruptedWork(executionId: 7), running: [7],
            expected: .init(culprit: .execution(7), crashes: 1)),
        BlameCase(
            testDescription: "the same execution a second time",
            interrupted: InterruptedWork(executionId: 7, suspect: .init(culprit: .execution(7), crashes: 1)), running: [7],
            expected: .init(culprit: .execution(7), crashes: 2)),
        BlameCase(
            testDescription: "another execution than the suspect starts the count again",
            interrupted: InterruptedWork(executionId: 8, suspect: .init(culprit: .execution(7), crashes: 1)), running: [7, 8],
            expected: .init(culprit: .execution(8), crashes: 1)),
        BlameCase(
            testDescription: "a child the lost commit created: its parent", interrupted: InterruptedWork(executionId: 9, originId: 7),
            running: [7], expected: .init(culprit: .execution(7), crashes: 1)),
        BlameCase(
            testDescription: "an execution an event created: the spool file",
            interrupted: InterruptedWork(executionId: 9, spoolFile: "e.json"), running: [7],
            expected: .init(culprit: .spoolFile("e.json"), crashes: 1)),
        BlameCase(
            testDescription: "a committed execution while a spool file was in: the execution",
            interrupted: InterruptedWork(executionId: 7, spoolFile: "e.json"), running: [7],
            expected: .init(culprit: .execution(7), crashes: 1)),
        BlameCase(
            testDescription: "the same spool file a second time",
            interrupted: InterruptedWork(spoolFile: "e.json", suspect: .init(culprit: .spoolFile("e.json"), crashes: 1)), running: [],
            expected: .init(culprit: .spoolFile("e.json"), crashes: 2)),
        BlameCase(
            testDescription: "an execution an API call created, which no restart replays",
            interrupted: InterruptedWork(executionId: 9), running: [7], expected: nil),
        BlameCase(
            testDescription: "an execution that ended in the meantime", interrupted: InterruptedWork(executionId: 7),
            running: [], expected: nil),
    ]

    @Test(arguments: blameCases)
    func blame(_ testCase: BlameCase) {
        #expect(testCase.interrupted.culprit { testCase.running.contains($0) } == testCase.expected)
    }

    /// A page dropped without its work ended is what a crash leaves; the next one reads it.
    @Test func thePageTellsTheNextRunWhatWasInProgress() throws {
        let scratch = try ScratchDatabase()
        defer { scratch.remove() }
        let path = scratch.path + "-progress"
        do {
            let first = try WorkInProgress(path: path)
            #expect(first.interrupted == InterruptedWork())
            first.beginSpoolFile("événement-1.json")
            first.beginExecution(42, origin: 7)
        }
        let second = try WorkInProgress(path: path)
        #expect(second.interrupted == InterruptedWork(executionId: 42, originId: 7, spoolFile: "événement-1.json"))
        second.setSuspect(.init(culprit: .execution(42), crashes: 1))
        second.beginExecution(42, origin: nil)
        let third = try WorkInProgress(path: path)
        #expect(third.interrupted == InterruptedWork(executionId: 42, suspect: .init(culprit: .execution(42), crashes: 1)))
    }

    @Test func finishedWorkLeavesNothingBehindAndADurableCommitClearsTheSuspect() throws {
        let scratch = try ScratchDatabase()
        defer { scratch.remove() }
        let path = scratch.path + "-progress"
        do {
            let page = try WorkInProgress(path: path)
            page.setSuspect(.init(culprit: .execution(42), crashes: 1))
            page.beginExecution(42, origin: nil)
            page.endExecution()
            page.beginSpoolFile("a.json")
            page.endSpoolFile("a.json", settled: true)
            page.committed()
        }
        #expect(try WorkInProgress(path: path).interrupted == InterruptedWork())
    }

    @Test func aFailedCommitDoesNotCountAsTheSuspectsDrive() throws {
        let scratch = try ScratchDatabase()
        defer { scratch.remove() }
        let path = scratch.path + "-progress"
        do {
            let page = try WorkInProgress(path: path)
            page.setSuspect(.init(culprit: .execution(42), crashes: 1))
            page.beginExecution(42, origin: nil)
            page.endExecution()
            page.commitFailed()
            page.committed()  // a later commit, without the suspect
        }
        #expect(try WorkInProgress(path: path).interrupted.suspect == .init(culprit: .execution(42), crashes: 1))
    }

    @Test func aSuspectSpoolFileStaysUntilItIsSettled() throws {
        let scratch = try ScratchDatabase()
        defer { scratch.remove() }
        let path = scratch.path + "-progress"
        do {
            let page = try WorkInProgress(path: path)
            page.setSuspect(.init(culprit: .spoolFile("a.json"), crashes: 1))
            page.beginSpoolFile("a.json")
            page.endSpoolFile("a.json", settled: false)
        }
        #expect(try WorkInProgress(path: path).interrupted == InterruptedWork(suspect: .init(culprit: .spoolFile("a.json"), crashes: 1)))
    }

    @Test func aNameLongerThanThePageHoldsIsCutAtACharacter() throws {
        let scratch = try ScratchDatabase()
        defer { scratch.remove() }
        let path = scratch.path + "-progress"
        let long = "x" + String(repeating: "é", count: 1_000)
        do { try WorkInProgress(path: path).beginSpoolFile(long) }
        let read = try #require(try WorkInProgress(path: path).interrupted.spoolFile)
        #expect(long.hasPrefix(read))
        #expect(read.utf8.count == 1_023)
    }

    @Test func aFileOfAnotherLayoutReadsAsNothingInProgress() throws {
        let scratch = try ScratchDatabase()
        defer { scratch.remove() }
        let path = scratch.path + "-progress"
        try Data(repeating: 0xff, count: 4096).write(to: URL(fileURLWithPath: path))
        #expect(try WorkInProgress(path: path).interrupted == InterruptedWork())
    }
}
