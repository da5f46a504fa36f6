import Foundation
import JSON
import Testing

/// Requests that once took stepd down (issue #15), sent to the real stepd: each is refused
/// with a reason, and stepd answers the next request.
@Suite("hostile requests against the real stepd")
struct HostileInputTests {
    @Test("PutEvents with a Time of 1e16 seconds: the entry is refused, stepd keeps serving")
    func putEventsWithAnOverflowingTime() async throws {
        try await withStepd { stepd in
            let answer = try await stepd.call(
                "AWSEvents.PutEvents", ["Entries": [["Source": "s", "DetailType": "d", "Detail": "{}", "Time": 1e16]]])
            #expect(answer["FailedEntryCount"] == 1, "\(answer.serialized())")
            let entry = try #require(answer["Entries"]?.arrayValue?.first)
            #expect(entry["ErrorCode"] == "MalformedDetail")
            #expect(entry["ErrorMessage"]?.stringValue?.contains("'Time'") == true, "\(entry.serialized())")
            #expect(try await stepd.call("Stepd.Health", [:])["Status"] == "OK")
        }
    }

    @Test("Parameters nesting a path inside 480 arrays: the execution ends, stepd keeps serving")
    func deeplyNestedParameters() async throws {
        try await withStepd { stepd in
            let nested = String(repeating: "[", count: 480) + #"{"v.$":"$"}"# + String(repeating: "]", count: 480)
            let definition = #"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"x":"# + nested + #"},"End":true}}}"#
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", ["name": "deep", "definition": .string(definition)])
            let arn = try await stepd.startExecution("deep", input: #"{"a":1}"#)
            let ended = try await stepd.waitForExecution(arn)
            #expect(ended["status"] == "SUCCEEDED", "\(ended.serialized())")
            let output = try JSONValue(parsing: try #require(ended["output"]?.stringValue))
            var innermost = try #require(output["x"])
            for _ in 0..<480 { innermost = try #require(innermost.arrayValue?.first) }
            #expect(innermost == ["v": ["a": 1]])
            let health = try await stepd.call("Stepd.Health", [:])
            #expect(health["Status"] == "OK")
        }
    }

    @Test("a Pass state's slice with a step of Int.max: the execution ends, stepd keeps serving")
    func sliceWithAnOverflowingStep() async throws {
        try await withStepd { stepd in
            let definition = #"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"x.$":"$.a[1::9223372036854775807]"},"End":true}}}"#
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", ["name": "slice", "definition": .string(definition)])
            let arn = try await stepd.startExecution("slice", input: #"{"a":[1,2,3]}"#)
            let ended = try await stepd.waitForExecution(arn)
            #expect(ended["status"] == "SUCCEEDED", "\(ended.serialized())")
            #expect(try JSONValue(parsing: try #require(ended["output"]?.stringValue)) == ["x": [2]])
            #expect(try await stepd.call("Stepd.Health", [:])["Status"] == "OK")
        }
    }
}
