import Foundation
import JSON
import StepClient
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

// Support for the tests of stepd as a systemd service: a notify socket of the test's own
// (what systemd listens on), and stepd started with the environment systemd would give it.

/// An AF_UNIX datagram socket standing in for systemd's NOTIFY_SOCKET: every message stepd
/// sends (`READY=1`, `STATUS=...`, `WATCHDOG=1`) is collected in arrival order.
final class NotifyListener: Sendable {
    let path: String
    let messages = Observed<[String]>([])
    private let descriptor: Int32
    private let stopRequested = Atomic<Bool>(false)
    private let stopped = Observed(false)

    init(path: String) throws {
        self.path = path
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw HarnessError("notify socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw HarnessError("bind \(path): \(reason)")
        }
        descriptor = fd
        DispatchQueue.global().async { [self] in receive() }
    }

    /// Reads datagrams until ``stop()``; poll's timeout only bounds how late the stop is seen.
    private func receive() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !stopRequested.load(ordering: .relaxed) {
            var pending = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&pending, 1, 100) > 0 else { continue }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0 {
                let message = String(decoding: buffer[0..<count], as: UTF8.self)
                messages.update { $0.append(message) }
            }
        }
        close(descriptor)
        unlink(path)
        stopped.update { $0 = true }
    }

    func stop() async {
        stopRequested.store(true, ordering: .relaxed)
        _ = await stopped.wait(seconds: 5) { $0 }
    }

    /// Waits (bounded) until the messages received satisfy `predicate`; throws with what came.
    func wait(seconds: Double = 30, for what: String, until predicate: @escaping @Sendable ([String]) -> Bool) async throws {
        guard await messages.wait(seconds: seconds, until: predicate) else {
            throw HarnessError("no \(what) within \(seconds) s; the notify socket got: \(Self.summary(messages.value))")
        }
    }

    /// The messages with the watchdog pings counted rather than listed.
    static func summary(_ messages: [String]) -> String {
        let pings = messages.filter { $0 == "WATCHDOG=1" }.count
        return "\(messages.filter { $0 != "WATCHDOG=1" }) and \(pings) WATCHDOG=1"
    }
}

/// Runs `body` with a notify socket at `path`, closed afterwards whatever happens.
func withNotifyListener<T>(path: String, _ body: (NotifyListener) async throws -> T) async throws -> T {
    let listener = try NotifyListener(path: path)
    do {
        let result = try await body(listener)
        await listener.stop()
        return result
    } catch {
        await listener.stop()
        throw error
    }
}

/// Index of the first message at or after `start` that satisfies `predicate`.
func firstIndex(in messages: [String], from start: Int = 0, where predicate: (String) -> Bool) -> Int? {
    guard start < messages.count else { return nil }
    return messages[start...].firstIndex(where: predicate)
}

/// The fields of one notify message: `READY=1\nSTATUS=...` as ["READY": "1", "STATUS": "..."].
func notifyFields(_ message: String) -> [String: String] {
    var fields: [String: String] = [:]
    for line in message.split(separator: "\n") {
        guard let equals = line.firstIndex(of: "=") else { continue }
        fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
    }
    return fields
}

/// A temporary folder `/tmp/stepd-sd-XXXXXX` for one test, removed afterwards.
func withTemporaryRoot<T>(_ body: (String) async throws -> T) async throws -> T {
    var template = Array("/tmp/stepd-sd-XXXXXX".utf8CString)
    let root: String = try template.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress, mkdtemp(base) != nil else {
            throw HarnessError("mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        return String(cString: base)
    }
    defer { try? FileManager.default.removeItem(atPath: root) }
    return try await body(root)
}

/// stepd (or a launcher that execs it) as a child process, stopped for certain at the end.
struct LaunchedStepd: Sendable {
    let process: ChildProcess
    let client: StepClient

    /// Starts `executable arguments` with the test's environment less anything systemd-ish,
    /// plus `environment`.
    static func start(
        executable: String, arguments: [String], socketPath: String, environment extra: [String: String] = [:]
    ) throws -> LaunchedStepd {
        var environment = ProcessInfo.processInfo.environment
        for name in ["STEPD_SOCKET", "NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "WATCHDOG_USEC", "WATCHDOG_PID"] {
            environment[name] = nil
        }
        environment.merge(extra) { _, new in new }
        let process = try ChildProcess(executable: executable, arguments: arguments, environment: environment)
        return LaunchedStepd(process: process, client: StepClient(socketPath: socketPath))
    }

    /// One API call, bounded.
    func call(_ target: String, _ body: JSONValue, seconds: Double = 60) async throws -> JSONValue {
        let client = self.client
        return try await bounded(seconds: seconds, target) { try await client.call(target, body) }
    }

    /// SIGTERM and wait for the exit (bounded); SIGKILL if it does not come. Returns the status.
    @discardableResult
    func stop() async -> Int32? {
        process.signal(SIGTERM)
        if await process.waitForExit(seconds: 20) { return process.observed.value.exitStatus }
        process.signal(SIGKILL)
        _ = await process.waitForExit(seconds: 10)
        return nil
    }
}

/// Runs `body` with `stepd`, stopping it whatever happens; a failure carries its log.
func withLaunchedStepd<T>(_ stepd: LaunchedStepd, _ body: () async throws -> T) async throws -> T {
    do {
        let result = try await body()
        await stepd.stop()
        return result
    } catch {
        await stepd.stop()
        throw HarnessError("\(error)\n--- stepd log ---\n\(stepd.process.output)")
    }
}

enum SystemdFixtures {
    static func passDefinition(comment: String) -> String {
        #"{"Comment": "\#(comment)", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#
    }

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
