import Foundation
import FuzzSupport
import EventPatterns
import JSON

/// The event pattern compiler and matcher, and the event envelope (Sources/EventPatterns).
///
/// The input is a pattern, a newline, and an event (any JSON). The pattern compiles or is
/// refused with a message; the event is read as a spool event and as a PutEvents entry; a
/// compiled pattern is matched against the event as given and against each envelope read.
/// Checked: an envelope's JSON reads back to the same JSON.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEventPatterns(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let (patternText, eventText) = FuzzInput(start, count).firstLineAndRest
    let pattern: EventPattern?
    do {
        pattern = try EventPattern(text: patternText)
    } catch {
        require(!error.message.isEmpty, "a refused pattern without a message")
        pattern = nil
    }
    guard let event = try? JSONValue(parsing: eventText) else { return 0 }
    _ = pattern?.matches(event)
    for envelope in [try? EventEnvelope(json: event, defaults: defaults), try? EventEnvelope(putEventsEntry: event, defaults: defaults)] {
        guard let envelope else { continue }
        let json = envelope.json
        let reread = try? EventEnvelope(json: json, defaults: defaults)
        require(reread?.json == json, "the envelope \(json.serialized()) does not read back")
        _ = pattern?.matches(json)
    }
    return 0
}

private let defaults = EnvelopeDefaults(
    makeId: { "00000000-0000-0000-0000-000000000000" }, now: Date(timeIntervalSince1970: 1_700_000_000),
    account: "000000000000", region: "local")
