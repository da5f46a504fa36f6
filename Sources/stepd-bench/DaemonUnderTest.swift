import Foundation
import JSON
import StepClient
import Synchronization

/// A private stepd on a scratch state folder: started, waited for (its `ready` line),
/// measured through /proc, stopped.
final class DaemonUnderTest: Sendable {
    let stateDirectory: String
    let socketPath: String
    let client: StepClient
    private let process: Process
    private let readyLine = Mutex<CheckedContinuation<Void, any Error>?>(nil)
    private let sawReady = Mutex(false)
    let logPath: String
    /// The commit trace (`--trace-commits`), when asked for.
    let commitTracePath: String?

    var pid: Int32 { process.processIdentifier }

    init(context: BenchContext, name: String, reuseState: Bool = false, traceCommits: Bool = false, extraArguments: [String] = []) throws {
        let folder = context.workDirectory + "/" + name
        if !reuseState { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        stateDirectory = folder + "/state"
        socketPath = folder + "/s.sock"
        logPath = folder + "/stepd.log"
        client = StepClient(socketPath: socketPath)
        process = Process()
        process.executableURL = URL(fileURLWithPath: context.binDirectory + "/stepd")
        // No configuration folder: as root the default would be /etc/stepd.
        var arguments = ["--state-dir", stateDirectory, "--socket", socketPath, "--config", folder + "/no-config", "--log-level", "notice"]
        commitTracePath = traceCommits ? folder + "/commits.jsonl" : nil
        if let commitTracePath { arguments += ["--trace-commits", commitTracePath] }
        process.arguments = arguments + extraArguments
        var environment = ProcessInfo.processInfo.environment
        environment["STEPD_SOCKET"] = socketPath
        process.environment = environment
    }

    /// Starts stepd and returns the milliseconds from the spawn to its `ready` line.
    @discardableResult
    func start() async throws -> Double {
        let pipe = Pipe()
        process.standardError = pipe
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)
        let buffer = Mutex(Data())
        // A blocking read on a thread of its own, not `readabilityHandler`, whose teardown can
        // crash libdispatch's event loop on Linux (swift-corelibs-libdispatch#949).
        let reading = pipe.fileHandleForReading
        let reader = Thread { [weak self] in
            var sawReady = false
            while true {
                let chunk = reading.availableData
                if chunk.isEmpty { break }
                log?.write(chunk)
                if sawReady { continue }
                sawReady = buffer.withLock { data -> Bool in
                    data.append(chunk)
                    return String(decoding: data, as: UTF8.self).contains(" ready")
                }
                if sawReady { self?.signalReady() }
            }
            try? reading.close()
        }
        reader.start()
        let started = monotonicMilliseconds()
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            readyLine.withLock { $0 = continuation }
            do {
                try process.run()
            } catch {
                readyLine.withLock { $0 = nil }
                continuation.resume(throwing: error)
            }
        }
        return monotonicMilliseconds() - started
    }

    private func signalReady() {
        guard sawReady.withLock({ seen in defer { seen = true }; return !seen }) else { return }
        readyLine.withLock { continuation in
            continuation?.resume()
            continuation = nil
        }
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    func call(_ target: String, _ body: JSONValue) async throws -> JSONValue {
        try await client.call(target, body)
    }

    /// Resident memory in KiB (VmRSS).
    func residentKiB() -> Int {
        ProcStatus.field("VmRSS", in: "/proc/\(pid)/status") ?? -1
    }

    /// The most it has held in memory since it started (VmHWM).
    func peakResidentKiB() -> Int {
        ProcStatus.field("VmHWM", in: "/proc/\(pid)/status") ?? -1
    }

    /// Bytes of the database file and its WAL.
    func databaseBytes() -> Int {
        let base = stateDirectory + "/stepd.sqlite"
        return [base, base + "-wal"].reduce(0) { total, path in
            total + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        }
    }
}

/// Figures from /proc.
enum ProcStatus {
    static func field(_ name: String, in path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            // "VmRSS:\t   12345 kB": the value after the colon, past tabs and spaces.
            return line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) }
        }
        return nil
    }

    /// Context switches (voluntary + involuntary) of each thread of `pid`, by thread id.
    static func contextSwitches(pid: Int32) -> [String: Int] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        var switches: [String: Int] = [:]
        for task in tasks {
            let path = "/proc/\(pid)/task/\(task)/status"
            switches[task] = (field("voluntary_ctxt_switches", in: path) ?? 0) + (field("nonvoluntary_ctxt_switches", in: path) ?? 0)
        }
        return switches
    }

    /// User + system CPU time of the process in clock ticks (fields 14 and 15 of stat).
    static func cpuTicks(pid: Int32) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return -1 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command: field 3 is at index 0, so utime (14) is at 11 and stime (15) at 12.
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return -1 }
        return user + system
    }
}
