import Foundation
import Logging
import StatesLanguage
import Synchronization
import TestSupport
import Testing

/// Crash consistency of the store (issue #15, item 7): at a random sync the power goes, what
/// was written since each file's last sync is lost or torn (Tests/SQLiteCrashTestVFS), and the
/// files are reopened as stepd opens them: `PRAGMA integrity_check` says ok and every commit
/// acknowledged before the cut is there. Many seeds; each failing one is printed with the
/// command that replays it.
///
/// Each test runs its seeds in a process of its own (this test executable again, on
/// `CrashSeedChild` alone), whose default VFS is the crash VFS: the log write buffer, installed
/// once per process over whatever is then the default, must wrap it, as it wraps the unix VFS
/// in stepd. With `logWriteBuffer: false` the writer's commits go to the crash VFS as SQLite
/// writes them. (Not an exit test: swift-testing's exit-test monitor waits for any child of the
/// process, and spins for ever on a child another test has not reaped yet.)
///
/// `STEPD_CRASH_SEEDS=N`: seeds per test (`make test-crash-consistency SEEDS=N`);
/// `STEPD_CRASH_SEED=0x...`: that seed only, with what its cut did.
///
/// 200 seeds a run by default (70 a store test, 30 an engine test: an engine seed costs about
/// three store seeds), fresh ones each run. One test at a time: each keeps a core busy for
/// seconds, beside the rest of `swift test`.
@Suite(.serialized) struct CrashConsistencyTests {
    @Test(arguments: [true, false])
    func storeCommitsSurviveTheCut(logWriteBuffer: Bool) async throws {
        try await runInChild(StoreWorkload.name, logWriteBuffer: logWriteBuffer, seeds: 70)
    }

    @Test(arguments: [true, false])
    func engineExecutionsSurviveTheCut(logWriteBuffer: Bool) async throws {
        try await runInChild(EngineWorkload.name, logWriteBuffer: logWriteBuffer, seeds: 30)
    }

    private func runInChild(_ workload: String, logWriteBuffer: Bool, seeds defaultCount: Int) async throws {
        let environment = ProcessInfo.processInfo.environment
        let replayed = environment["STEPD_CRASH_SEED"].flatMap(Seed.parse)
        let count = environment["STEPD_CRASH_SEEDS"].flatMap { Int($0) }.map { max(1, $0) } ?? defaultCount
        var generator = SystemRandomNumberGenerator()
        let run = CrashRun(
            workload: workload, logWriteBuffer: logWriteBuffer, firstSeed: replayed ?? generator.next(), count: replayed == nil ? count : 1)
        // Generous: a seed takes a tenth of a second or so.
        let child = try await bounded(seconds: 120 + Double(run.count) * 3, "\(run.count) crash seeds (\(workload))") {
            try await CrashRun.runChild(run)
        }
        let lines = child.output.split(separator: "\n").filter { $0.hasPrefix(CrashSeedRunner.prefix) || $0.hasPrefix("  ") }
        if child.status != 0 || child.output.contains(CrashSeedRunner.failed) {
            let told = lines.isEmpty ? child.output.split(separator: "\n").suffix(40) : lines[...]
            Issue.record(Comment(rawValue: "the crash run's process exited with \(child.status):\n" + told.joined(separator: "\n")))
        } else if replayed != nil || environment["STEPD_CRASH_SEEDS"] != nil {
            print(lines.joined(separator: "\n"))
        }
    }
}

/// The crash runs' own process: skipped unless a crash-consistency test started this
/// executable for it, with `STEPD_CRASH_RUN` saying which seeds to run.
@Suite struct CrashSeedChild {
    @Test(.enabled(if: CrashRun.inThisProcess != nil, "runs in the process a crash-consistency test starts"))
    func runSeeds() async throws {
        let run = try #require(CrashRun.inThisProcess)
        let failures = await CrashSeedRunner.run(run.workload, logWriteBuffer: run.logWriteBuffer, seeds: run.seeds)
        #expect(failures == 0, "\(failures) seeds failed")
    }
}

