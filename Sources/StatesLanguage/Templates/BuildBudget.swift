import JSON

/// The bounds on what one evaluation builds from input (a payload template, an intrinsic
/// function, a `ResultPath` output), checked while it builds. Input, definitions and the
/// values they select are hostile: a template can copy `$` many times, `States.Format` and
/// `States.JsonToString` write whole values as text, and a 1 MB definition holds thousands of
/// calls. Without these bounds a value could grow to gigabytes, or nest deeper than code that
/// recurses over values can go, before the engine checks the finished payload
/// (`Limits.checkPayload`, which stays).
public struct BuildBudget {
    /// AWS's payload quota: 256 KiB of UTF-8 text, the figure the engine checks finished
    /// payloads against too. No value built may be longer as text.
    public static let maximumBytes = 262_144
    /// No value built may nest deeper than the parser reads (`JSONValue.maximumDepth`, 512).
    static let maximumDepth = JSONValue.maximumDepth
    /// JSON text the intrinsic functions of one evaluation may read or write: 32 payloads,
    /// 8 MiB. Our choice (AWS states none): ten nested calls that each read and write a full
    /// payload fit in it, and it bounds the memory and time that the many calls of a 1 MB
    /// definition can take on a large input.
    static let maximumIntrinsicBytes = 32 * maximumBytes

    /// What is being built, for causes: "Parameters", "ResultSelector", "ErrorPath", ...
    let field: String
    /// Bytes of text of the value built so far (templates count as they go).
    private(set) var bytes = 0
    /// Bytes the intrinsic functions have read or written so far.
    private(set) var intrinsicBytes = 0
    /// Values the indefinite paths of this evaluation may still visit (`JSONPath.maximumVisits`).
    var pathVisitsLeft = JSONPath.maximumVisits

    init(field: String) { self.field = field }

    /// Counts `count` more bytes of the value being built.
    mutating func add(bytes count: Int) throws(StatesError) {
        bytes += count
        guard bytes <= Self.maximumBytes else { throw tooLarge() }
    }

    /// Counts `value`, placed `depth` containers deep in the value being built, for the field
    /// `key`. It is measured no further than the budget left, so a huge value costs no more.
    mutating func add(_ value: JSONValue, atDepth depth: Int, key: String) throws(StatesError) {
        let extent = value.extent(byteLimit: Self.maximumBytes - bytes, depthLimit: Self.maximumDepth - depth)
        guard extent.depth + depth <= Self.maximumDepth else {
            throw StatesError.runtime(
                "The value built for '\(field)' would nest deeper than \(Self.maximumDepth) levels at '\(key)'")
        }
        bytes += extent.bytes
        guard bytes <= Self.maximumBytes else { throw tooLarge(at: key) }
    }

    /// Checks a value built whole: a `ResultPath` output (`field` "ResultPath", `key` the path).
    static func check(_ value: JSONValue, field: String, key: String) throws(StatesError) {
        var budget = BuildBudget(field: field)
        try budget.add(value, atDepth: 0, key: key)
    }

    /// Counts `count` bytes that `function` reads or writes.
    mutating func charge(_ count: Int, by function: IntrinsicFunction) throws(StatesError) {
        intrinsicBytes += count
        guard intrinsicBytes <= Self.maximumIntrinsicBytes else {
            throw StatesError.dataLimitExceeded(
                "The intrinsic functions of '\(field)' would read or write more than \(Self.maximumIntrinsicBytes) bytes "
                    + "(at \(function.rawValue))")
        }
    }

    /// Counts the text of `value`, which `function` reads whole; measured no further than the
    /// budget left.
    mutating func charge(reading value: JSONValue, by function: IntrinsicFunction) throws(StatesError) {
        try charge(value.extent(byteLimit: Self.maximumIntrinsicBytes - intrinsicBytes).bytes, by: function)
    }

    func tooLarge(at key: String? = nil) -> StatesError {
        StatesError.dataLimitExceeded(
            "The value built for '\(field)' is larger than the payload limit of \(Self.maximumBytes) bytes"
                + (key.map { " (at '\($0)')" } ?? ""))
    }
}
