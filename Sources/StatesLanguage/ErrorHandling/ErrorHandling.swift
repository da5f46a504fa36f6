import JSON

/// Pure Retry/Catch decisions. The engine persists attempt counts and timers; nothing here
/// sleeps or remembers.
public enum ErrorHandling {
    /// Whether an error named `errorName` matches a retrier's or catcher's `ErrorEquals`:
    ///
    /// - an exact name matches;
    /// - `States.ALL` matches any error except `States.Runtime` and `States.DataLimitExceeded`
    ///   (terminal errors, per the AWS documentation);
    /// - `States.Timeout` also matches `States.HeartbeatTimeout`: AWS documents a heartbeat
    ///   timeout as a kind of task timeout;
    /// - `States.TaskFailed` matches any error except the timeouts (and those terminal errors).
    public static func matches(_ errorName: String, errorEquals: [String]) -> Bool {
        if errorEquals.contains(errorName) { return true }
        let terminal = errorName == StatesError.runtime || errorName == StatesError.dataLimitExceeded
        let timeout = errorName == StatesError.timeout || errorName == StatesError.heartbeatTimeout
        if errorEquals.contains(StatesError.all) { return !terminal }
        if errorEquals.contains(StatesError.timeout), errorName == StatesError.heartbeatTimeout { return true }
        if errorEquals.contains(StatesError.taskFailed) { return !terminal && !timeout }
        return false
    }

    /// The first retrier that matches `errorName`, with its index. Per AWS, only this first
    /// match counts: if its attempts are used up, later retriers are not tried.
    public static func retrier(for errorName: String, in retriers: [Retrier]) -> (index: Int, retrier: Retrier)? {
        for (index, retrier) in retriers.enumerated() where retrier.matches(errorName) { return (index, retrier) }
        return nil
    }

    /// The first catcher that matches `errorName`.
    public static func catcher(for errorName: String, in catchers: [Catcher]) -> Catcher? {
        catchers.first { $0.matches(errorName) }
    }

    /// What to do about `error`, given how many retries each retrier has already made
    /// (`retriesSoFar[i]` for `retriers[i]`; missing entries count as 0).
    public static func decide(
        error: StatesError, retriers: [Retrier], retriesSoFar: [Int], catchers: [Catcher], stateInput: JSONValue,
        using generator: inout some RandomNumberGenerator
    ) -> ErrorDecision {
        if let (index, retrier) = retrier(for: error.name, in: retriers) {
            let done = index < retriesSoFar.count ? retriesSoFar[index] : 0
            if done < retrier.maxAttempts {
                return .retry(
                    retrierIndex: index, retry: done + 1,
                    delaySeconds: retrier.delaySeconds(forRetry: done + 1, using: &generator))
            }
        }
        if let catcher = catcher(for: error.name, in: catchers) {
            do {
                return .catch(next: catcher.next, output: try catcher.output(for: error, stateInput: stateInput))
            } catch {
                return .fail(error)
            }
        }
        return .fail(error)
    }

    public static func decide(
        error: StatesError, retriers: [Retrier], retriesSoFar: [Int], catchers: [Catcher], stateInput: JSONValue
    ) -> ErrorDecision {
        var generator = SystemRandomNumberGenerator()
        return decide(
            error: error, retriers: retriers, retriesSoFar: retriesSoFar, catchers: catchers, stateInput: stateInput,
            using: &generator)
    }
}

/// The outcome of a state's error handling.
public enum ErrorDecision: Sendable, Equatable {
    /// Run the state again after `delaySeconds`; `retry` is this retrier's retry number (from 1).
    case retry(retrierIndex: Int, retry: Int, delaySeconds: Double)
    /// Go to `next` with `output`.
    case `catch`(next: String, output: JSONValue)
    /// The state (and, unless an enclosing branch catches it, the execution) fails.
    case fail(StatesError)
}