/// Which seeds a child process runs: `STEPD_CRASH_RUN=workload,buffer,first seed,count`. The
/// seeds after the first are drawn from it, so that a long run needs no long environment.
struct CrashRun: Sendable {
    let workload: String
    let logWriteBuffer: Bool
    let firstSeed: UInt64
    let count: Int

    var seeds: [UInt64] {
        var generator = SplitMix64(seed: firstSeed)
        return [firstSeed] + (1..<max(1, count)).map { _ in generator.next() }
    }

    var environmentValue: String { "\(workload),\(logWriteBuffer ? 1 : 0),\(Seed.text(firstSeed)),\(count)" }

    static let inThisProcess: CrashRun? = {
        guard let value = ProcessInfo.processInfo.environment["STEPD_CRASH_RUN"] else { return nil }
        let parts = value.split(separator: ",").map(String.init)
        guard parts.count == 4, let first = Seed.parse(parts[2]), let count = Int(parts[3]), count > 0 else { return nil }
        return CrashRun(workload: parts[0], logWriteBuffer: parts[1] == "1", firstSeed: first, count: count)
    }()

    /// Runs this test executable on `CrashSeedChild` alone, for `run`; returns its exit status
    /// and what it wrote (standard output and error together). Cancelled, kills it.
    static func runChild(_ run: CrashRun) async throws -> (status: Int32, output: String) {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--testing-library", "swift-testing", "--filter", "CrashSeedChild"]
        var environment = ProcessInfo.processInfo.environment
        environment["STEPD_CRASH_RUN"] = run.environmentValue
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let child = ChildID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                // The output is read to its end on a thread of its own (the pipe would fill),
                // then the exit waited for; the child's end of the pipe closes when it exits.
                let reading = pipe.fileHandleForReading
                let reader = Thread {
                    let output = String(decoding: reading.readDataToEndOfFile(), as: UTF8.self)
                    try? reading.close()
                    process.waitUntilExit()
                    continuation.resume(returning: (process.terminationStatus, output))
                }
                do {
                    try process.run()
                    child.pid.store(process.processIdentifier, ordering: .releasing)
                    try? pipe.fileHandleForWriting.close()
                    reader.start()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            let pid = child.pid.load(ordering: .acquiring)
            if pid > 0 { kill(pid, SIGKILL) }
        }
    }
}

/// The child's process id, for a cancellation to kill it (0 until it runs).
private final class ChildID: Sendable {
    let pid = Atomic<Int32>(0)
}

/// What each kind of run does before and after the cut.
protocol CrashWorkload {
    static var name: String { get }
    /// Where the cut may fall: the syncs from the creation of the database (its migrations)
    /// to some way into the workload.
    static var syncs: ClosedRange<Int> { get }
    init(random: inout SplitMix64)
    /// What was acknowledged, for a failing seed's line.
    var summary: String { get }
    /// Runs until the cut, noting what returned; returns once every connection is dropped.
    /// Throws only what is wrong: an error before the cut, or no cut.
    mutating func runUntilCut(path: String, logWriteBuffer: Bool) async throws
    /// Reopens the files as stepd does and checks them against what was acknowledged.
    func verify(path: String, logWriteBuffer: Bool) async throws
}

/// The seeds' loop, in the child process.
enum CrashSeedRunner {
    static let prefix = "crash-consistency"
    static let failed = "FAILED"

