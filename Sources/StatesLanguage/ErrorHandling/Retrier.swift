import Foundation
import JSON

/// One entry of a state's `Retry` field.
public struct Retrier: Sendable, Hashable {
    public let errorEquals: [String]
    public let intervalSeconds: Int
    public let maxAttempts: Int
    public let backoffRate: Double
    public let maxDelaySeconds: Int?
    /// `"FULL"` or `"NONE"` (nil when absent, which means `"NONE"`).
    public let jitterStrategy: String?
    public let comment: String?

    public init(
        errorEquals: [String], intervalSeconds: Int = 1, maxAttempts: Int = 3, backoffRate: Double = 2.0,
        maxDelaySeconds: Int? = nil, jitterStrategy: String? = nil, comment: String? = nil
    ) {
        self.errorEquals = errorEquals
        self.intervalSeconds = intervalSeconds
        self.maxAttempts = maxAttempts
        self.backoffRate = backoffRate
        self.maxDelaySeconds = maxDelaySeconds
        self.jitterStrategy = jitterStrategy
        self.comment = comment
    }

    /// AWS's upper bound for IntervalSeconds and MaxAttempts.
    static let maximumCount = 99_999_999
    /// AWS's upper bound for MaxDelaySeconds (one year and a day).
    static let maximumDelaySeconds = 31_622_400

    init(reader: inout FieldReader) {
        errorEquals = readErrorEquals(&reader)
        intervalSeconds =
            reader.integer("IntervalSeconds", in: 1...Self.maximumCount, description: "a positive integer") ?? 1
        maxAttempts =
            reader.integer("MaxAttempts", in: 0...Self.maximumCount, description: "a non-negative integer") ?? 3
        backoffRate = reader.number("BackoffRate", minimum: 1.0, description: "a number greater than or equal to 1.0") ?? 2.0
        maxDelaySeconds = reader.integer(
            "MaxDelaySeconds", in: 1...Self.maximumDelaySeconds,
            description: "a positive integer up to \(Self.maximumDelaySeconds)")
        let jitter = reader.string("JitterStrategy")
        if let jitter, jitter != "FULL", jitter != "NONE" {
            reader.fail("JitterStrategy", "must be \"FULL\" or \"NONE\", not \"\(jitter)\"")
        }
        jitterStrategy = jitter
        comment = reader.string("Comment")
        reader.rejectUnknownFields(in: "a retrier")
    }

    /// Whether this retrier applies to an error named `errorName` (see `ErrorHandling.matches`).
    public func matches(_ errorName: String) -> Bool {
        ErrorHandling.matches(errorName, errorEquals: errorEquals)
    }

    /// The longest a retry waits, in seconds: AWS's largest `IntervalSeconds` (about three
    /// years), so no delay a definition can ask for directly is shortened. Past it,
    /// `IntervalSeconds × BackoffRate^(retry − 1)` grows to numbers (1e300, infinity) that no
    /// timer can be set for: a `Date` that far loses its seconds, and making a `Duration` of it
    /// traps.
    static let longestDelaySeconds = Double(maximumCount)

    /// Seconds to wait before retry number `retry` (1 for the first retry):
    /// `IntervalSeconds × BackoffRate^(retry − 1)`, capped at `MaxDelaySeconds` and at
    /// `longestDelaySeconds`; never negative. Without jitter.
    public func delaySeconds(forRetry retry: Int) -> Double {
        // `pow` takes the same time for any exponent: the retry count comes from the definition
        // (MaxAttempts up to 99,999,999), and multiplying once per retry took that many steps.
        let exponent = retry > 1 ? Double(retry - 1) : 0
        let delay = Double(intervalSeconds) * pow(backoffRate, exponent)
        let cap = max(0, min(maxDelaySeconds.map(Double.init) ?? Self.longestDelaySeconds, Self.longestDelaySeconds))
        // NaN (an interval of 0 times an infinite growth) waits nothing, as the interval says.
        return delay.isNaN ? 0 : min(max(delay, 0), cap)
    }

    /// The delay with `JitterStrategy` applied: `FULL` picks uniformly in [0, delay].
    public func delaySeconds(forRetry retry: Int, using generator: inout some RandomNumberGenerator) -> Double {
        let delay = delaySeconds(forRetry: retry)
        guard jitterStrategy == "FULL", delay > 0 else { return delay }
        return Double.random(in: 0...delay, using: &generator)
    }
}

/// One entry of a state's `Catch` field.
public struct Catcher: Sendable, Hashable {
    public let errorEquals: [String]
    public let next: String
    public let resultPath: ResultPath
    public let comment: String?
    /// `Assign`: the variables set when this catcher takes the error, with the error output
    /// (`{"Error", "Cause"}`) as `$`; they go to the scope the failed state is in.
    public let assign: Assignment?

    public init(errorEquals: [String], next: String, resultPath: ResultPath = .default, comment: String? = nil, assign: Assignment? = nil) {
        self.errorEquals = errorEquals
        self.next = next
        self.resultPath = resultPath
        self.comment = comment
        self.assign = assign
    }

    init(reader: inout FieldReader) {
        errorEquals = readErrorEquals(&reader)
        next = reader.string("Next", required: true) ?? ""
        resultPath = reader.resultPath()
        comment = reader.string("Comment")
        assign = reader.assignment()
        reader.rejectUnknownFields(in: "a catcher")
    }

    public func matches(_ errorName: String) -> Bool {
        ErrorHandling.matches(errorName, errorEquals: errorEquals)
    }

    /// The output passed to `next`: the error output `{"Error": ..., "Cause": ...}` placed
    /// into the state input by this catcher's `ResultPath`.
    public func output(for error: StatesError, stateInput: JSONValue) throws(StatesError) -> JSONValue {
        try resultPath.apply(result: error.errorOutput, to: stateInput)
    }
}

extension StatesError {
    /// `{"Error": name, "Cause": cause}`, what a catcher passes on.
    public var errorOutput: JSONValue { ["Error": .string(name), "Cause": .string(cause)] }
}

private func readErrorEquals(_ reader: inout FieldReader) -> [String] {
    guard let value = reader.raw("ErrorEquals") else {
        reader.fail("ErrorEquals", "is required")
        return []
    }
    guard case .array(let elements) = value, !elements.isEmpty else {
        reader.fail("ErrorEquals", "must be a non-empty array of error names")
        return []
    }
    var names: [String] = []
    for element in elements {
        guard case .string(let name) = element else {
            reader.fail("ErrorEquals", "must contain only strings, not \(element.typeName)")
            continue
        }
        names.append(name)
    }
    if names.contains(StatesError.all), names.count > 1 {
        reader.fail("ErrorEquals", "must contain \"States.ALL\" alone")
    }
    return names
}
