import StepDaemon
import Testing

@Suite("retention periods on stepd's command line")
struct RetentionPeriodTests {
    @Test(arguments: [
        ("90d", Duration?.some(.seconds(90 * 86_400))), ("24h", .some(.seconds(86_400))), ("30m", .some(.seconds(1_800))),
        ("45s", .some(.seconds(45))), ("forever", nil), ("36500d", .some(.seconds(36_500 * 86_400))),
    ])
    func accepted(text: String, period: Duration?) throws {
        #expect(try RetentionPeriod.parse(text) == period)
    }

    @Test(arguments: ["", "d", "0d", "-1d", "1.5d", "10", "10w", "36501d", "9223372036854775807s", "1e3s", "Forever"])
    func refused(text: String) {
        #expect(throws: RetentionPeriodError.self) { try RetentionPeriod.parse(text) }
    }
}
