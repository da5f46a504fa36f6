import StepAPI
import StepEngine
import Testing

@testable import StepDaemon

/// Each service names the engine's errors as its AWS API does (the names and statuses from
/// AWS's API references for Step Functions, EventBridge and DynamoDB).
@Suite struct ServiceErrorNameTests {
    static let machine = LocalARN.stateMachine("m")
    static let execution = LocalARN.execution(stateMachine: "m", name: "e")

    @Test(arguments: [
        (StateMachineError.doesNotExist(arn: machine), "StateMachineDoesNotExist", 400),
        (StateMachineError.alreadyExists(arn: machine), "StateMachineAlreadyExists", 400),
        (StateMachineError.invalidDefinition(reason: "no StartAt"), "InvalidDefinition", 400),
        (StateMachineError.definitionTooLarge, "InvalidDefinition", 400),
        (StateMachineError.unsupportedType("EXPRESS"), "ValidationException", 400),
        (StateMachineError.definitionUnreadable(name: "m", reason: "gone"), "InternalFailure", 500),
        (ExecutionError.doesNotExist(arn: execution), "ExecutionDoesNotExist", 400),
        (ExecutionError.alreadyExists(arn: execution), "ExecutionAlreadyExists", 400),
        (ExecutionError.invalidInput(reason: "'not JSON'"), "InvalidExecutionInput", 400),
        (ExecutionError.notRunning(arn: execution, status: "SUCCEEDED"), "ValidationException", 400),
        (TaskTokenError.malformed, "InvalidToken", 400),
        (TaskTokenError.doesNotExist, "TaskDoesNotExist", 400),
        (TaskTokenError.timedOut, "TaskTimedOut", 400),
        (TaskTokenError.invalidOutput(reason: "'not JSON'"), "InvalidOutput", 400),
        (RequestError.invalid(reason: "maxResults must be between 0 and 1000"), "ValidationException", 400),
        (RequestError.invalidArn(reason: "'x'"), "InvalidArn", 400),
        (RequestError.invalidName(name: "a b", what: "execution name"), "InvalidName", 400),
        (RequestError.invalidPageToken(reason: "not ours"), "InvalidToken", 400),
    ] as [(any Error & CustomStringConvertible, String, Int)])
    func stepFunctions(error: any Error & CustomStringConvertible, type: String, status: Int) throws {
        let answer = try #require(StepFunctionsHandler.apiError(for: error))
        #expect(answer == APIError(type, error.description, httpStatus: status))
    }

    @Test(arguments: [
        (RuleError.doesNotExist(name: "r"), "ResourceNotFoundException", "Rule r does not exist on EventBus default."),
        (RuleError.eventBusDoesNotExist(name: "other"), "ResourceNotFoundException", "Event bus other does not exist."),
        (RuleError.invalidPattern(reason: "bad"), "InvalidEventPatternException", "Event pattern is not valid. Reason: bad"),
        (RuleError.hasTargets, "ValidationException", "Rule can't be deleted since it has targets."),
        (RequestError.invalid(reason: "State must be ENABLED or DISABLED"), "ValidationException", "State must be ENABLED or DISABLED"),
    ] as [(any Error, String, String)])
    func eventBridge(error: any Error, type: String, message: String) throws {
        #expect(try #require(EventBridgeHandler.apiError(for: error)) == APIError(type, message))
    }

    @Test(arguments: [
        (LocalTableError.invalid(reason: "Key is required"), "ValidationException", "Key is required"),
        (LocalTableError.tableDoesNotExist(name: "T"), "ResourceNotFoundException", "Requested resource not found: Table: T not found"),
        (LocalTableError.tableAlreadyExists(name: "T"), "ResourceInUseException", "Table already exists: T"),
    ] as [(any Error, String, String)])
    func dynamoDB(error: any Error, type: String, message: String) throws {
        #expect(try #require(DynamoDBHandler.apiError(for: error)) == APIError(type, message))
    }

    @Test func stepdNamesJobErrorsAndExecutionErrorsAsStepFunctionsDoes() throws {
        #expect(StepdHandler.apiError(for: JobError.jobDoesNotExist(id: "j")) == APIError("ResourceNotFoundException", "Job 'j' does not exist"))
        #expect(
            StepdHandler.apiError(for: JobError.definitionDoesNotExist(name: "d"))
                == APIError("ResourceNotFoundException", "Job definition 'd' does not exist"))
        #expect(StepdHandler.apiError(for: ExecutionError.doesNotExist(arn: Self.execution))?.type == "ExecutionDoesNotExist")
    }

    @Test func everyServiceAnswersUnavailableAlike() {
        #expect(APIError.common(EngineUnavailable.stopping)?.type == "ServiceUnavailable")
        #expect(APIError.common(EngineUnavailable.diskFull) == APIError("ServiceUnavailable", EngineUnavailable.diskFull.description, httpStatus: 503))
    }

    /// An error a service does not know is left to the dispatcher (an internal failure).
    @Test func unknownErrorsAreNotNamed() {
        struct Unexpected: Error {}
        #expect(StepFunctionsHandler.apiError(for: Unexpected()) == nil)
        #expect(EventBridgeHandler.apiError(for: TaskTokenError.malformed) == nil)
        #expect(DynamoDBHandler.apiError(for: RuleError.hasTargets) == nil)
    }
}
