import JSON
import StepAPI
import Testing

@testable import StepDaemon

/// AWS's limit on every member stepd reads, action by action (botocore's service models;
/// docs/limits.md has the table): at the limit the request passes the check, one over it
/// is refused with AWS's ValidationException text.
@Suite struct RequestLimitTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let requests: [String: RequestShape]
        let action: String
        let body: JSONValue
        /// The message, without "1 validation error detected: "; nil when the body passes.
        let message: String?
        var testDescription: String { "\(action): \(message.map { String($0.prefix(90)) } ?? "passes")" }

        init(_ requests: [String: RequestShape], _ action: String, _ body: JSONValue, _ message: String?) {
            self.requests = requests
            self.action = action
            self.body = body
            self.message = message
        }
    }

    static let sfn = StepFunctionsHandler.requests
    static let events = EventBridgeHandler.requests
    static let dynamo = DynamoDBHandler.requests
    static let stepd = StepdHandler.requests

    static func text(_ count: Int, _ character: String = "a") -> JSONValue { .string(String(repeating: character, count: count)) }
    static func tooLong(_ member: String, _ maximum: Int, value: String? = nil) -> String {
        let shown = value.map { "Value '\($0)'" } ?? "Value"
        return "\(shown) at '\(member)' failed to satisfy constraint: Member must have length less than or equal to \(maximum)"
    }

    static let arn = "arn:aws:states:local:000000000000:stateMachine:m"
    static let execution = "arn:aws:states:local:000000000000:execution:m:e"
    static let token = String(repeating: "A", count: 64)
    static let mapRun = "arn:aws:states:local:000000000000:mapRun:m/Each:0a1b2c3d-0000-4000-8000-000000000000"

    static let stepFunctionsCases: [Case] = [
        Case(sfn, "CreateStateMachine", ["name": text(80), "definition": "{}"], nil),
        Case(sfn, "CreateStateMachine", ["name": text(81), "definition": "{}"], tooLong("name", 80, value: String(repeating: "a", count: 81))),
        Case(sfn, "CreateStateMachine", ["name": "m", "definition": text(1_048_577)], tooLong("definition", 1_048_576)),
        Case(sfn, "CreateStateMachine", ["name": "m", "definition": "{}", "roleArn": text(257)], tooLong("roleArn", 256, value: String(repeating: "a", count: 257))),
        Case(sfn, "CreateStateMachine", ["name": "m", "definition": "{}", "type": "BATCH"],
             "Value 'BATCH' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]"),
        Case(sfn, "UpdateStateMachine", ["stateMachineArn": text(257)], tooLong("stateMachineArn", 256, value: String(repeating: "a", count: 257))),
        Case(sfn, "DescribeStateMachine", ["stateMachineArn": text(256)], nil),
        Case(sfn, "DescribeStateMachineForExecution", ["executionArn": text(256), "includedData": "METADATA_ONLY"], nil),
        Case(sfn, "TagResource", ["resourceArn": "m", "tags": [["key": text(128), "value": text(256)]]], nil),
        Case(
            sfn, "TagResource", ["resourceArn": "m", "tags": [["key": text(129), "value": "v"]]],
            "Value '\(String(repeating: "a", count: 129))' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128"),
        Case(sfn, "UntagResource", ["resourceArn": "m", "tagKeys": [text(128)]], nil),
        Case(sfn, "UpdateStateMachine", ["stateMachineArn": "m", "publish": true, "versionDescription": text(256)], nil),
        Case(sfn, "PublishStateMachineVersion", ["stateMachineArn": "m", "description": text(257)], tooLong("description", 256)),
        Case(sfn, "CreateStateMachineAlias", ["name": text(80), "routingConfiguration": [["stateMachineVersionArn": .string(arn + ":1"), "weight": 100]]], nil),
        Case(
            sfn, "CreateStateMachineAlias", ["name": text(81), "routingConfiguration": [["stateMachineVersionArn": .string(arn + ":1"), "weight": 100]]],
            tooLong("name", 80, value: String(repeating: "a", count: 81))),
        Case(
            sfn, "CreateStateMachineAlias",
            ["name": "a", "routingConfiguration": [
                ["stateMachineVersionArn": .string(arn + ":1"), "weight": 50], ["stateMachineVersionArn": .string(arn + ":2"), "weight": 30],
                ["stateMachineVersionArn": .string(arn + ":3"), "weight": 20],
            ]],
            "Value '[RoutingConfigurationListItem]' at 'routingConfiguration' failed to satisfy constraint: Member must have length less than or equal to 2"),
        Case(
            sfn, "UpdateStateMachineAlias", ["stateMachineAliasArn": "a", "routingConfiguration": [["stateMachineVersionArn": "v", "weight": -1]]],
            "Value '-1' at 'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must have value greater than or equal to 0"),
        Case(sfn, "ListTagsForResource", ["resourceArn": text(256)], nil),
        Case(
            sfn, "DescribeStateMachineForExecution", ["executionArn": "a", "includedData": "SOME"],
            "Value 'SOME' at 'includedData' failed to satisfy constraint: Member must satisfy enum value set: [ALL_DATA, METADATA_ONLY]"),
        Case(sfn, "DeleteStateMachine", ["stateMachineArn": ""],
             "Value '' at 'stateMachineArn' failed to satisfy constraint: Member must have length greater than or equal to 1"),
        Case(sfn, "ValidateStateMachineDefinition", ["definition": text(1_048_576), "maxResults": 100, "severity": "WARNING"], nil),
        Case(sfn, "ValidateStateMachineDefinition", ["definition": "{}", "maxResults": 101],
             "Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100"),
        Case(sfn, "ValidateStateMachineDefinition", ["definition": "{}", "severity": "INFO"],
             "Value 'INFO' at 'severity' failed to satisfy constraint: Member must satisfy enum value set: [ERROR, WARNING]"),
        Case(sfn, "ListStateMachines", ["maxResults": 1000], nil),
        Case(sfn, "ListStateMachines", ["maxResults": 1001],
             "Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"),
        Case(sfn, "ListStateMachines", ["nextToken": text(1025)], tooLong("nextToken", 1024, value: String(repeating: "a", count: 1025))),
        Case(sfn, "StartExecution", ["stateMachineArn": .string(arn), "name": text(80), "input": text(262_144)], nil),
        Case(sfn, "StartExecution", ["stateMachineArn": .string(arn), "input": text(131_073, "é")],
             "Value at 'input' failed to satisfy constraint: Member must have size less than or equal to 262144 bytes in UTF-8 encoding"),
        Case(sfn, "StartExecution", ["stateMachineArn": .string(arn), "name": text(81)], tooLong("name", 80, value: String(repeating: "a", count: 81))),
        Case(sfn, "StartExecution", ["stateMachineArn": .string(arn), "traceHeader": "é"],
             #"Value 'é' at 'traceHeader' failed to satisfy constraint: Member must satisfy regular expression pattern: \p{ASCII}*"#),
        Case(sfn, "DescribeExecution", ["executionArn": text(257)], tooLong("executionArn", 256, value: String(repeating: "a", count: 257))),
        Case(sfn, "ListExecutions", ["stateMachineArn": .string(arn), "statusFilter": "DONE"],
             "Value 'DONE' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]"),
        Case(sfn, "ListExecutions", ["stateMachineArn": .string(arn), "nextToken": text(3097)], tooLong("nextToken", 3096, value: String(repeating: "a", count: 3097))),
        Case(sfn, "ListExecutions", ["mapRunArn": text(2000)], nil),
        Case(sfn, "ListExecutions", ["mapRunArn": text(2001)], tooLong("mapRunArn", 2000, value: String(repeating: "a", count: 2001))),
        Case(sfn, "DescribeMapRun", ["mapRunArn": text(2000)], nil),
        Case(sfn, "DescribeMapRun", [:], "Value null at 'mapRunArn' failed to satisfy constraint: Member must not be null"),
        Case(sfn, "DescribeMapRun", ["mapRunArn": text(2001)], tooLong("mapRunArn", 2000, value: String(repeating: "a", count: 2001))),
        Case(sfn, "ListMapRuns", ["executionArn": .string(execution), "maxResults": 1000, "nextToken": text(1024)], nil),
        Case(sfn, "ListMapRuns", ["maxResults": 10], "Value null at 'executionArn' failed to satisfy constraint: Member must not be null"),
        Case(sfn, "ListMapRuns", ["executionArn": .string(execution), "maxResults": 1001],
             "Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"),
        Case(sfn, "UpdateMapRun", ["mapRunArn": text(2000), "maxConcurrency": 0, "toleratedFailurePercentage": 100, "toleratedFailureCount": 0], nil),
        Case(sfn, "UpdateMapRun", ["mapRunArn": .string(mapRun), "toleratedFailurePercentage": 0.5], nil),
        Case(sfn, "UpdateMapRun", ["mapRunArn": .string(mapRun), "maxConcurrency": -1],
             "Value '-1' at 'maxConcurrency' failed to satisfy constraint: Member must have value greater than or equal to 0"),
        Case(sfn, "UpdateMapRun", ["mapRunArn": .string(mapRun), "toleratedFailurePercentage": 100.5],
             "Value '100.5' at 'toleratedFailurePercentage' failed to satisfy constraint: Member must have value less than or equal to 100"),
        Case(sfn, "UpdateMapRun", ["mapRunArn": .string(mapRun), "toleratedFailurePercentage": -0.5],
             "Value '-0.5' at 'toleratedFailurePercentage' failed to satisfy constraint: Member must have value greater than or equal to 0"),
        Case(sfn, "UpdateMapRun", ["mapRunArn": .string(mapRun), "toleratedFailureCount": -1],
             "Value '-1' at 'toleratedFailureCount' failed to satisfy constraint: Member must have value greater than or equal to 0"),
        Case(sfn, "GetExecutionHistory", ["executionArn": .string(execution), "maxResults": 1000, "nextToken": text(1024)], nil),
        Case(sfn, "GetExecutionHistory", ["executionArn": .string(execution), "maxResults": 1001],
             "Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"),
        Case(sfn, "StopExecution", ["executionArn": .string(execution), "error": text(256), "cause": text(32_768)], nil),
        Case(sfn, "StopExecution", ["executionArn": .string(execution), "error": text(257)], tooLong("error", 256)),
        Case(sfn, "StopExecution", ["executionArn": .string(execution), "cause": text(32_769)], tooLong("cause", 32_768)),
        Case(sfn, "SendTaskSuccess", ["taskToken": .string(token), "output": text(262_144)], nil),
        Case(sfn, "SendTaskSuccess", ["taskToken": .string(token), "output": text(262_145)],
             "Value at 'output' failed to satisfy constraint: Member must have size less than or equal to 262144 bytes in UTF-8 encoding"),
        Case(sfn, "SendTaskSuccess", ["taskToken": text(2049), "output": "{}"], tooLong("taskToken", 2048, value: String(repeating: "a", count: 2049))),
        Case(sfn, "SendTaskFailure", ["taskToken": .string(token), "error": text(256), "cause": text(32_768)], nil),
        Case(sfn, "SendTaskFailure", ["taskToken": .string(token), "cause": text(32_769)], tooLong("cause", 32_768)),
        Case(sfn, "SendTaskFailure", ["taskToken": .string(token), "error": text(257)], tooLong("error", 256)),
        Case(sfn, "SendTaskHeartbeat", [:], "Value null at 'taskToken' failed to satisfy constraint: Member must not be null"),
    ]

    static let entry: JSONValue = ["Source": "s", "DetailType": "d", "Detail": "{}"]
    static let ruleNamePattern = #"[\.\-_A-Za-z0-9]+"#

    static let eventBridgeCases: [Case] = [
        Case(events, "PutRule", ["Name": text(64), "EventPattern": text(4096), "Description": text(512)], nil),
        Case(events, "PutRule", ["Name": text(65)], tooLong("name", 64, value: String(repeating: "a", count: 65))),
        Case(events, "PutRule", ["Name": "a b"],
             "Value 'a b' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: \(ruleNamePattern)"),
        Case(events, "PutRule", ["Name": "r", "EventPattern": text(4097)], tooLong("eventPattern", 4096, value: String(repeating: "a", count: 4097))),
        Case(events, "PutRule", ["Name": "r", "Description": text(513)], tooLong("description", 512, value: String(repeating: "a", count: 513))),
        Case(events, "PutRule", ["Name": "r", "State": "ON"],
             "Value 'ON' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]"),
        Case(events, "PutRule", ["Name": "r", "EventBusName": "default"], nil),
        Case(events, "PutRule", ["Name": "r", "EventBusName": "arn:aws:events:us-east-1:123456789012:event-bus/default"], nil),
        Case(events, "PutRule", ["Name": "r", "EventBusName": "arn:aws:events:local:000000000000:event-bus/default"], nil),
        Case(events, "PutRule", ["Name": "r", "EventBusName": "no bus"],
             #"Value 'no bus' at 'eventBusName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?[/\.\-_A-Za-z0-9]+"#),
        Case(events, "PutTargets", ["Rule": "r", "Targets": [["Id": text(64), "Arn": text(1600), "Input": text(8192), "InputPath": text(256)]]], nil),
        Case(events, "PutTargets", ["Rule": "r", "Targets": [["Id": "t", "Arn": "a"], ["Id": text(65), "Arn": "a"]]],
             tooLong("targets.2.member.id", 64, value: String(repeating: "a", count: 65))),
        Case(events, "PutTargets", ["Rule": "r", "Targets": [["Id": "t", "Arn": "a", "Input": text(8193)]]],
             tooLong("targets.1.member.input", 8192, value: String(repeating: "a", count: 8193))),
        Case(events, "PutTargets", ["Rule": "r", "Targets": [["Id": "t", "Arn": "a", "InputPath": text(257)]]],
             tooLong("targets.1.member.inputPath", 256, value: String(repeating: "a", count: 257))),
        Case(events, "PutTargets", ["Rule": "r", "Targets": .array(Array(repeating: ["Id": "t", "Arn": "a"], count: 101))],
             "Value '[Target]' at 'targets' failed to satisfy constraint: Member must have length less than or equal to 100"),
        Case(events, "RemoveTargets", ["Rule": "r", "Ids": ["a", "b c"]],
             "Value '[a, b c]' at 'ids' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy regular expression pattern: \(ruleNamePattern)]"),
        Case(events, "ListRules", ["NamePrefix": text(65)], tooLong("namePrefix", 64, value: String(repeating: "a", count: 65))),
        Case(events, "DescribeRule", ["Name": ""],
             "Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: \(ruleNamePattern)"),
        Case(events, "ListTargetsByRule", ["Rule": text(65)], tooLong("rule", 64, value: String(repeating: "a", count: 65))),
        Case(events, "DeleteRule", ["Name": "r", "EventBusName": text(1601)], tooLong("eventBusName", 1600, value: String(repeating: "a", count: 1601))),
        Case(events, "PutEvents", ["Entries": .array(Array(repeating: entry, count: 10))], nil),
        Case(events, "PutEvents", ["Entries": .array(Array(repeating: entry, count: 11))],
             "Value '[PutEventsRequestEntry]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10"),
        Case(events, "PutEvents", ["Entries": []],
             "Value '[PutEventsRequestEntry]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1"),
        Case(events, "PutEvents", ["Entries": [["Source": "s", "Resources": [text(2049)]]]],
             "Value '[\(String(repeating: "a", count: 2049))]' at 'entries.1.member.resources' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 2048]"),
        Case(events, "PutEvents", ["Entries": [["Source": "s", "TraceHeader": text(501)]]],
             tooLong("entries.1.member.traceHeader", 500, value: String(repeating: "a", count: 501))),
        // Bad Source or Detail types fail their entry alone (FailedEntryCount), not the request.
        Case(events, "PutEvents", ["Entries": [["Source": 1, "Detail": ["a": 1], "Time": 1e16]]], nil),
    ]

    static let key: JSONValue = ["Id": ["S": "k"]]

    static let dynamoDBCases: [Case] = [
        Case(dynamo, "CreateTable", [
            "TableName": "T", "KeySchema": [["AttributeName": text(255), "KeyType": "HASH"]],
            "AttributeDefinitions": [["AttributeName": text(255), "AttributeType": "S"]],
        ], nil),
        Case(dynamo, "CreateTable", [
            "TableName": "T", "KeySchema": [["AttributeName": text(256), "KeyType": "HASH"]],
            "AttributeDefinitions": [["AttributeName": "Id", "AttributeType": "X"]],
        ], "Value 'X' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [S, N, B]; Value '\(String(repeating: "a", count: 256))' at 'keySchema.1.member.attributeName' failed to satisfy constraint: Member must have length less than or equal to 255"),
        Case(dynamo, "CreateTable", ["TableName": "T", "KeySchema": [["AttributeName": "Id", "KeyType": "SORT"]], "AttributeDefinitions": []],
             "Value 'SORT' at 'keySchema.1.member.keyType' failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]"),
        Case(dynamo, "DescribeTable", ["TableName": text(1025)], tooLong("tableName", 1024, value: String(repeating: "a", count: 1025))),
        Case(dynamo, "DeleteTable", [:], "Value null at 'tableName' failed to satisfy constraint: Member must not be null"),
        Case(dynamo, "PutItem", ["TableName": "T", "Item": key, "ReturnValues": "ALL_OLD"], nil),
        Case(dynamo, "PutItem", ["TableName": "T", "Item": key, "ReturnValues": "EVERYTHING"],
             "Value 'EVERYTHING' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW]"),
        Case(dynamo, "PutItem", ["TableName": "T", "Item": [String(repeating: "n", count: 65_536): ["S": "v"]]],
             "Value '{AttributeName=AttributeValue}' at 'item' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 65535]"),
        Case(dynamo, "GetItem", ["TableName": "T", "Key": key, "ProjectionExpression": "Id"], nil),
        Case(dynamo, "DeleteItem", ["TableName": text(1025), "Key": key], tooLong("tableName", 1024, value: String(repeating: "a", count: 1025))),
    ]

    static let stepdCases: [Case] = [
        Case(stepd, "WaitForExecution", ["executionArn": text(257)], tooLong("executionArn", 256, value: String(repeating: "a", count: 257))),
        Case(stepd, "PutJobDefinition", ["Name": "j", "Command": ["/bin/true"], "TimeoutSeconds": 60, "WorkingDirectory": "/tmp"], nil),
        Case(stepd, "PutJobDefinition", ["Name": text(81), "Command": ["/bin/true"]], tooLong("name", 80, value: String(repeating: "a", count: 81))),
        Case(stepd, "PutJobDefinition", ["Name": "j", "Command": []],
             "Value '[]' at 'command' failed to satisfy constraint: Member must have length greater than or equal to 1"),
        Case(stepd, "PutJobDefinition", ["Name": "j", "Command": ["/bin/true"], "TimeoutSeconds": 0],
             "Value '0' at 'timeoutSeconds' failed to satisfy constraint: Member must have value greater than or equal to 1"),
        Case(stepd, "PutJobDefinition", ["Name": "j", "Command": ["/bin/true"], "WorkingDirectory": text(4096)],
             "Value '\(String(repeating: "a", count: 4096))' at 'workingDirectory' failed to satisfy constraint: Member must have size less than or equal to 4095 bytes in UTF-8 encoding"),
        Case(stepd, "DescribeJobDefinition", ["Name": text(81)], tooLong("name", 80, value: String(repeating: "a", count: 81))),
        Case(stepd, "DeleteJobDefinition", [:], "Value null at 'name' failed to satisfy constraint: Member must not be null"),
        Case(stepd, "DescribeJob", ["JobId": text(257)], tooLong("jobId", 256, value: String(repeating: "a", count: 257))),
    ]

    @Test(arguments: stepFunctionsCases + eventBridgeCases + dynamoDBCases + stepdCases)
    func limit(_ limitCase: Case) throws {
        let shape = try #require(limitCase.requests[limitCase.action], "no shape for \(limitCase.action)")
        let count = limitCase.message.map { $0.components(separatedBy: "; Value").count } ?? 0
        let expected = limitCase.message.map {
            APIError.validation("\(count) validation error\(count == 1 ? "" : "s") detected: " + $0)
        }
        do {
            try shape.validate(limitCase.body)
            #expect(expected == nil, "passed")
        } catch {
            #expect(error == expected)
        }
    }

    /// Every action a service serves has a shape; only those with no input lack one.
    @Test func everyActionWithInputHasAShape() {
        #expect(Set(Self.sfn.keys) == [
            "CreateStateMachine", "UpdateStateMachine", "DescribeStateMachine", "ListStateMachines", "DeleteStateMachine",
            "StartExecution", "DescribeExecution", "ListExecutions", "GetExecutionHistory", "StopExecution",
            "SendTaskSuccess", "SendTaskFailure", "SendTaskHeartbeat", "ValidateStateMachineDefinition",
            "DescribeStateMachineForExecution", "TagResource", "UntagResource", "ListTagsForResource", "StartSyncExecution",
            "PublishStateMachineVersion", "ListStateMachineVersions", "DeleteStateMachineVersion", "CreateStateMachineAlias",
            "DescribeStateMachineAlias", "UpdateStateMachineAlias", "DeleteStateMachineAlias", "ListStateMachineAliases",
            "RedriveExecution", "DescribeMapRun", "ListMapRuns", "UpdateMapRun",
        ])
        #expect(Set(Self.events.keys) == [
            "PutRule", "PutTargets", "RemoveTargets", "ListRules", "DescribeRule", "ListTargetsByRule", "DeleteRule", "PutEvents",
        ])
        #expect(Set(Self.dynamo.keys) == ["CreateTable", "DescribeTable", "DeleteTable", "PutItem", "GetItem", "DeleteItem"])
        #expect(Set(Self.stepd.keys) == [
            "WaitForExecution", "PutJobDefinition", "DescribeJobDefinition", "DeleteJobDefinition", "DescribeJob",
        ])
    }

    /// A member of the wrong JSON type is a SerializationException, not a ValidationException.
    @Test(arguments: [
        ("UpdateMapRun", ["mapRunArn": .string(mapRun), "toleratedFailurePercentage": "50"], "'toleratedFailurePercentage' must be a number, not string"),
        ("UpdateMapRun", ["mapRunArn": .string(mapRun), "maxConcurrency": 1.5], "'maxConcurrency' must be an integer, not number"),
        ("UpdateMapRun", ["mapRunArn": .string(mapRun), "toleratedFailureCount": "1"], "'toleratedFailureCount' must be an integer, not string"),
        ("ListExecutions", ["mapRunArn": 1], "'mapRunArn' must be a string, not number"),
    ] as [(String, JSONValue, String)])
    func wrongType(action: String, body: JSONValue, message: String) throws {
        let shape = try #require(Self.sfn[action], "no shape for \(action)")
        #expect(throws: APIError.serialization(message)) { try shape.validate(body) }
    }

    // MARK: - Beyond the model

    @Test(arguments: [
        // 14 for a Time, then the UTF-8 bytes of Source, DetailType, Detail and each resource.
        ([["Source": "é", "DetailType": "dt", "Detail": "{}", "Time": 1, "Resources": ["r1", "r2"]]], 14 + 2 + 2 + 2 + 4),
        ([["Source": "s"], ["Source": "s", "Detail": "{\"a\":1}"]], 1 + 1 + 7),
    ] as [(JSONValue, Int)])
    func putEventsEntrySize(entries: JSONValue, size: Int) throws {
        #expect(EventBridgeHandler.entriesSize(try #require(entries.arrayValue)) == size)
    }
}
