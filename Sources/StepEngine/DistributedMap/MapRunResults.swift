import Foundation
import GRDB
import JSON
import StatesLanguage
import StepStore

/// What a map run whose children have all ended gives its Map state: the children's results
/// in item order, or, when its `ResultWriter` exports them, the files it writes (AWS's
/// layout: `<Prefix>/<run id>/SUCCEEDED_0.json`, `FAILED_0.json`, and `manifest.json`
/// naming them) and where the manifest is. The children are read a page at a time, so a
/// run of any size writes its files without holding them.
struct MapRunResults {
    let db: Database
    let run: MapRunRecord
    let runId: Int64

    static let pageSize = 1_000
    /// A results file past this size is continued in the next (`SUCCEEDED_1.json`...).
    static let maximumFileBytes = 5 << 30

    func result(writer: ResultWriter?, buckets: BucketFolder?) throws(StatesError) -> JSONValue {
        let transformation = writer?.transformation ?? .compact
        guard let destinationText = run.resultWriter, case .object(let destination)? = try? JSONValue(parsing: destinationText),
            let bucket = destination["Bucket"]?.stringValue
        else {
            return try resultValue(transformation: transformation)
        }
        guard let buckets else {
            throw StatesError(name: StatesError.resultWriterFailed, cause: "stepd was started without a buckets folder, so a ResultWriter has nowhere to write")
        }
        let prefix = destination["Prefix"]?.stringValue ?? ""
        let runFolder = (prefix.isEmpty ? "" : prefix.hasSuffix("/") ? prefix : prefix + "/") + (run.arn.split(separator: ":").last.map(String.init) ?? "")
        var files = ResultFiles(buckets: buckets, bucket: bucket, folder: runFolder, outputType: writer?.outputType ?? .json)
        do throws(StatesError) {
            try forEachChild { (child) throws(StatesError) in
                let status = child.status == .succeeded ? "SUCCEEDED" : "FAILED"
                for entry in try entries(of: child, transformation: transformation) {
                    try files.append(entry, status: status)
                }
            }
            try files.finish()
        } catch {
            files.abandon()
            throw error
        }
        let manifestKey = runFolder + "/manifest.json"
        let manifest: JSONValue = [
            "DestinationBucket": .string(bucket),
            "MapRunArn": .string(run.arn),
            "ResultFiles": .object(files.listed.mapValues { .array($0.map { ["Key": .string($0.key), "Size": .number(Double($0.size))] }) }),
        ]
        var manifestWriter = try buckets.create(bucket: bucket, key: manifestKey)
        do throws(StatesError) {
            try manifestWriter.append(manifest.serialized())
            try manifestWriter.commit()
        } catch {
            manifestWriter.abandon()
            throw error
        }
        return ["MapRunArn": .string(run.arn), "ResultWriterDetails": ["Bucket": .string(bucket), "Key": .string(manifestKey)]]
    }

    /// The results as the state's result, refused with States.DataLimitExceeded as soon as they
    /// pass the payload limit.
    private func resultValue(transformation: ResultWriter.Transformation) throws(StatesError) -> JSONValue {
        var values: [JSONValue] = []
        var bytes = 2
        try forEachChild { (child) throws(StatesError) in
            for entry in try entries(of: child, transformation: transformation) {
                bytes += entry.serialized().utf8.count + (values.isEmpty ? 0 : 1)
                guard bytes <= Limits.maximumPayloadBytes else {
                    throw StatesError.dataLimitExceeded(
                        "The results of the map run of state '\(run.stateName)' are more than \(Limits.maximumPayloadBytes) bytes; a ResultWriter can write them to a bucket instead")
                }
                values.append(entry)
            }
        }
        return .array(values)
    }

    private func forEachChild(_ body: (ExecutionRecord) throws(StatesError) -> Void) throws(StatesError) {
        var after: Int64 = -1
        while true {
            let page: [(position: Int64, execution: ExecutionRecord)]
            do { page = try MapRunRecord.children(of: runId, afterPosition: after, limit: Self.pageSize, in: db) } catch {
                throw StatesError.runtime("The children of map run \(run.arn) cannot be read: \(error)")
            }
            for (_, child) in page { try body(child) }
            guard let last = page.last, page.count == Self.pageSize else { return }
            after = last.position
        }
    }

