import Foundation
import JSON
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// stepd talking to systemd through NOTIFY_SOCKET, with the test in systemd's place.
@Suite("stepd and systemd's notify socket")
struct SystemdNotifyTests {
    static func isStatusLine(_ text: String) -> Bool {
        text.wholeMatch(of: #/\d+ executions running, \d+ waiting on task tokens, \d+ jobs running, \d+ events processed/#) != nil
    }

    /// stepd under `sh`, which sets WATCHDOG_PID to its own pid and then becomes stepd: the
    /// watchdog variables name the process that must ping, as systemd's do.
    static func launch(root: String, notify: NotifyListener, watchdogMicroseconds: Int?) throws -> LaunchedStepd {
        let binaries = try Locations.binaryDirectory()
        try FileManager.default.createDirectory(atPath: root + "/conf", withIntermediateDirectories: true)
        var environment = ["NOTIFY_SOCKET": notify.path]
        if let watchdogMicroseconds { environment["WATCHDOG_USEC"] = "\(watchdogMicroseconds)" }
        return try LaunchedStepd.start(
            executable: "/bin/sh",
            arguments: [
                "-c", #"export WATCHDOG_PID=$$; exec "$0" "$@""#, binaries + "/stepd",
                "--state-dir", root + "/state", "--socket", root + "/s.sock", "--config", root + "/conf",
            ],
            socketPath: root + "/s.sock", environment: environment)
    }

    @Test("READY=1 with the figures, a live STATUS=, WATCHDOG=1 pings, RELOADING=1 then READY=1 on SIGHUP, STOPPING=1 on SIGTERM")
    func notifications() async throws {
        try await withTemporaryRoot { root in
            try await withNotifyListener(path: root + "/notify.sock") { notify in
            let stepd = try Self.launch(root: root, notify: notify, watchdogMicroseconds: 300_000)
            try await withLaunchedStepd(stepd) {
                try await notify.wait(for: "READY=1") { $0.contains { notifyFields($0)["READY"] == "1" } }
                let ready = try #require(notify.messages.value.first { notifyFields($0)["READY"] == "1" })
                #expect(notifyFields(ready)["STATUS"] == "0 executions running, 0 waiting on task tokens, 0 jobs running, 0 events processed")

                // One execution suspended on a task token, one event stored.
                _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", [
                    "name": "child", "definition": .string(SystemdFixtures.passDefinition(comment: "child")),
                ])
                let parent: JSONValue = [
                    "StartAt": "Wait",
                    "States": [
                        "Wait": [
                            "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken",
                            "Parameters": [
                                "StateMachineArn": "arn:aws:states:local:000000000000:stateMachine:child",
                                "Input": ["token.$": "$$.Task.Token"],
                            ],
                            "End": true,
                        ]
                    ],
                ]
                _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", ["name": "parent", "definition": .string(parent.serialized())])
                _ = try await stepd.call("AWSStepFunctions.StartExecution", ["stateMachineArn": "parent", "input": "{}"])
                let put = try await stepd.call("AWSEvents.PutEvents", [
                    "Entries": [["Source": "test", "DetailType": "ping", "Detail": #"{"n": 1}"#]]
                ])
                #expect(put["FailedEntryCount"] == 0)
                let settled = "STATUS=1 executions running, 1 waiting on task tokens, 0 jobs running, 1 events processed"
                try await notify.wait(for: "the settled STATUS= line") { $0.contains(settled) }

                try await notify.wait(for: "three WATCHDOG=1") { $0.filter { $0 == "WATCHDOG=1" }.count >= 3 }

                let beforeReload = notify.messages.value.count
                stepd.process.signal(SIGHUP)
                try await notify.wait(for: "RELOADING=1 then READY=1") { messages in
                    guard let reloading = firstIndex(in: messages, from: beforeReload, where: { notifyFields($0)["RELOADING"] == "1" }) else {
                        return false
                    }
                    return firstIndex(in: messages, from: reloading + 1, where: { notifyFields($0)["READY"] == "1" }) != nil
                }
                let messages = notify.messages.value
                let reloading = try #require(firstIndex(in: messages, from: beforeReload) { notifyFields($0)["RELOADING"] == "1" })
                #expect(UInt64(notifyFields(messages[reloading])["MONOTONIC_USEC"] ?? "") != nil, "\(messages[reloading])")
                let readyAgain = try #require(firstIndex(in: messages, from: reloading + 1) { notifyFields($0)["READY"] == "1" })
                #expect(notifyFields(messages[readyAgain])["STATUS"] == String(settled.dropFirst("STATUS=".count)))

                #expect(await stepd.stop() == 0)
                try await notify.wait(for: "STOPPING=1") { $0.contains("STOPPING=1") }
                for message in notify.messages.value {
                    if let status = notifyFields(message)["STATUS"] {
                        #expect(Self.isStatusLine(status), "STATUS=\(status)")
                    }
                }
            }
            }
        }
    }

    @Test("without WATCHDOG_USEC no WATCHDOG=1 is ever sent")
    func noWatchdog() async throws {
        try await withTemporaryRoot { root in
            try await withNotifyListener(path: root + "/notify.sock") { notify in
            let stepd = try Self.launch(root: root, notify: notify, watchdogMicroseconds: nil)
            try await withLaunchedStepd(stepd) {
                try await notify.wait(for: "READY=1") { $0.contains { notifyFields($0)["READY"] == "1" } }
                // A round trip through the event loops and the engine, where pings would come from.
                _ = try await stepd.call("AWSStepFunctions.ListStateMachines", [:])
                #expect(await stepd.stop() == 0)
                try await notify.wait(for: "STOPPING=1") { $0.contains("STOPPING=1") }
                #expect(!notify.messages.value.contains("WATCHDOG=1"), "\(notify.messages.value)")
                #expect(!stepd.process.output.contains("watchdog on"))
            }
            }
        }
    }
}
