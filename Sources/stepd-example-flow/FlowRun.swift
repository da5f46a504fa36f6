import Foundation
import JSON

/// How a flow run ended.
enum FlowOutcome: Equatable {
    case succeeded(records: Int, bytesProcessed: Int)
    /// `message` names the file and the reason.
    case failed(message: String)
}

/// Reads, maps and writes the records. All input files are read and checked before any
/// output is written, so a bad file leaves the output directory untouched.
struct FlowRun {
    var inputDirectory: String
    var outputDirectory: String
    var mappings: [FieldMapping]

    private struct InputFile {
        var name: String
        /// An object in, an object out; an array in, an array out.
        var isArray: Bool
        var records: [[String: JSONValue]]
    }

    private struct Failure: Error { var message: String }

    func run() -> FlowOutcome {
        do {
            let (files, bytes) = try readInputs()
            let outputs = files.map { file in
                let mapped = file.records.map { JSONValue.object(map($0)) }
                return (file.name, file.isArray ? JSONValue.array(mapped) : mapped.first ?? .object([:]))
            }
            try prepareOutputDirectory()
            for (name, value) in outputs {
                try write(value, to: name)
            }
            return .succeeded(records: files.reduce(0) { $0 + $1.records.count }, bytesProcessed: bytes)
        } catch {
            return .failed(message: error.message)
        }
    }

    /// A record reduced to the mapped fields, renamed. A source field the record lacks is
    /// left out of the result (no null is invented).
    func map(_ record: [String: JSONValue]) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for mapping in mappings {
            if let value = record[mapping.source] { result[mapping.destination] = value }
        }
        return result
    }

    private func readInputs() throws(Failure) -> ([InputFile], Int) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: inputDirectory, isDirectory: &isDirectory) else {
            throw Failure(message: "input directory '\(inputDirectory)' does not exist")
        }
        guard isDirectory.boolValue else { throw Failure(message: "input '\(inputDirectory)' is not a directory") }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: inputDirectory)
                .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
                .sorted()
        } catch {
            throw Failure(message: "cannot list input directory '\(inputDirectory)': \(error.localizedDescription)")
        }
        var files: [InputFile] = []
        var bytes = 0
        for name in names {
            let path = inputDirectory + "/" + name
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw Failure(message: "input file '\(path)': cannot be read: \(error.localizedDescription)")
            }
            bytes += data.count
            let value: JSONValue
            do {
                value = try JSONValue(parsing: data)
            } catch {
                throw Failure(message: "input file '\(path)': \(error.message)")
            }
            switch value {
            case .object(let record):
                files.append(InputFile(name: name, isArray: false, records: [record]))
            case .array(let elements):
                var records: [[String: JSONValue]] = []
                for (index, element) in elements.enumerated() {
                    guard case .object(let record) = element else {
                        throw Failure(message: "input file '\(path)': element \(index) is \(article(element.typeName)), not an object")
                    }
                    records.append(record)
                }
                files.append(InputFile(name: name, isArray: true, records: records))
            default:
                throw Failure(message: "input file '\(path)': the JSON value is \(article(value.typeName)), not an object or an array of objects")
            }
        }
        return (files, bytes)
    }

    private func article(_ typeName: String) -> String {
        ["a", "e", "i", "o", "u"].contains(typeName.prefix(1)) ? "an \(typeName)" : "a \(typeName)"
    }

    private func prepareOutputDirectory() throws(Failure) {
        do {
            try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw Failure(message: "output directory '\(outputDirectory)' cannot be created: \(error.localizedDescription)")
        }
    }

    /// Written to a temporary file in the output directory, then renamed over the final name,
    /// so a reader never sees half a file.
    private func write(_ value: JSONValue, to name: String) throws(Failure) {
        let finalPath = outputDirectory + "/" + name
        let temporaryPath = outputDirectory + "/." + name + ".tmp-" + UUID().uuidString
        do {
            try Data((value.serialized() + "\n").utf8).write(to: URL(fileURLWithPath: temporaryPath))
        } catch {
            throw Failure(message: "output directory '\(outputDirectory)' is not writable: \(error.localizedDescription)")
        }
        guard rename(temporaryPath, finalPath) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw Failure(message: "output file '\(finalPath)' cannot be written: \(reason)")
        }
    }
}