    /// What one child contributes: its output (COMPACT), its output's elements when that is an
    /// array (FLATTEN), or its record (NONE, and always for a child that did not succeed).
    private func entries(of child: ExecutionRecord, transformation: ResultWriter.Transformation) throws(StatesError) -> [JSONValue] {
        guard child.status == .succeeded, transformation != .none else { return [record(of: child)] }
        let output: JSONValue
        do { output = try JSONValue(parsing: child.output ?? "null") } catch {
            throw StatesError.runtime("The stored output of \(child.arn) is not JSON: \(error)")
        }
        if transformation == .flatten, case .array(let elements) = output { return elements }
        return [output]
    }

    /// A child as AWS's results files show it (DescribeExecution's members, dates as text).
    private func record(of child: ExecutionRecord) -> JSONValue {
        var members: [String: JSONValue] = [
            "ExecutionArn": .string(child.arn),
            "Name": .string(child.name),
            "StateMachineArn": .string(LocalARN.labelledStateMachine(child.stateMachineName, label: run.label)),
            "Status": .string(child.status.rawValue),
            "StartDate": .string(RFC3339.format(Date(timeIntervalSince1970: child.startDate))),
            "Input": .string(child.input),
            "InputDetails": ["Included": true],
            "RedriveCount": 0,
            "RedriveStatus": "NOT_REDRIVABLE",
        ]
        if let stopDate = child.stopDate { members["StopDate"] = .string(RFC3339.format(Date(timeIntervalSince1970: stopDate))) }
        if child.status == .succeeded {
            members["Output"] = .string(child.output ?? "null")
            members["OutputDetails"] = ["Included": true]
            members["RedriveStatusReason"] = "Execution is SUCCEEDED and cannot be redriven"
        } else {
            members["RedriveStatusReason"] = "Execution was started by a Map Run and is redriven with its parent"
        }
        if let error = child.error { members["Error"] = .string(error) }
        if let cause = child.cause { members["Cause"] = .string(cause) }
        return .object(members)
    }
}

/// The results files of one map run, by status, each continued in a new file past
/// `MapRunResults.maximumFileBytes`.
private struct ResultFiles {
    let buckets: BucketFolder
    let bucket: String
    let folder: String
    let outputType: ResultWriter.OutputType
    private var open: [String: (writer: BucketFolder.ObjectWriter, entries: Int)] = [:]
    private var counts: [String: Int] = [:]
    /// The files written, by status, for the manifest: every status AWS lists, empty or not.
    private(set) var listed: [String: [(key: String, size: Int)]] = ["SUCCEEDED": [], "FAILED": [], "PENDING": []]

    init(buckets: BucketFolder, bucket: String, folder: String, outputType: ResultWriter.OutputType) {
        self.buckets = buckets
        self.bucket = bucket
        self.folder = folder
        self.outputType = outputType
    }

    mutating func append(_ entry: JSONValue, status: String) throws(StatesError) {
        var file: (writer: BucketFolder.ObjectWriter, entries: Int)
        if let current = open[status], current.writer.size < MapRunResults.maximumFileBytes {
            file = current
        } else {
            if open[status] != nil { try close(status) }
            let index = counts[status, default: 0]
            counts[status] = index + 1
            file = (try buckets.create(bucket: bucket, key: "\(folder)/\(status)_\(index).json"), 0)
        }
        let text = entry.serialized()
        switch outputType {
        case .json: try file.writer.append((file.entries == 0 ? "[" : ",") + text)
        case .jsonLines: try file.writer.append(text + "\n")
        }
        file.entries += 1
        open[status] = file
    }

    private mutating func close(_ status: String) throws(StatesError) {
        guard var file = open.removeValue(forKey: status) else { return }
        if outputType == .json { try file.writer.append("]") }
        try file.writer.commit()
        listed[status, default: []].append((file.writer.key, file.writer.size))
    }

    mutating func finish() throws(StatesError) {
        for status in open.keys.sorted() { try close(status) }
    }

    func abandon() {
        for file in open.values { file.writer.abandon() }
    }
}