    /// Writes each failing seed's lines to standard error, then the run's figures; returns how
    /// many seeds failed.
    static func run(_ workload: String, logWriteBuffer: Bool, seeds: [UInt64]) async -> Int {
        do {
            try CrashVFS.makeDefault()
        } catch {
            FileHandle.standardError.write(Data("\(prefix): \(failed): \(error)\n".utf8))
            return seeds.count
        }
        // The engine's execution lines (`executionLogger`) would fill what the parent reads.
        LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
        let variant = "\(workload), \(logWriteBuffer ? "log write buffer" : "no log write buffer")"
        let began = ContinuousClock.now
        var failures = 0
        var cutFiles: [String: Int] = [:]
        for seed in seeds {
            let outcome =
                switch workload {
                case EngineWorkload.name: await run(EngineWorkload.self, seed: seed, logWriteBuffer: logWriteBuffer)
                default: await run(StoreWorkload.self, seed: seed, logWriteBuffer: logWriteBuffer)
                }
            cutFiles[outcome.cutFile, default: 0] += 1
            if !outcome.hasEnded {
                // Another run cannot begin: the rest of the seeds would only say so.
                let line = "\(prefix): seed \(Seed.text(seed)) \(failed) (\(variant)): \(outcome.failure ?? "")\n"
                FileHandle.standardError.write(Data(line.utf8))
                failures += 1
                break
            }
            if let failure = outcome.failure {
                failures += 1
                let filter = workload == EngineWorkload.name ? "engineExecutionsSurviveTheCut" : "storeCommitsSurviveTheCut"
                FileHandle.standardError.write(Data("""
                    \(prefix): seed \(Seed.text(seed)) \(failed) (\(variant)): \(failure)
                      replay: STEPD_CRASH_SEED=\(Seed.text(seed)) swift test --skip-build --filter CrashConsistencyTests.\(filter)

                    """.utf8))
            } else if seeds.count == 1 {
                FileHandle.standardError.write(Data("\(prefix): seed \(Seed.text(seed)) passed (\(variant)): \(outcome.report)\n".utf8))
            }
        }
        let seconds = (ContinuousClock.now - began) / .seconds(1)
        let cuts = cutFiles.sorted { $0.key < $1.key }.map { "\($0.value) in \($0.key)" }.joined(separator: ", ")
        FileHandle.standardError.write(Data("""
            \(prefix) (\(variant)): \(seeds.count) seeds, \(failures) failed, \(String(format: "%.1f", seconds)) s; cuts: \(cuts)

            """.utf8))
        return failures
    }

    /// Memory when the machine has a tmpfs there: nothing of the real disk is tested (the crash
    /// VFS holds the simulated one), and making files on a busy ext4 cost a tenth of a run.
    static let scratchFolder = FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm" : FileManager.default.temporaryDirectory.path

    struct Outcome {
        var failure: String?
        var report = ""
        /// The file whose sync was the cut ("none" without one).
        var cutFile = "none"
        /// False when the run could not end (a handle of its files stayed open).
        var hasEnded = true
    }

    /// One seed: a fresh folder, the workload until the cut, the simulated disk written back,
    /// the index file removed or left, and the reopen.
    static func run<Workload: CrashWorkload>(_: Workload.Type, seed: UInt64, logWriteBuffer: Bool) async -> Outcome {
        var scenario = CrashScenario(seed: seed, syncs: Workload.syncs)
        var workload = Workload(random: &scenario.random)
        var outcome = Outcome()
        let folder = scratchFolder + "/stepd-crash-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/db.sqlite"
        var stage = "before the cut"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try CrashVFS.begin(folder: folder, cutAtSync: scenario.cutAtSync, seed: scenario.vfsSeed, writeback: scenario.writeback)
            var failure: (any Error)?
            do {
                try await workload.runUntilCut(path: path, logWriteBuffer: logWriteBuffer)
            } catch {
                failure = error
            }
            // The run ends even when the workload failed, for the next seed to begin.
            outcome.hasEnded = false
            outcome.report = try CrashVFS.finish()
            outcome.hasEnded = true
            if outcome.report.hasPrefix("cut at sync") {
                outcome.cutFile = outcome.report.split(separator: ",").first.flatMap { $0.split(separator: " ").last }.map(String.init) ?? "?"
            }
            if let failure { throw failure }
            if scenario.removesIndex { try? FileManager.default.removeItem(atPath: path + "-shm") }
            stage = "after the reopen"
            try await workload.verify(path: path, logWriteBuffer: logWriteBuffer)
        } catch {
            outcome.failure = "\(stage): \(error)\n  \(scenario); \(workload.summary)\n  \(outcome.report)"
        }
        return outcome
    }
}
