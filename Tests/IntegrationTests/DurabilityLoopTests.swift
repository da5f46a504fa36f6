import Foundation
import JSON
import StepClient
import Testing

/// kill -9 again and again under load (issue #15): clients start the async-job example's
/// workflow; each parks on a task token until its job, a child process, reports through the
/// spool; stepd is killed at a random moment and started again, `STEPD_DURABILITY_CYCLES`
/// times (20 in `make test`; `make test-durability CYCLES=1000`). Afterwards every answered
/// start ran exactly once (to SUCCEEDED, or FAILED for a job whose spawn a kill cut short)
/// with a contiguous history, no job was started twice,
/// each workflow started one child, and a second SendTaskSuccess for a used token is refused.
@Suite("kill -9 loop under load against the real stepd")
struct DurabilityLoopTests {
    static var cycles: Int { Int(ProcessInfo.processInfo.environment["STEPD_DURABILITY_CYCLES"] ?? "") ?? 20 }

    @Test("every answered start runs exactly once across kill -9 cycles", arguments: StepdMode.allCases)
    func killLoop(mode: StepdMode) async throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["STEPD_DURABILITY_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64.max)
        var random = SplitMix64(seed: seed)
        try await withStepd(mode: mode) { stepd in
            try await stepd.applyExample()
            let started = stepd.root + "/jobs-started.log"
            try await stepd.putJob(["/bin/sh", "-c", Self.reportingJob], environment: ["STARTED": started])
            var answered: [String] = []
            for cycle in 1...Self.cycles {
                let pause = Duration.milliseconds(Int.random(in: 50...600, using: &random))
                answered += try await Self.load(stepd, cycle: cycle, killAfter: pause)
                try await stepd.launch()
            }
            try #require(!answered.isEmpty, "seed \(seed): no start was answered")

            // Every answered start ends once, its history contiguous: SUCCEEDED, or FAILED if
            // a kill came between its job's spawn mark and the spawn (the job, never spawned,
            // is not spawned again: a job runs at most once).
            var cutShort = 0
            for arn in answered {
                let ended = try await stepd.waitForExecution(arn, seconds: 60)
                if ended["status"] == "FAILED", ended["cause"]?.stringValue?.contains("was being spawned when stepd stopped") == true {
                    cutShort += 1
                } else {
                    #expect(ended["status"] == "SUCCEEDED", "seed \(seed): \(arn): \(ended.serialized())")
                }
                let history = try await stepd.call("AWSStepFunctions.GetExecutionHistory", ["executionArn": .string(arn), "maxResults": 1000])
                let ids = history["events"]?.arrayValue?.compactMap { $0["id"]?.intValue } ?? []
                #expect(!ids.isEmpty && ids == Array(1...ids.count), "seed \(seed): \(arn) history ids \(ids)")
            }
            let mains = try await Self.all(stepd, "main")
            let callJobs = try await Self.all(stepd, "call-job")
            #expect(Set(answered).isSubset(of: Set(mains.compactMap { $0["executionArn"]?.stringValue })))
            #expect(callJobs.count == mains.count, "seed \(seed): \(callJobs.count) call-job children for \(mains.count) mains")

            // No job started twice: each job id is in the log once.
            let lines = ((try? String(contentsOfFile: started, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            let twice = Dictionary(grouping: lines, by: { $0 }).filter { $0.value.count > 1 }.keys
            #expect(twice.isEmpty, "seed \(seed): jobs started twice: \(Array(twice).prefix(5))")

            print("durability (\(mode)): \(Self.cycles) kill -9 cycles, \(answered.count) answered starts, \(lines.count) jobs spawned, \(cutShort) cut short between spawn mark and spawn; seed \(seed)")

            // A token used once is refused the second time.
            if let child = callJobs.first?["executionArn"] {
                let described = try await stepd.call("AWSStepFunctions.DescribeExecution", ["executionArn": child])
                let input = try JSONValue(parsing: described["input"]?.stringValue ?? "{}")
                if let token = input["TaskToken"] {
                    let again = await stepd.client.callResult("AWSStepFunctions.SendTaskSuccess", ["taskToken": token, "output": "{}"])
                    #expect(again == "TaskTimedOut", "seed \(seed): a second SendTaskSuccess answered \(again)")
                }
            }
        }
    }

    /// Appends its id to $STARTED, then reports success through the spool (tmp/, then new/).
    static let reportingJob = #"""
        echo "$STEPD_JOB_ID" >> "$STARTED"
        f="$STEPD_EVENTS_DIR/tmp/$STEPD_JOB_ID.json"
        printf '{"source":"aws.appflow","detail-type":"AppFlow End Flow Run Report","detail":{"flow-name":"example-flow","status":"Execution Successful","execution-id":"%s"}}' "$STEPD_JOB_ID" > "$f"
        mv "$f" "$STEPD_EVENTS_DIR/new/"
        """#

    /// Three clients start `main` back to back until stepd is killed, `killAfter` from now;
    /// returns the ARNs of the answered starts.
    static func load(_ stepd: StepdProcess, cycle: Int, killAfter pause: Duration) async throws -> [String] {
        let answered = Observed<[String]>([])
        let client = stepd.client
        let clients = Task {
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<3 {
                    group.addTask {
                        for index in 0... {
                            guard let answer = try? await client.call(
                                "AWSStepFunctions.StartExecution",
                                ["stateMachineArn": "main", "name": .string("c\(cycle)-w\(worker)-\(index)"), "input": "{}"]),
                                let arn = answer["executionArn"]?.stringValue
                            else { return }
                            answered.update { $0.append(arn) }
                        }
                    }
                }
            }
        }
        try await Task.sleep(for: pause)
        try await stepd.kill9()
        await clients.value
        return answered.value
    }

    static func all(_ stepd: StepdProcess, _ machine: String) async throws -> [JSONValue] {
        var items: [JSONValue] = []
        var token: JSONValue?
        repeat {
            var body: [String: JSONValue] = ["stateMachineArn": .string(machine), "maxResults": 1000]
            if let token { body["nextToken"] = token }
            let page = try await stepd.call("AWSStepFunctions.ListExecutions", .object(body))
            items += page["executions"]?.arrayValue ?? []
            token = page["nextToken"]
        } while token != nil
        return items
    }
}

/// A small seeded generator, so that a failing run's pauses can be replayed (the seed is in
/// every failure's message; STEPD_DURABILITY_SEED sets it).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension StepClient {
    /// The error type of a call that failed, "OK" for one that succeeded.
    func callResult(_ target: String, _ body: JSONValue) async -> String {
        do {
            _ = try await call(target, body)
            return "OK"
        } catch {
            if case .api(let apiError) = error { return apiError.type }
            return "\(error)"
        }
    }
}
