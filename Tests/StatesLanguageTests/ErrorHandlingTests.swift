import JSON
import Testing

@testable import StatesLanguage

@Suite struct ErrorHandlingTests {
    @Test(arguments: [
        (["States.ALL"], "Lambda.ServiceException", true),
        (["States.ALL"], "States.Timeout", true),
        (["States.ALL"], "States.Runtime", false),
        (["States.ALL"], "States.DataLimitExceeded", false),
        (["States.TaskFailed"], "Lambda.Unknown", true),
        // AWS: States.Timeout is a task that "ran longer than TimeoutSeconds, or failed to
        // heartbeat for longer than HeartbeatSeconds"; States.TaskFailed excludes it.
        (["States.TaskFailed"], "States.HeartbeatTimeout", false),
        (["States.TaskFailed"], "States.Timeout", false),
        (["States.Timeout"], "States.Timeout", true),
        (["States.Timeout"], "States.HeartbeatTimeout", true),
        (["States.HeartbeatTimeout"], "States.Timeout", false),
        (["MyError", "Other"], "Other", true),
        (["MyError"], "myerror", false),
    ])
    func matchesErrorNames(errorEquals: [String], name: String, expected: Bool) {
        #expect(Retrier(errorEquals: errorEquals).matches(name) == expected)
        #expect(Catcher(errorEquals: errorEquals, next: "X").matches(name) == expected)
    }

    @Test(arguments: [
        (Retrier(errorEquals: ["X"]), [1.0, 2, 4, 8]),
        (Retrier(errorEquals: ["X"], intervalSeconds: 3, backoffRate: 1.0), [3.0, 3, 3, 3]),
        (Retrier(errorEquals: ["X"], intervalSeconds: 2, backoffRate: 3, maxDelaySeconds: 20), [2.0, 6, 18, 20]),
    ])
    func delaysGrowByBackoffRate(retrier: Retrier, expected: [Double]) {
        #expect((1...4).map { retrier.delaySeconds(forRetry: $0) } == expected)
    }

    /// Issue #15: `IntervalSeconds × BackoffRate^(retry − 1)` from a hostile definition grew
    /// to 1e299 and more, which the engine turned into a timer (a `Duration` of it traps), and
    /// took one multiplication per retry (up to 99,999,999). The delay is capped at the largest
    /// IntervalSeconds AWS accepts, 99,999,999 s, and found in one step.
    @Test(arguments: [
        (Retrier(errorEquals: ["X"], backoffRate: 1.5), 1_700, 99_999_999.0),
        (Retrier(errorEquals: ["X"], backoffRate: 1e300), 3, 99_999_999),
        (Retrier(errorEquals: ["X"], intervalSeconds: 99_999_999, maxAttempts: 99_999_999), 99_999_999, 99_999_999),
        (Retrier(errorEquals: ["X"], backoffRate: 2, maxDelaySeconds: 31_622_400), 99_999_999, 31_622_400),
        (Retrier(errorEquals: ["X"], intervalSeconds: 7, backoffRate: 1.0), 99_999_999, 7),
        (Retrier(errorEquals: ["X"], intervalSeconds: 0, backoffRate: 1e300), 5, 0),
        (Retrier(errorEquals: ["X"], intervalSeconds: -5), 1, 0),
        (Retrier(errorEquals: ["X"]), Int.min, 1),
    ] as [(Retrier, Int, Double)])
    func delaysAreBoundedForAnyRetry(retrier: Retrier, retry: Int, expected: Double) {
        #expect(retrier.delaySeconds(forRetry: retry) == expected)
    }

    @Test func fullJitterStaysWithinTheDelay() {
        let retrier = Retrier(errorEquals: ["X"], intervalSeconds: 10, jitterStrategy: "FULL")
        var generator = SplitMix64(seed: 1)
        for retry in 1...5 {
            let delay = retrier.delaySeconds(forRetry: retry, using: &generator)
            #expect(delay >= 0 && delay <= retrier.delaySeconds(forRetry: retry))
        }
    }

    @Test func firstMatchingRetrierDecidesAndThenTheCatcher() throws {
        let retriers = [Retrier(errorEquals: ["A"], maxAttempts: 2), Retrier(errorEquals: ["States.ALL"], maxAttempts: 5)]
        let catchers = [Catcher(errorEquals: ["A"], next: "HandleA", resultPath: .path(try ReferencePath("$.error")))]
        let error = StatesError(name: "A", cause: "boom")
        #expect(
            ErrorHandling.decide(error: error, retriers: retriers, retriesSoFar: [0, 0], catchers: catchers, stateInput: [:])
                == .retry(retrierIndex: 0, retry: 1, delaySeconds: 1))
        #expect(
            ErrorHandling.decide(error: error, retriers: retriers, retriesSoFar: [1, 0], catchers: catchers, stateInput: [:])
                == .retry(retrierIndex: 0, retry: 2, delaySeconds: 2))
        // Exhausted: the later States.ALL retrier is not consulted; the catcher takes over.
        #expect(
            ErrorHandling.decide(error: error, retriers: retriers, retriesSoFar: [2, 0], catchers: catchers, stateInput: ["in": 1])
                == .catch(next: "HandleA", output: ["in": 1, "error": ["Error": "A", "Cause": "boom"]]))
        // Runtime errors are never retried by States.ALL.
        let runtime = StatesError.runtime("bad path")
        #expect(
            ErrorHandling.decide(error: runtime, retriers: retriers, retriesSoFar: [], catchers: catchers, stateInput: [:])
                == .fail(runtime))
    }

    @Test func maxAttemptsZeroNeverRetries() {
        let decision = ErrorHandling.decide(
            error: StatesError(name: "X", cause: ""), retriers: [Retrier(errorEquals: ["X"], maxAttempts: 0)],
            retriesSoFar: [], catchers: [], stateInput: [:])
        #expect(decision == .fail(StatesError(name: "X", cause: "")))
    }
}
