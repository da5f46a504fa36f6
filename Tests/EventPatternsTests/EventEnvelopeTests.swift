import EventPatterns
import Foundation
import JSON
import Testing

private let defaults = EnvelopeDefaults(
    makeId: { "generated-id" }, now: Date(timeIntervalSince1970: 1_553_631_253), account: "000000000000",
    region: "local")

@Test func fullEnvelopeRoundTrips() throws {
    let text = """
        {"version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
         "detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
         "account": "111122223333", "time": "2017-12-22T18:43:48Z", "region": "us-west-1",
         "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
         "detail": {"instance-id": "i-1234567890abcdef0", "state": "terminated"}}
        """
    let json = try JSONValue(parsing: text)
    let envelope = try EventEnvelope(json: json, defaults: defaults)
    #expect(envelope.detailType == "EC2 Instance State-change Notification")
    #expect(envelope.time == Date(timeIntervalSince1970: 1_513_968_228))
    #expect(envelope.json == json)
}

@Test func missingFieldsAreDefaulted() throws {
    let envelope = try EventEnvelope(json: ["source": "my.job", "detail-type": "Report"], defaults: defaults)
    #expect(envelope.version == "0")
    #expect(envelope.id == "generated-id")
    #expect(envelope.account == "000000000000")
    #expect(envelope.region == "local")
    #expect(envelope.time == defaults.now)
    #expect(envelope.resources == [])
    #expect(envelope.detail == .object([:]))
    #expect(envelope.json["time"] == "2019-03-26T20:14:13Z")
}

struct TimeCase: Sendable {
    let text: String
    let seconds: Double
}

@Test(arguments: [
    TimeCase(text: "2019-03-26T20:14:13Z", seconds: 1_553_631_253),
    TimeCase(text: "2019-03-26T20:14:13.250Z", seconds: 1_553_631_253.25),
    TimeCase(text: "2019-03-26T22:14:13+02:00", seconds: 1_553_631_253),
    TimeCase(text: "2019-03-26T15:14:13-05:00", seconds: 1_553_631_253),
    TimeCase(text: "1970-01-01T00:00:00Z", seconds: 0),
    TimeCase(text: "2024-02-29T00:00:00Z", seconds: 1_709_164_800),
])
func timeIsRFC3339(_ testCase: TimeCase) throws {
    let envelope = try EventEnvelope(
        json: ["source": "s", "detail-type": "d", "time": .string(testCase.text)], defaults: defaults)
    #expect(abs(envelope.time.timeIntervalSince1970 - testCase.seconds) < 0.001)
}

struct EnvelopeErrorCase: Sendable, CustomTestStringConvertible {
    let json: String
    let message: String
    var testDescription: String { message }
}

