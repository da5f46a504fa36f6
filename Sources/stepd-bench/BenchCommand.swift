import ArgumentParser
import Foundation
import JSON
import StepClient

/// `stepd-bench`: measures a real stepd (release build) row by row and prints one JSON
/// object per row on stdout. `bench/run.sh` (make bench) runs it with the peer and the
/// physical limits and prints the table.
@main
enum BenchEntry {
    static func main() async {
        // Measured as stepctl calls: see StepClient.runTasksOnEventLoops.
        StepClient.runTasksOnEventLoops()
        await BenchCommand.main()
    }
}

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stepd-bench",
        abstract: "Benchmarks stepd: resume latency, reference scenario, throughput, API latency, idle cost, scale, inline Map.")

    @Option(help: "Folder with the stepd and stepctl binaries to measure.") var binDir: String
    @Option(help: "The repository (for examples/async-job).") var repo: String
    @Option(help: "The instant-report job program (reports at once).") var instantJob: String
    @Option(help: "Scratch folder on the disk to measure.") var workDir: String
    @Option(help: "Rows to run, comma-separated: resume,reference,throughput,api,idle,scale,map,distributed-map.")
    var rows: String = "resume,reference,throughput,api,idle,scale,map,distributed-map"
    @Flag(help: "Smaller sizes, for use while working.") var quick = false

    func run() async throws {
        let sizes = quick ? BenchSizes.quick : BenchSizes.full
        let context = BenchContext(binDirectory: binDir, repository: repo, instantJob: instantJob, workDirectory: workDir, sizes: sizes)
        for row in rows.split(separator: ",").map(String.init) {
            progress("row \(row)")
            let result: JSONValue
            switch row {
            case "resume": result = try await ResumeLatencyRow(context: context).run()
            case "reference": result = try await ReferenceScenarioRow(context: context).run()
            case "throughput": result = try await ThroughputRow(context: context).run()
            case "api": result = try await APILatencyRow(context: context).run()
            case "idle": result = try await IdleCostRow(context: context).run()
            case "scale": result = try await ScaleRow(context: context).run()
            case "map": result = try await InlineMapRow(context: context).run()
            case "distributed-map": result = try await DistributedMapRow(context: context).run()
            default: throw ValidationError("unknown row '\(row)'")
            }
            FileHandle.standardOutput.write(Data((result.serialized() + "\n").utf8))
        }
    }
}

/// How big each row is.
struct BenchSizes: Sendable {
    var resumeSamples: Int
    var referenceSamples: Int
    var throughputExecutions: Int
    var throughputConcurrency: Int
    var apiSamples: Int
    var idleExecutions: Int
    var idleSeconds: Int
    var idleSettleSeconds: Int
    var scaleSizes: [Int]
    /// An inline Map's iterations write their events into the execution's history, four for
    /// an item with one Pass state: 6,000 items is about the most AWS's limit of 25,000 events
    /// allows (6,249).
    var mapItems: Int
    var mapRuns: Int
    /// The lines of the JSON Lines file a distributed Map reads (issue #16: 100,000).
    var distributedMapItems: Int

    static let full = BenchSizes(
        resumeSamples: 1000, referenceSamples: 200, throughputExecutions: 10_000, throughputConcurrency: 64,
        apiSamples: 2000, idleExecutions: 10_000, idleSeconds: 60, idleSettleSeconds: 10, scaleSizes: [10_000, 100_000, 1_000_000],
        mapItems: 6_000, mapRuns: 5, distributedMapItems: 100_000)
    static let quick = BenchSizes(
        resumeSamples: 100, referenceSamples: 30, throughputExecutions: 1000, throughputConcurrency: 32,
        apiSamples: 300, idleExecutions: 1000, idleSeconds: 10, idleSettleSeconds: 5, scaleSizes: [1000, 10_000],
        mapItems: 6_000, mapRuns: 2, distributedMapItems: 10_000)
}

struct BenchContext: Sendable {
    let binDirectory: String
    let repository: String
    let instantJob: String
    let workDirectory: String
    let sizes: BenchSizes
}

func progress(_ text: String) {
    FileHandle.standardError.write(Data("stepd-bench: \(text)\n".utf8))
}
