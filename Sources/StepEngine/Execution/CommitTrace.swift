import Foundation

/// One JSON line per durable group commit, for benchmarks: when its transaction began (the
/// time its history events carry), when its work was done and COMMIT began, and when it
/// became durable, all as Unix time in seconds.
/// `make bench` reads it to measure an event's rename → its commit on the disk.
public final class CommitTrace: Sendable {
    private let file: FileHandle

    /// Appends to `path`, creating it when missing.
    public init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
        }
        file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try file.seekToEnd()
    }

    func record(began: Date, committing: Date, durable: Date, writes: Int, executions: Int) {
        let line = #"{"began":\#(began.timeIntervalSince1970),"committing":\#(committing.timeIntervalSince1970),"durable":\#(durable.timeIntervalSince1970),"writes":\#(writes),"executions":\#(executions)}"# + "\n"
        // A trace that cannot be written must not stop the engine.
        try? file.write(contentsOf: Data(line.utf8))
    }
}
