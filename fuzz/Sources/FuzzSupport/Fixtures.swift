import Foundation
import JSON
import StatesLanguage

/// The context object (`$$`) and the variables (`$v`, `$n`, `$list`) the pure targets evaluate
/// against: fixed, so that a saved input replays the same way.
public let fuzzContext = EvaluationContext(fuzzContextObject, variables: ["v": ["a": [1, ["b": "c"]]], "n": 5, "list": [1, 2, 3]])

private let fuzzContextObject: JSONValue = ContextObject(
    executionId: "arn:aws:states:local:000000000000:execution:fuzz:run", executionName: "run",
    executionInput: ["in": [1, "two", ["three": true]]], executionStartTime: Date(timeIntervalSince1970: 1_700_000_000),
    roleArn: "arn:aws:iam::000000000000:role/fuzz", stateMachineId: "arn:aws:states:local:000000000000:stateMachine:fuzz",
    stateMachineName: "fuzz", stateName: "State", stateEnteredTime: Date(timeIntervalSince1970: 1_700_000_001),
    retryCount: 2, taskToken: "token"
).json

/// The random numbers of `States.UUID` and `States.MathRandom`: seeded, for the same reason.
public func fuzzRandom() -> SplitMix64 { SplitMix64(seed: 0x5EED) }
