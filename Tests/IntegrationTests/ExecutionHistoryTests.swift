import Foundation
import JSON
import Testing

/// GetExecutionHistory's answer as AWS shapes it: pages in either order, and the payloads
/// left out when `includeExecutionData` is false.
@Suite("GetExecutionHistory against the real stepd")
struct ExecutionHistoryTests {
    static let definition = #"{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"n":1},"Next":"B"},"B":{"Type":"Pass","End":true}}}"#

    @Test("pages in reverse order; without execution data no event carries input or output")
    func reversePagesWithoutExecutionData() async throws {
        try await withStepd { stepd in
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", ["name": "two-passes", "definition": .string(Self.definition)])
            let arn = try await stepd.startExecution("two-passes", input: #"{"secret":"s3cr3t"}"#)
            let ended = try await stepd.waitForExecution(arn)
            #expect(ended["status"] == "SUCCEEDED", "\(ended.serialized())")

            var ids: [Int] = []
            var token: JSONValue?
            repeat {
                var request: [String: JSONValue] = [
                    "executionArn": .string(arn), "maxResults": 4, "reverseOrder": true, "includeExecutionData": false,
                ]
                request["nextToken"] = token
                let page = try await stepd.call("AWSStepFunctions.GetExecutionHistory", .object(request))
                let events = try #require(page["events"]?.arrayValue)
                #expect(events.count <= 4)
                for event in events {
                    ids.append(try #require(event["id"]?.intValue))
                    #expect(!event.serialized().contains("s3cr3t"), "\(event.serialized())")
                    for case let (member, details) in event.objectValue ?? [:] where member.hasSuffix("EventDetails") {
                        #expect(details["input"] == nil && details["output"] == nil, "\(member): \(details.serialized())")
                    }
                }
                token = page["nextToken"]
            } while token != nil
            #expect(ids == [6, 5, 4, 3, 2, 1])

            let full = try await stepd.call("AWSStepFunctions.GetExecutionHistory", ["executionArn": .string(arn)])
            let started = try #require(full["events"]?.arrayValue?.first?["executionStartedEventDetails"])
            #expect(started["input"] == .string(#"{"secret":"s3cr3t"}"#))
            #expect(started["inputDetails"] == ["truncated": false])
        }
    }
}
