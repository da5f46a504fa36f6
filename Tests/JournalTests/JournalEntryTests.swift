import Logging
@testable import StepDaemon
import Testing

@Suite("JournalEntry")
struct JournalEntryTests {
    @Test(
        "PRIORITY follows syslog(3) from the log level",
        arguments: [
            (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
        ])
    func priority(level: Logger.Level, expected: Int) {
        #expect(JournalEntry.priority(of: level) == expected)
        let entry = JournalEntry(level: level, message: "m", metadata: [:], identifier: "stepd", file: "F", function: "f", line: 1)
        #expect(entry.value(of: "PRIORITY") == String(expected))
    }

    @Test("fields: MESSAGE with the metadata, PRIORITY, SYSLOG_IDENTIFIER, CODE_*, then the metadata by name")
    func fields() {
        let entry = JournalEntry(
            level: .warning, message: "execution failed",
            metadata: [
                "EXECUTION_ARN": "arn:aws:states:local:000000000000:execution:main:e1",
                "stateName": "Fail",
                "CAUSE": "line one\nline two",
                "message": "clash",
                ".": "dropped",
            ],
            identifier: "stepd", file: "StepEngine/ExecutionStepper.swift", function: "endExecution(_:status:)", line: 42)
        #expect(entry.fields == [
            .init("MESSAGE", "execution failed CAUSE=line one\nline two EXECUTION_ARN=arn:aws:states:local:000000000000:execution:main:e1 FIELD_MESSAGE=clash STATE_NAME=Fail"),
            .init("PRIORITY", "4"),
            .init("SYSLOG_IDENTIFIER", "stepd"),
            .init("CODE_FILE", "StepEngine/ExecutionStepper.swift"),
            .init("CODE_LINE", "42"),
            .init("CODE_FUNC", "endExecution(_:status:)"),
            .init("CAUSE", "line one\nline two"),
            .init("EXECUTION_ARN", "arn:aws:states:local:000000000000:execution:main:e1"),
            .init("FIELD_MESSAGE", "clash"),
            .init("STATE_NAME", "Fail"),
        ])
    }

    @Test("without metadata MESSAGE is the message alone")
    func plainMessage() {
        let entry = JournalEntry(level: .info, message: "ready", metadata: [:], identifier: "stepd", file: "F", function: "f", line: 1)
        #expect(entry.value(of: "MESSAGE") == "ready")
        #expect(entry.fields.count == 6)
    }

    @Test(
        "NAME=value bytes as sd_journal_sendv takes them; newlines and non-ASCII go as they are",
        arguments: [
            (JournalEntry.Field("JOB_ID", "j-1"), [0x4A, 0x4F, 0x42, 0x5F, 0x49, 0x44, 0x3D, 0x6A, 0x2D, 0x31]),
            (JournalEntry.Field("CAUSE", "a\nb"), [0x43, 0x41, 0x55, 0x53, 0x45, 0x3D, 0x61, 0x0A, 0x62]),
            (JournalEntry.Field("NAME", "Été"), [0x4E, 0x41, 0x4D, 0x45, 0x3D, 0xC3, 0x89, 0x74, 0xC3, 0xA9]),
            (JournalEntry.Field("ERROR", ""), [0x45, 0x52, 0x52, 0x4F, 0x52, 0x3D]),
        ] as [(JournalEntry.Field, [UInt8])])
    func encoding(field: JournalEntry.Field, expected: [UInt8]) {
        #expect(field.encoded == expected)
    }

    @Test("two keys making one name: the first by key order is kept")
    func duplicateNames() {
        let entry = JournalEntry(
            level: .info, message: "m", metadata: ["jobId": "from-camel", "JOB_ID": "from-upper"], identifier: "stepd",
            file: "F", function: "f", line: 1)
        #expect(entry.fields.filter { $0.name == "JOB_ID" } == [.init("JOB_ID", "from-upper")])
    }

    @Test("nested metadata values are rendered as the console renders them")
    func nestedValues() {
        let metadata: Logger.Metadata = ["RULES": .array(["a", "b"]), "COUNT": .stringConvertible(3)]
        let entry = JournalEntry(level: .info, message: "m", metadata: metadata, identifier: "stepd", file: "F", function: "f", line: 1)
        #expect(entry.value(of: "RULES") == Logger.MetadataValue.array(["a", "b"]).description)
        #expect(entry.value(of: "COUNT") == "3")
    }

    @Test("the handler merges its metadata, the provider's and the call's (the call wins), and renders an error")
    func handlerMetadata() {
        struct Failure: Error, CustomStringConvertible { var description: String { "disk full" } }
        var handler = JournalLogHandler(metadataProvider: Logger.MetadataProvider { ["FROM_PROVIDER": "p", "SHARED": "provider"] })
        handler[metadataKey: "FROM_HANDLER"] = "h"
        handler[metadataKey: "SHARED"] = "handler"
        let event = LogEvent(
            level: .error, message: "m", error: Failure(), metadata: ["SHARED": "call"], source: nil, file: "F", function: "f", line: 1)
        let merged = handler.mergedMetadata(event)
        #expect(merged["FROM_HANDLER"] == "h")
        #expect(merged["FROM_PROVIDER"] == "p")
        #expect(merged["SHARED"] == "call")
        #expect(merged["ERROR_MESSAGE"] == "disk full")
        #expect(merged["ERROR_TYPE"]?.description.hasSuffix("Failure") == true)
    }
}
