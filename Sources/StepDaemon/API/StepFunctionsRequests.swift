import StepAPI
import StepEngine

/// The members of Step Functions' requests that stepd reads, with the constraints of AWS's
/// model (botocore `stepfunctions/2016-11-23`); checked before the request reaches the engine.
extension StepFunctionsHandler {
    static let requests: [String: RequestShape] = [
        "CreateStateMachine": .structure([
            "name": .required(name), "definition": .required(definition), "roleArn": .optional(arn),
            "type": .optional(.string([.oneOf(["STANDARD", "EXPRESS"])])), "tags": .optional(tagList),
            "publish": .optional(.boolean), "versionDescription": .optional(versionDescription),
        ]),
        "UpdateStateMachine": .structure([
            "stateMachineArn": .required(arn), "definition": .optional(definition), "roleArn": .optional(arn),
            "publish": .optional(.boolean), "versionDescription": .optional(versionDescription),
        ]),
        "PublishStateMachineVersion": .structure([
            "stateMachineArn": .required(arn), "revisionId": .optional(.string([])), "description": .optional(versionDescription),
        ]),
        "ListStateMachineVersions": .structure([
            "stateMachineArn": .required(arn), "maxResults": .optional(pageSize), "nextToken": .optional(pageToken),
        ]),
        "DeleteStateMachineVersion": .structure(["stateMachineVersionArn": .required(arn)]),
        "CreateStateMachineAlias": .structure([
            "name": .required(aliasName), "description": .optional(versionDescription), "routingConfiguration": .required(routing),
        ]),
        "DescribeStateMachineAlias": .structure(["stateMachineAliasArn": .required(arn)]),
        "UpdateStateMachineAlias": .structure([
            "stateMachineAliasArn": .required(arn), "description": .optional(versionDescription), "routingConfiguration": .optional(routing),
        ]),
        "DeleteStateMachineAlias": .structure(["stateMachineAliasArn": .required(arn)]),
        "ListStateMachineAliases": .structure([
            "stateMachineArn": .required(arn), "maxResults": .optional(pageSize), "nextToken": .optional(pageToken),
        ]),
        "ValidateStateMachineDefinition": .structure([
            "definition": .required(definition), "type": .optional(.string([.oneOf(["STANDARD", "EXPRESS"])])),
            "severity": .optional(.string([.oneOf(["ERROR", "WARNING"])])),
            "maxResults": .optional(.integer([.range(min: 0, max: maximumDiagnostics)])),
        ]),
        "DescribeStateMachine": .structure(["stateMachineArn": .required(arn)]),
        "DescribeStateMachineForExecution": .structure([
            "executionArn": .required(arn), "includedData": .optional(.string([.oneOf(["ALL_DATA", "METADATA_ONLY"])])),
        ]),
        "ListStateMachines": .structure(["maxResults": .optional(pageSize), "nextToken": .optional(pageToken)]),
        "DeleteStateMachine": .structure(["stateMachineArn": .required(arn)]),
        "StartExecution": .structure([
            "stateMachineArn": .required(arn), "name": .optional(name), "input": .optional(payload),
            "traceHeader": .optional(.string([.length(min: 0, max: 256), .pattern(#"\p{ASCII}*"#) { $0.unicodeScalars.allSatisfy(\.isASCII) }])),
        ]),
        "StartSyncExecution": .structure([
            "stateMachineArn": .required(arn), "name": .optional(name), "input": .optional(payload),
            "traceHeader": .optional(.string([.length(min: 0, max: 256), .pattern(#"\p{ASCII}*"#) { $0.unicodeScalars.allSatisfy(\.isASCII) }])),
            "includedData": .optional(.string([.oneOf(["ALL_DATA", "METADATA_ONLY"])])),
        ]),
        "DescribeExecution": .structure(["executionArn": .required(arn)]),
        "ListExecutions": .structure([
            "stateMachineArn": .optional(arn), "mapRunArn": .optional(longArn),
            "statusFilter": .optional(.string([.oneOf(["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"])])),
            "maxResults": .optional(pageSize), "nextToken": .optional(.string([.length(min: 1, max: 3096)])),
            "redriveFilter": .optional(.string([.oneOf(["REDRIVEN", "NOT_REDRIVEN"])])),
        ]),
        "DescribeMapRun": .structure(["mapRunArn": .required(longArn)]),
        "ListMapRuns": .structure(["executionArn": .required(arn), "maxResults": .optional(pageSize), "nextToken": .optional(pageToken)]),
        "UpdateMapRun": .structure([
            "mapRunArn": .required(longArn), "maxConcurrency": .optional(.integer([.range(min: 0, max: Int(Int32.max))])),
            "toleratedFailurePercentage": .optional(.number([.numberRange(min: 0, max: 100)])),
            "toleratedFailureCount": .optional(.integer([.range(min: 0, max: Int.max)])),
        ]),
        "RedriveExecution": .structure([
            "executionArn": .required(arn),
            "clientToken": .optional(.string([.length(min: 1, max: 64), .pattern("[!-~]+") { $0.unicodeScalars.allSatisfy { $0.value >= 0x21 && $0.value <= 0x7E } }])),
        ]),
        "GetExecutionHistory": .structure([
            "executionArn": .required(arn), "maxResults": .optional(pageSize), "reverseOrder": .optional(.boolean),
            "nextToken": .optional(pageToken), "includeExecutionData": .optional(.boolean),
        ]),
        "StopExecution": .structure(["executionArn": .required(arn), "error": .optional(error), "cause": .optional(cause)]),
        "SendTaskSuccess": .structure(["taskToken": .required(taskToken), "output": .required(payload)]),
        "SendTaskFailure": .structure(["taskToken": .required(taskToken), "error": .optional(error), "cause": .optional(cause)]),
        "SendTaskHeartbeat": .structure(["taskToken": .required(taskToken)]),
        "TagResource": .structure(["resourceArn": .required(arn), "tags": .required(tagList)]),
        "UntagResource": .structure([
            "resourceArn": .required(arn), "tagKeys": .required(.list(tagKey, [], summary: "[TagKey]")),
        ]),
        "ListTagsForResource": .structure(["resourceArn": .required(arn)]),
    ]

    /// `Arn`: a state machine or execution ARN (stepd also takes a state machine's bare name).
    static let arn = RequestShape.string([.length(min: 1, max: 256)])
    /// `LongArn`: a map run's ARN.
    static let longArn = RequestShape.string([.length(min: 1, max: 2000)])
    /// `Name`: state machines and executions; the characters are the engine's to check
    /// (InvalidName, as AWS answers).
    static let name = RequestShape.string([.length(min: 1, max: 80)])
    /// `Definition`, sensitive.
    static let definition = RequestShape.string([.length(min: 1, max: Limits.maximumDefinitionBytes)], sensitive: true)
    /// `VersionDescription` and `AliasDescription`, sensitive.
    static let versionDescription = RequestShape.string([.length(min: 0, max: 256)], sensitive: true)
    /// `CharacterRestrictedName`: an alias's name.
    static let aliasName = RequestShape.string([.length(min: 1, max: 80), .pattern(AliasName.pattern, AliasName.matchesPattern)])
    /// `RoutingConfigurationList`: one or two versions with their weights.
    static let routing = RequestShape.list(
        .structure(["stateMachineVersionArn": .required(arn), "weight": .required(.integer([.range(min: 0, max: 100)]))]),
        [.length(min: 1, max: 2)], summary: "[RoutingConfigurationListItem]")
    /// `SensitiveData`: an execution's input, a task's output. AWS counts its bytes.
    static let payload = RequestShape.string([.utf8Size(max: Limits.maximumPayloadBytes)], sensitive: true)
    /// `SensitiveError` and `SensitiveCause`.
    static let error = RequestShape.string([.length(min: 0, max: Limits.maximumErrorLength)], sensitive: true)
    static let cause = RequestShape.string([.length(min: 0, max: Limits.maximumCauseLength)], sensitive: true)
    static let taskToken = RequestShape.string([.length(min: 1, max: 2048)])
    /// `TagKey`, `TagValue`, `Tag`, `TagList`.
    static let tagKey = RequestShape.string([.length(min: 1, max: 128)])
    static let tagList = RequestShape.list(
        .structure(["key": .optional(tagKey), "value": .optional(.string([.length(min: 0, max: 256)]))]), [], summary: "[Tag]")
    /// `ValidateStateMachineDefinitionMaxResult`: its maximum is also the default (and 0's meaning).
    static let maximumDiagnostics = 100
    /// `PageSize` and `PageToken` of the List actions and GetExecutionHistory.
    static let pageSize = RequestShape.integer([.range(min: 0, max: 1000)])
    static let pageToken = RequestShape.string([.length(min: 1, max: 1024)])
}
