import FuzzSupport
import JSON
import StatesLanguage

/// JSONPath, reference paths (`InputPath`, `OutputPath`, `ResultPath`) and payload templates.
///
/// The input is an expression, a newline, and a JSON document (text that is not JSON is a
/// string document). The expression is read as a JSONPath, as each kind of path, and, when
/// it is JSON, as a payload template; each that compiles is applied to the document. Checked:
/// a reference path selects what the same JSONPath does; what `ResultPath` writes is found
/// again at that path.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPaths(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let (expression, rest) = FuzzInput(start, count).firstLineAndRest
    let document = JSONValue.document(rest)

    // A path on a variable that is not set has no document to select in (`$none[*]`).
    if let path = try? JSONPath(expression), let root = path.document(input: document, context: fuzzContext) {
        let selected = path.select(in: root)
        require(path.isDefinite || selected?.arrayValue != nil, "the indefinite path \(expression) selected \(String(describing: selected))")
    }
    if let reference = try? ReferencePath(expression), let path = try? JSONPath(expression) {
        let value = reference.valueIfPresent(in: document, context: fuzzContext)
        require(value == path.document(input: document, context: fuzzContext).flatMap { path.select(in: $0) }, "\(expression): the reference path and the JSONPath disagree")
        require((try? reference.value(in: document, context: fuzzContext)) == value, "\(expression): value(in:) and valueIfPresent(in:) disagree")
    }
    if let inputPath = try? InputPath(json: .string(expression)) {
        _ = try? inputPath.apply(to: document, context: fuzzContext)
    }
    if let outputPath = try? OutputPath(json: .string(expression)) {
        _ = try? outputPath.apply(to: document, context: fuzzContext)
    }
    if let resultPath = try? ResultPath(json: .string(expression)) {
        checkResultPath(resultPath, expression: expression, document: document)
    }
    if let template = try? JSONValue(parsing: expression) {
        applyTemplate(template, document: document)
    }
    return 0
}

private func checkResultPath(_ resultPath: ResultPath, expression: String, document: JSONValue) {
    let result: JSONValue = ["written": [1, 2, 3]]
    guard let output = try? resultPath.apply(result: result, to: document) else { return }
    guard case .path(let path) = resultPath else { return }
    require(path.valueIfPresent(in: output) == result, "ResultPath \(expression) wrote where it does not read back")
}

private func applyTemplate(_ json: JSONValue, document: JSONValue) {
    for field in ["Parameters", "ResultSelector"] {
        guard let template = try? PayloadTemplate(json: json, field: field) else { continue }
        var random = fuzzRandom()
        _ = try? template.evaluate(input: document, context: fuzzContext, using: &random)
    }
    // The non-string forms of the path fields: null, objects and the rest are accepted or refused, never trapped.
    _ = try? ResultPath(json: json)
    _ = try? InputPath(json: json)
    _ = try? OutputPath(json: json)
}
