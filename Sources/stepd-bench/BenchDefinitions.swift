import JSON

/// The state machines the rows run, as ASL text.
enum BenchDefinitions {
    static let tokenTable: JSONValue = [
        "TableName": "BenchTokens",
        "KeySchema": [["AttributeName": "Id", "KeyType": "HASH"]],
        "AttributeDefinitions": [["AttributeName": "Id", "AttributeType": "S"]],
    ]

    /// Suspends on a task token stored in BenchTokens under the execution's name, as the
    /// reference scenario stores its token.
    static let hold = """
        {"StartAt": "Hold", "States": {"Hold": {"Type": "Task",
          "Resource": "arn:aws:states:::dynamodb:putItem.waitForTaskToken",
          "Parameters": {"TableName": "BenchTokens",
            "Item": {"Id": {"S.$": "$$.Execution.Name"}, "Token": {"S.$": "$$.Task.Token"}}},
          "End": true}}}
        """

    /// Started by the resume rule with the event: finds the token and sends task success.
    static let resume = """
        {"StartAt": "GetToken", "States": {
          "GetToken": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
            "Parameters": {"TableName": "BenchTokens", "Key": {"Id": {"S.$": "$.detail.id"}}},
            "ResultSelector": {"Token.$": "$.Item.Token.S"}, "ResultPath": "$.Stored", "Next": "Resume"},
          "Resume": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess",
            "Parameters": {"TaskToken.$": "$.Stored.Token", "Output.$": "States.JsonToString($.detail)"},
            "End": true}}}
        """

    static let resumeRule: JSONValue = [
        "Name": "bench-resume",
        "EventPattern": .string(#"{"source": ["stepd.bench"], "detail-type": ["Bench Resume"]}"#),
    ]

    /// Ten Pass states in a chain.
    static let passChain: String = {
        var states: [String] = []
        for index in 1...10 {
            let transition = index == 10 ? "\"End\": true" : "\"Next\": \"P\(index + 1)\""
            states.append("\"P\(index)\": {\"Type\": \"Pass\", \"Result\": {\"step\": \(index)}, \"ResultPath\": \"$.last\", \(transition)}")
        }
        return "{\"StartAt\": \"P1\", \"States\": {\(states.joined(separator: ", "))}}"
    }()

    static let single = #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#

    /// An inline Map, one Pass per item, no bound on concurrency.
    /// A distributed Map over a JSON Lines object of the bucket `bench`, a Pass each, its
    /// results written back to the bucket.
    static let distributedMap = """
        {"StartAt": "Each", "States": {"Each": {"Type": "Map", "End": true,
          "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSONL"},
                         "Parameters": {"Bucket": "bench", "Key": "items.jsonl"}},
          "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "bench", "Prefix": "results"}},
          "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                            "StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": true}}}}}}
        """

    static let inlineMap = """
        {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 0, "End": true,
          "ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": true}}}}}}
        """
}
