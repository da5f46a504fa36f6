import StepDaemon
import Testing

@Suite("JournalFieldName")
struct JournalFieldNameTests {
    @Test(
        "metadata keys become journal field names",
        arguments: [
            ("JOB_ID", "JOB_ID"),
            ("EXECUTION_ARN", "EXECUTION_ARN"),
            ("ERRNO", "ERRNO"),
            ("x", "X"),
            ("executionArn", "EXECUTION_ARN"),
            ("jobId", "JOB_ID"),
            ("jobID", "JOB_ID"),
            ("stateMachine", "STATE_MACHINE"),
            ("readyExecutions", "READY_EXECUTIONS"),
            ("URLPath", "URL_PATH"),
            ("utf8Bytes", "UTF8_BYTES"),
            ("sha256", "SHA256"),
            ("error", "ERROR"),
            ("error.message", "ERROR_MESSAGE"),
            ("sl-service", "SL_SERVICE"),
            ("a  b", "A_B"),
            ("_private", "PRIVATE"),
            ("__x__", "X"),
            ("clé", "CL"),
            ("2fa", "FIELD_2FA"),
            ("message", "FIELD_MESSAGE"),
            ("MESSAGE", "FIELD_MESSAGE"),
            ("priority", "FIELD_PRIORITY"),
            ("syslogIdentifier", "FIELD_SYSLOG_IDENTIFIER"),
            ("codeLine", "FIELD_CODE_LINE"),
            (String(repeating: "a", count: 100), String(repeating: "A", count: 64)),
            // Cut at 64, then the trailing separator goes.
            (String(repeating: "a_", count: 40), String(String(repeating: "A_", count: 32).dropLast())),
        ])
    func converting(key: String, expected: String) {
        #expect(JournalFieldName.converting(key) == expected)
        #expect(JournalFieldName.isValid(expected))
    }

    @Test("a key with no letter or digit is dropped", arguments: ["", ".", "-_-", "é", "  "])
    func dropped(key: String) {
        #expect(JournalFieldName.converting(key) == nil)
    }

    @Test(
        "journald's rule for client field names",
        arguments: [
            ("A", true), ("JOB_ID", true), ("X9", true), ("A_", true), (String(repeating: "A", count: 64), true),
            ("", false), ("_A", false), ("9A", false), ("job", false), ("A-B", false), ("A B", false), ("É", false),
            (String(repeating: "A", count: 65), false),
        ])
    func validity(name: String, valid: Bool) {
        #expect(JournalFieldName.isValid(name) == valid)
    }

    @Test("every conversion is valid and never a field the handler writes itself")
    func conversionsAreValid() {
        let keys = ["executionArn", "message", "Priority", "code_file", "CODE-FUNC", "1", "a.b.c", "ÄÖÜ x", "__MESSAGE__"]
        for key in keys {
            guard let name = JournalFieldName.converting(key) else { continue }
            #expect(JournalFieldName.isValid(name), "\(key) -> \(name)")
            #expect(!JournalFieldName.reserved.contains(name), "\(key) -> \(name)")
        }
    }
}