@Test(arguments: [
    EnvelopeErrorCase(json: #"[]"#, message: "the event must be a JSON object, not array"),
    EnvelopeErrorCase(json: #"{"detail-type": "d"}"#, message: "field 'source' is required"),
    EnvelopeErrorCase(json: #"{"source": "s"}"#, message: "field 'detail-type' is required"),
    EnvelopeErrorCase(json: #"{"source": "", "detail-type": "d"}"#, message: "field 'source' must not be empty"),
    EnvelopeErrorCase(json: #"{"source": 1, "detail-type": "d"}"#, message: "field 'source' must be a string, not number"),
    EnvelopeErrorCase(json: #"{"source": "s", "detail-type": "d", "detail": "x"}"#,
                      message: "field 'detail' must be a JSON object, not string"),
    EnvelopeErrorCase(json: #"{"source": "s", "detail-type": "d", "detail": null}"#,
                      message: "field 'detail' must be a JSON object, not null"),
    EnvelopeErrorCase(json: #"{"source": "s", "detail-type": "d", "resources": "r"}"#,
                      message: "field 'resources' must be an array of strings, not string"),
    EnvelopeErrorCase(json: #"{"source": "s", "detail-type": "d", "resources": ["a", 2]}"#,
                      message: "field 'resources[1]' must be a string, not number"),
    EnvelopeErrorCase(json: #"{"source": "s", "detail-type": "d", "time": "yesterday"}"#,
                      message: "field 'time' must be an RFC 3339 timestamp such as 2019-03-26T20:14:13Z, not 'yesterday'"),
    EnvelopeErrorCase(json: #"{"source": "s", "detail-type": "d", "time": "2019-02-30T00:00:00Z"}"#,
                      message: "field 'time' must be an RFC 3339 timestamp such as 2019-03-26T20:14:13Z, not '2019-02-30T00:00:00Z'"),
    EnvelopeErrorCase(json: #"{"source": "s", "detail-type": "d", "id": ""}"#, message: "field 'id' must not be empty"),
    EnvelopeErrorCase(json: #"{"source": "s", "detail-type": "d", "detailType": "x"}"#,
                      message: "field 'detailType' is not part of the EventBridge event structure"),
])
func invalidEnvelopeIsRefused(_ testCase: EnvelopeErrorCase) throws {
    let json = try JSONValue(parsing: testCase.json)
    #expect(throws: EventFormatError(testCase.message)) {
        try EventEnvelope(json: json, defaults: defaults)
    }
}

@Test func putEventsEntry() throws {
    let entry: JSONValue = [
        "Source": "com.example", "DetailType": "Order Placed", "Detail": #"{"order": 7}"#,
        "Resources": ["r1"], "EventBusName": "default", "Time": 1_553_631_253,
    ]
    let envelope = try EventEnvelope(putEventsEntry: entry, defaults: defaults)
    #expect(envelope.source == "com.example")
    #expect(envelope.detailType == "Order Placed")
    #expect(envelope.detail == ["order": 7])
    #expect(envelope.resources == ["r1"])
    #expect(envelope.id == "generated-id")
    #expect(envelope.time == Date(timeIntervalSince1970: 1_553_631_253))
    #expect(envelope.json["account"] == "000000000000")
}

@Test(arguments: [
    EnvelopeErrorCase(json: #"{"DetailType": "d", "Detail": "{}"}"#, message: "field 'Source' is required"),
    EnvelopeErrorCase(json: #"{"Source": "s", "Detail": "{}"}"#, message: "field 'DetailType' is required"),
    EnvelopeErrorCase(json: #"{"Source": "s", "DetailType": "d"}"#, message: "field 'Detail' is required"),
    EnvelopeErrorCase(json: #"{"Source": "s", "DetailType": "d", "Detail": "[1]"}"#,
                      message: "field 'Detail' must hold a JSON object, not array"),
    EnvelopeErrorCase(json: #"{"Source": "s", "DetailType": "d", "Detail": {"a": 1}}"#,
                      message: "field 'Detail' must be a string, not object"),
    EnvelopeErrorCase(json: #"{"Source": "s", "DetailType": "d", "Detail": "{}", "Time": true}"#,
                      message: "field 'Time' must be a timestamp (epoch seconds or RFC 3339), not boolean"),
    // Issue #15: this entry stopped the daemon (an overflow while formatting its time).
    EnvelopeErrorCase(json: #"{"Source": "s", "DetailType": "d", "Detail": "{}", "Time": 1e16}"#,
                      message: "field 'Time' must be a timestamp between the years 0000 and 9999, not 1e+16 seconds since 1970"),
    EnvelopeErrorCase(json: #"{"Source": "s", "DetailType": "d", "Detail": "{}", "Time": -1e16}"#,
                      message: "field 'Time' must be a timestamp between the years 0000 and 9999, not -1e+16 seconds since 1970"),
])
func invalidPutEventsEntryIsRefused(_ testCase: EnvelopeErrorCase) throws {
    let json = try JSONValue(parsing: testCase.json)
    #expect(throws: EventFormatError(testCase.message)) {
        try EventEnvelope(putEventsEntry: json, defaults: defaults)
    }
}

@Test func detailThatIsNotJSONNamesTheField() throws {
    let entry: JSONValue = ["Source": "s", "DetailType": "d", "Detail": "{not json"]
    do {
        _ = try EventEnvelope(putEventsEntry: entry, defaults: defaults)
        Issue.record("accepted")
    } catch {
        #expect(error.message.hasPrefix("field 'Detail' must hold a JSON object: "))
    }
}
