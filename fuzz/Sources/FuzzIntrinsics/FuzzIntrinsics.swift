import FuzzSupport
import JSON
import StatesLanguage

/// Intrinsic functions, parsed and evaluated.
///
/// The input is an expression, a newline, and a JSON document (the state input). An
/// expression that parses is evaluated against the document and a fixed context object, with
/// seeded random numbers; it may fail with `States.IntrinsicFailure` or `States.Runtime`, never
/// trap. The same expression evaluates to the same value twice.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIntrinsics(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let (text, rest) = FuzzInput(start, count).firstLineAndRest
    _ = IntrinsicExpression.looksLikeCall(text)
    guard let expression = try? IntrinsicExpression(text) else { return 0 }
    let document = JSONValue.document(rest)
    var random = fuzzRandom()
    let first = evaluate(expression, document: document, random: &random)
    random = fuzzRandom()
    let second = evaluate(expression, document: document, random: &random)
    require(first == second, "\(text) evaluates to \(first) and then to \(second)")
    return 0
}

private enum Outcome: Equatable, CustomStringConvertible {
    case value(JSONValue)
    case failure(StatesError)

    var description: String {
        switch self {
        case .value(let value): value.serialized()
        case .failure(let error): "\(error.name): \(error.cause)"
        }
    }
}

private func evaluate(_ expression: IntrinsicExpression, document: JSONValue, random: inout SplitMix64) -> Outcome {
    do {
        return .value(try expression.evaluate(input: document, context: fuzzContext, field: "Parameters", using: &random))
    } catch {
        require(error.name == StatesError.intrinsicFailure || error.name == StatesError.runtime, "\(expression) failed with \(error.name)")
        return .failure(error)
    }
}
