import Foundation
import JSON
import Testing

/// The mission's first promise: a daemon with nothing to do does not wake up. One stray use
/// of libdispatch's global queues (its pool monitor ticks every second for good), a poll or
/// a keep-alive timer would show here as context switches.
@Suite("the idle stepd")
struct IdleTests {
    /// Voluntary plus involuntary context switches of each of `pid`'s threads.
    private func contextSwitches(pid: Int32) throws -> [String: Int] {
        var switches: [String: Int] = [:]
        for task in try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/status", encoding: .utf8) else { continue }
            switches[task] = status.split(separator: "\n").reduce(0) { total, line in
                guard line.hasPrefix("voluntary_ctxt_switches:") || line.hasPrefix("nonvoluntary_ctxt_switches:"),
                    let value = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) })
                else { return total }
                return total + value
            }
        }
        return switches
    }

    @Test("after work, with an execution parked on a token and a timer armed, no thread of stepd wakes up in 3 s")
    func idleDaemonDoesNotWake() async throws {
        try await withStepd { stepd in
            try await stepd.createTable("Tokens")
            let parking = #"{"StartAt":"Park","States":{"Park":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:putItem.waitForTaskToken","Parameters":{"TableName":"Tokens","Item":{"Id":{"S":"a"},"Token":{"S.$":"$$.Task.Token"}}},"End":true}}}"#
            let waiting = #"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}"#
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", ["name": "park", "definition": .string(parking)])
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", ["name": "wait", "definition": .string(waiting)])
            _ = try await stepd.startExecution("park")
            _ = try await stepd.startExecution("wait")
            _ = try await stepd.call("Stepd.WaitUntilIdle", [:])
            let pid = try #require(stepd.pid)

            // The requests' own threads settle first (a reply in flight, a closing connection).
            try await Task.sleep(for: .seconds(1))
            let before = try contextSwitches(pid: pid)
            let names = Dictionary(uniqueKeysWithValues: before.keys.map { task in
                (task, (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?")
            })
            try await Task.sleep(for: .seconds(3))
            let after = try contextSwitches(pid: pid)
            // A thread that lived through the window and was switched in woke up. One that ended
            // in it (a worker of a pool retiring after the work, once) is not a recurring wakeup.
            let woke = after.filter { task, count in before[task].map { count != $0 } ?? true }
            let ended = before.keys.filter { after[$0] == nil }
            #expect(woke.isEmpty, "threads that woke: \(woke.map { "\($0.key) +\($0.value - (before[$0.key] ?? 0))" }), ended: \(ended.map { "\($0) \(names[$0] ?? "?")" })")
        }
    }
}
