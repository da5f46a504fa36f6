import Foundation
import JSON
import Testing

@Suite("Distributed Map through the real stepd")
struct DistributedMapIntegrationTests {
    @Test("a CSV object of the buckets folder runs as child executions, its results written back, seen by stepctl across a restart")
    func csvItemsRunAsChildrenAndTheirResultsAreWritten() async throws {
        let prepare: (String) throws -> Void = { root in
            // The default buckets folder: <state-dir>/buckets.
            let buckets = root + "/state/buckets"
            try FileManager.default.createDirectory(atPath: buckets + "/data/in", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: buckets + "/out", withIntermediateDirectories: true)
            try "name,size\nada,1\nbob,2\ncy,3\ndee,4\neve,5\n".write(toFile: buckets + "/data/in/people.csv", atomically: true, encoding: .utf8)
        }
        try await withStepd(prepare: prepare) { stepd in
            let definition: JSONValue = [
                "StartAt": "Each",
                "States": [
                    "Each": [
                        "Type": "Map", "End": true, "Label": "People", "MaxConcurrency": 2,
                        "ItemReader": [
                            "Resource": "arn:aws:states:::s3:getObject",
                            "ReaderConfig": ["InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"],
                            "Parameters": ["Bucket": "data", "Key.$": "$.key"],
                        ],
                        "ItemSelector": ["who.$": "$$.Map.Item.Value.name", "index.$": "$$.Map.Item.Index"],
                        "ResultWriter": ["Resource": "arn:aws:states:::s3:putObject", "Parameters": ["Bucket": "out", "Prefix": "people"]],
                        "ItemProcessor": [
                            "ProcessorConfig": ["Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"],
                            "StartAt": "Greet",
                            "States": ["Greet": ["Type": "Pass", "Parameters": ["greeting.$": "States.Format('hello {}', $.who)"], "End": true]],
                        ],
                    ],
                ],
            ]
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", ["name": "people", "definition": .string(definition.serialized())])
            let arn = try await stepd.startExecution("people", input: #"{"key": "in/people.csv"}"#)
            let ended = try await stepd.call("Stepd.WaitForExecution", ["executionArn": .string(arn)])
            #expect(ended["status"] == "SUCCEEDED", "\(ended.serialized())")
            let output = try JSONValue(parsing: try #require(ended["output"]?.stringValue))
            let runArn = try #require(output["MapRunArn"]?.stringValue)
            #expect(runArn.hasPrefix("arn:aws:states:local:000000000000:mapRun:people/People:"))
            let key = try #require(output["ResultWriterDetails"]?["Key"]?.stringValue)
            #expect(output["ResultWriterDetails"]?["Bucket"] == "out")

            let folder = stepd.stateDirectory + "/buckets/out/"
            let manifest = try JSONValue(parsing: try String(contentsOfFile: folder + key, encoding: .utf8))
            let resultsKey = try #require(manifest["ResultFiles"]?["SUCCEEDED"]?.arrayValue?.first?["Key"]?.stringValue)
            let results = try JSONValue(parsing: try String(contentsOfFile: folder + resultsKey, encoding: .utf8)).arrayValue ?? []
            let outputs = try results.compactMap { $0["Output"]?.stringValue }.map { try JSONValue(parsing: $0) }
            #expect(outputs == ["ada", "bob", "cy", "dee", "eve"].map { ["greeting": .string("hello \($0)")] })

            _ = try await stepd.terminate()
            try await stepd.launch()
            let described = try await stepd.stepctl(["describe-map-run", "--map-run-arn", runArn])
            #expect(described.status == 0, "stderr: \(described.stderr)")
            #expect(described.json?["status"] == "SUCCEEDED")
            #expect(described.json?["maxConcurrency"] == 2)
            #expect(described.json?["itemCounts"]?["succeeded"] == 5)
            #expect(described.json?["itemCounts"]?["total"] == 5)
            let children = try await stepd.stepctl(["list-executions", "--map-run-arn", runArn])
            #expect(children.status == 0, "stderr: \(children.stderr)")
            #expect(children.json?["executions"]?.arrayValue?.count == 5)
            #expect(children.json?["executions"]?.arrayValue?.first?["stateMachineArn"] == "arn:aws:states:local:000000000000:stateMachine:people/People")
            let runs = try await stepd.stepctl(["list-map-runs", "--execution-arn", arn])
            #expect(runs.json?["mapRuns"]?.arrayValue?.first?["mapRunArn"] == .string(runArn))
            // The machine's own list shows the parent only.
            let listed = try await stepd.call("AWSStepFunctions.ListExecutions", ["stateMachineArn": "people"])
            #expect(listed["executions"]?.arrayValue?.count == 1)
        }
    }

    @Test("kill -9 in the middle of a map run: after the restart it goes on, and no child runs twice")
    func aKillInTheMiddleRunsNoChildTwice() async throws {
        try await withStepd { stepd in
            try await stepd.createTable("Tokens")
            // Each child parks on a token stored under its item's id.
            let definition: JSONValue = [
                "StartAt": "Each",
                "States": [
                    "Each": [
                        "Type": "Map", "End": true, "ItemsPath": "$.ids", "MaxConcurrency": 50,
                        "ItemProcessor": [
                            "ProcessorConfig": ["Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"],
                            "StartAt": "Park",
                            "States": [
                                "Park": [
                                    "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem.waitForTaskToken",
                                    "Parameters": ["TableName": "Tokens", "Item": ["Id": ["S.$": "$"], "Token": ["S.$": "$$.Task.Token"]]],
                                    "End": true,
                                ],
                            ],
                        ],
                    ],
                ],
            ]
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", ["name": "many", "definition": .string(definition.serialized())])
            let ids = (0..<200).map { "item-\($0)" }
            let arn = try await stepd.startExecution("many", input: JSONValue.object(["ids": .array(ids.map { .string($0) })]).serialized())
            var answered: Set<String> = []
            /// Answers every parked child not answered yet (its answer is its id), at most `limit`.
            func answerParked(limit: Int = .max) async throws {
                _ = try await stepd.call("Stepd.WaitUntilIdle", [:])
                for id in ids where !answered.contains(id) && answered.count < limit {
                    let item = try await stepd.call("DynamoDB_20120810.GetItem", ["TableName": "Tokens", "Key": ["Id": ["S": .string(id)]]])
                    guard let token = item["Item"]?["Token"]?["S"]?.stringValue else { continue }
                    _ = try await stepd.call("AWSStepFunctions.SendTaskSuccess", ["taskToken": .string(token), "output": .string("\"\(id)\"")])
                    answered.insert(id)
                }
            }
            try await answerParked(limit: 30)
            #expect(answered.count == 30)
            try await stepd.kill9()
            try await stepd.launch()
            // 200 items, 50 at a time: a round answers those parked, which starts the next.
            for _ in 0..<20 where answered.count < ids.count { try await answerParked() }
            #expect(answered.count == ids.count)
            let ended = try await stepd.waitForExecution(arn)
            #expect(ended["status"] == "SUCCEEDED", "\(ended.serialized())")
            #expect(try JSONValue(parsing: ended["output"]?.stringValue ?? "") == .array(ids.map { .string($0) }))

            let history = try await stepd.call("AWSStepFunctions.GetExecutionHistory", ["executionArn": .string(arn), "maxResults": 1000])
            let runArn = try #require(
                history["events"]?.arrayValue?.first { $0["type"] == "MapRunStarted" }?["mapRunStartedEventDetails"]?["mapRunArn"]?.stringValue)
            let children = try await stepd.call("AWSStepFunctions.ListExecutions", ["mapRunArn": .string(runArn), "maxResults": 1000])
            let childArns = children["executions"]?.arrayValue?.compactMap { $0["executionArn"]?.stringValue } ?? []
            #expect(childArns.count == ids.count)
            for child in childArns.prefix(60) {
                let events = try await stepd.call("AWSStepFunctions.GetExecutionHistory", ["executionArn": .string(child)])
                let scheduled = events["events"]?.arrayValue?.filter { $0["type"] == "TaskScheduled" }.count
                #expect(scheduled == 1, "\(child) scheduled its task \(scheduled ?? 0) times")
            }
            let run = try await stepd.call("AWSStepFunctions.DescribeMapRun", ["mapRunArn": .string(runArn)])
            #expect(run["executionCounts"]?["succeeded"] == 200)
            #expect(run["executionCounts"]?["total"] == 200)
        }
    }
}
