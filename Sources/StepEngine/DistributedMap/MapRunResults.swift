import Foundation
import GRDB
import JSON
import StatesLanguage
import StepStore

/// What a map run whose children have all ended gives its Map state: the children's results
/// in item order, or, when its `ResultWriter` exports them, the files it writes (AWS's
/// layout: `<Prefix>/<run id>/SUCCEEDED_0.json`, `FAILED_0.json`, and `manifest.json`
/// naming them) and where the manifest is. The files are written a page of children per
/// commit (`writePage`), so that a run of any size holds the writer no longer than a page;
/// how far it got is kept on the run's row, and the files stay under temporary names until
/// the last page renames them.
struct MapRunResults {
    let db: Database
    let runId: Int64

    static let pageSize = 1_000
    /// Children whose results one commit writes.
    static let childrenWrittenPerCommit = 2_000
    /// A results file past this size is continued in the next (`SUCCEEDED_1.json`...).
    static let maximumFileBytes = 5 << 30

    /// The state's result when the run writes nothing (`resultValue`), or, writing, nil while
    /// pages remain and the manifest's location once the last is written. `run`'s progress is
    /// updated; the caller writes its row.
    func result(of run: inout MapRunRecord, writer: ResultWriter?, buckets: BucketFolder?) throws(StatesError) -> JSONValue? {
        let transformation = writer?.transformation ?? .compact
        guard let destinationText = run.resultWriter, case .object(let destination)? = try? JSONValue(parsing: destinationText),
            let bucket = destination["Bucket"]?.stringValue
        else {
            return try resultValue(of: run, transformation: transformation)
        }
        guard let buckets else {
            throw StatesError(name: StatesError.resultWriterFailed, cause: "stepd was started without a buckets folder, so a ResultWriter has nowhere to write")
        }
        let prefix = destination["Prefix"]?.stringValue ?? ""
        let runFolder = (prefix.isEmpty ? "" : prefix.hasSuffix("/") ? prefix : prefix + "/") + (run.arn.split(separator: ":").last.map(String.init) ?? "")
        var progress = ResultsProgress()
        if let text = run.resultsProgress {
            do { progress = try JSONDecoder().decode(ResultsProgress.self, from: Data(text.utf8)) } catch {
                throw StatesError.runtime("The stored progress of the results of \(run.arn) cannot be read: \(error)")
            }
        }
        var files = ResultFiles(buckets: buckets, bucket: bucket, folder: runFolder, outputType: writer?.outputType ?? .json, progress: progress)
        var written = 0
        var isLastPage = false
        do throws(StatesError) {
            while written < Self.childrenWrittenPerCommit {
                let page = try children(of: run, after: files.progress.after)
                for (position, child) in page {
                    let status = child.status == .succeeded ? "SUCCEEDED" : "FAILED"
                    for entry in try entries(of: child, transformation: transformation, label: run.label) {
                        try files.append(entry, status: status)
                    }
                    files.progress.after = position
                }
                written += page.count
                if page.count < Self.pageSize {
                    isLastPage = true
                    break
                }
            }
            if isLastPage { try files.finish() } else { try files.pause() }
        } catch {
            files.close()
            throw error
        }
        do { run.resultsProgress = String(decoding: try JSONEncoder().encode(files.progress), as: UTF8.self) } catch {
            throw StatesError.runtime("The progress of the results of \(run.arn) cannot be kept: \(error)")
        }
        guard isLastPage else { return nil }
        let manifestKey = runFolder + "/manifest.json"
        let manifest: JSONValue = [
            "DestinationBucket": .string(bucket),
            "MapRunArn": .string(run.arn),
            "ResultFiles": .object(files.progress.listed.mapValues { .array($0.map { ["Key": .string($0.key), "Size": .number(Double($0.size))] }) }),
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
    private func resultValue(of run: MapRunRecord, transformation: ResultWriter.Transformation) throws(StatesError) -> JSONValue {
        var values: [JSONValue] = []
        var bytes = 2
        var after: Int64 = -1
        while true {
            let page = try children(of: run, after: after)
            for (position, child) in page {
                after = position
                for entry in try entries(of: child, transformation: transformation, label: run.label) {
                bytes += entry.serialized().utf8.count + (values.isEmpty ? 0 : 1)
                guard bytes <= Limits.maximumPayloadBytes else {
                    throw StatesError.dataLimitExceeded(
                        "The results of the map run of state '\(run.stateName)' are more than \(Limits.maximumPayloadBytes) bytes; a ResultWriter can write them to a bucket instead")
                }
                    values.append(entry)
                }
            }
            if page.count < Self.pageSize { return .array(values) }
        }
    }

    /// A page of the run's children after position `after`, in item order.
    private func children(of run: MapRunRecord, after: Int64) throws(StatesError) -> [(position: Int64, execution: ExecutionRecord)] {
        do { return try MapRunRecord.children(of: runId, afterPosition: after, limit: Self.pageSize, in: db) } catch {
            throw StatesError.runtime("The children of map run \(run.arn) cannot be read: \(error)")
        }
    }

    /// What one child contributes: its output (COMPACT), its output's elements when that is an
    /// array (FLATTEN), or its record (NONE, and always for a child that did not succeed).
    private func entries(of child: ExecutionRecord, transformation: ResultWriter.Transformation, label: String) throws(StatesError) -> [JSONValue] {
        guard child.status == .succeeded, transformation != .none else { return [record(of: child, label: label)] }
        let output: JSONValue
        do { output = try JSONValue(parsing: child.output ?? "null") } catch {
            throw StatesError.runtime("The stored output of \(child.arn) is not JSON: \(error)")
        }
        if transformation == .flatten, case .array(let elements) = output { return elements }
        return [output]
    }

    /// A child as AWS's results files show it (DescribeExecution's members, dates as text).
    private func record(of child: ExecutionRecord, label: String) -> JSONValue {
        var members: [String: JSONValue] = [
            "ExecutionArn": .string(child.arn),
            "Name": .string(child.name),
            "StateMachineArn": .string(LocalARN.labelledStateMachine(child.stateMachineName, label: label)),
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

/// How far a map run's results are written: the last child written, the files done (by
/// status, for the manifest), and those being written, each with its size and entries so far.
struct ResultsProgress: Codable {
    struct File: Codable {
        var key: String
        var size: Int
        var entries: Int
    }

    var after: Int64 = -1
    /// Every status AWS lists in the manifest, empty or not.
    var listed: [String: [File]] = ["SUCCEEDED": [], "FAILED": [], "PENDING": []]
    var open: [String: File] = [:]
}

/// The results files of one map run, by status, each continued in a new file past
/// `MapRunResults.maximumFileBytes`; those begun in an earlier commit are written on.
private struct ResultFiles {
    let buckets: BucketFolder
    let bucket: String
    let folder: String
    let outputType: ResultWriter.OutputType
    var progress: ResultsProgress
    private var writers: [String: BucketFolder.ObjectWriter] = [:]

    init(buckets: BucketFolder, bucket: String, folder: String, outputType: ResultWriter.OutputType, progress: ResultsProgress) {
        self.buckets = buckets
        self.bucket = bucket
        self.folder = folder
        self.outputType = outputType
        self.progress = progress
    }

    mutating func append(_ entry: JSONValue, status: String) throws(StatesError) {
        if let file = progress.open[status], file.size >= MapRunResults.maximumFileBytes { try close(status) }
        var file: ResultsProgress.File
        var writer: BucketFolder.ObjectWriter
        if let open = progress.open[status] {
            file = open
            if let current = writers[status] { writer = current } else { writer = try buckets.reopen(bucket: bucket, key: open.key, size: open.size) }
        } else {
            let index = progress.listed[status, default: []].count
            file = ResultsProgress.File(key: "\(folder)/\(status)_\(index).json", size: 0, entries: 0)
            writer = try buckets.create(bucket: bucket, key: file.key)
        }
        writers[status] = writer
        let text = entry.serialized()
        switch outputType {
        case .json: try writer.append((file.entries == 0 ? "[" : ",") + text)
        case .jsonLines: try writer.append(text + "\n")
        }
        file.size = writer.size
        file.entries += 1
        writers[status] = writer
        progress.open[status] = file
    }

    /// Ends the file being written for `status`: whole, renamed into place, listed.
    private mutating func close(_ status: String) throws(StatesError) {
        guard let file = progress.open[status] else { return }
        var writer: BucketFolder.ObjectWriter
        if let current = writers.removeValue(forKey: status) { writer = current } else {
            writer = try buckets.reopen(bucket: bucket, key: file.key, size: file.size)
        }
        if outputType == .json { try writer.append("]") }
        try writer.commit()
        progress.open[status] = nil
        progress.listed[status, default: []].append(ResultsProgress.File(key: file.key, size: writer.size, entries: file.entries))
    }

    /// The last page: every file ends.
    mutating func finish() throws(StatesError) {
        for status in progress.open.keys.sorted() { try close(status) }
    }

    /// A page that is not the last: what was written is made durable before the commit that
    /// records its size.
    mutating func pause() throws(StatesError) {
        for status in writers.keys.sorted() {
            if let writer = writers.removeValue(forKey: status) { try writer.pause() }
        }
    }

    /// After a failure: the files stay as the last commit left them.
    mutating func close() {
        for writer in writers.values { try? writer.pause() }
        writers = [:]
    }
}
