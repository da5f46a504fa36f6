import ArgumentParser
import Foundation
import JSON

/// The single-host counterpart of an Amazon AppFlow flow from S3 to S3 that projects and maps
/// fields: reads JSON records from a directory, keeps the mapped fields under their new
/// names, writes them to another directory, and reports an "AppFlow End Flow Run Report"
/// event into stepd's event spool.
@main
struct ExampleFlow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stepd-example-flow",
        abstract: "Map fields of JSON records from one directory to another and report the run to stepd.",
        discussion: """
            Every *.json file of the input directory (a JSON object, or an array of objects) is \
            written to the output directory under the same name, each record reduced to the \
            mapped fields. A record without a source field gets no destination field.

            The run ends with one EventBridge event, "AppFlow End Flow Run Report", written \
            Maildir-style into $STEPD_EVENTS_DIR (tmp/ then renamed into new/), or printed to \
            stdout when STEPD_EVENTS_DIR is not set. Exit status: 0 success, 1 the flow failed \
            (reported), 2 the report could not be written.
            """)

    @Option(help: ArgumentHelp("Directory to read *.json files from.", valueName: "dir"))
    var input: String

    @Option(help: ArgumentHelp("Directory to write the mapped files to (created when missing).", valueName: "dir"))
    var output: String

    @Option(
        name: .customLong("map"),
        help: ArgumentHelp("Keep field SOURCE, named DEST in the output. Repeat for more fields.", valueName: "source=dest"))
    var maps: [String]

    @Option(help: ArgumentHelp("The flow's name; default $STEPD_JOB_NAME, else example-flow.", valueName: "name"))
    var flowName: String?

    var fieldMappings: [FieldMapping] {
        maps.compactMap(FieldMapping.init(argument:))
    }

    func validate() throws {
        guard !maps.isEmpty else { throw ValidationError("Give at least one --map SOURCE=DEST.") }
        for map in maps where FieldMapping(argument: map) == nil {
            throw ValidationError("'--map \(map)' is not of the form SOURCE=DEST with both names non-empty.")
        }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let startTime = Date()
        let flow = FlowRun(inputDirectory: input, outputDirectory: output, mappings: fieldMappings)
        let outcome = flow.run()
        let report = RunReport(
            flowName: flowName ?? environment["STEPD_JOB_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? "example-flow",
            executionId: environment["STEPD_JOB_ID"].flatMap { $0.isEmpty ? nil : $0 } ?? UUID().uuidString.lowercased(),
            sourceObject: Self.absolute(input),
            destinationObject: Self.absolute(output),
            startTime: startTime,
            endTime: Date(),
            outcome: outcome)
        let event = report.event(id: UUID().uuidString.lowercased())

        if case .failed(let message) = outcome {
            FileHandle.standardError.write(Data("stepd-example-flow: \(message)\n".utf8))
        }
        if let eventsDirectory = environment["STEPD_EVENTS_DIR"], !eventsDirectory.isEmpty {
            do {
                let path = try EventSpool(directory: eventsDirectory).deliver(event)
                FileHandle.standardError.write(Data("stepd-example-flow: reported \(report.status) in \(path)\n".utf8))
            } catch {
                FileHandle.standardError.write(Data("stepd-example-flow: cannot report the run: \(error)\n".utf8))
                print(event.serialized())
                throw ExitCode(2)
            }
        } else {
            print(event.serialized())
        }
        if case .failed = outcome { throw ExitCode(1) }
    }
}

extension ExampleFlow {
    /// The event names directories absolutely, as AppFlow names full S3 URLs.
    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: full).standardizedFileURL.path
    }
}

/// One `--map SOURCE=DEST`.
struct FieldMapping: Equatable {
    var source: String
    var destination: String

    init?(argument: String) {
        guard let equals = argument.firstIndex(of: "=") else { return nil }
        source = String(argument[..<equals])
        destination = String(argument[argument.index(after: equals)...])
        if source.isEmpty || destination.isEmpty { return nil }
    }
}
