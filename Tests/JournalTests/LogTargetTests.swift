import Foundation
import Glibc
import StepDaemon
import Testing

@Suite("LogTarget")
struct LogTargetTests {
    @Test(
        "auto follows stderr; journal and console are what they say",
        arguments: [
            (LogTarget.auto, true, LogDestination.journal),
            (.auto, false, .console),
            (.journal, false, .journal),
            (.journal, true, .journal),
            (.console, true, .console),
            (.console, false, .console),
        ])
    func destination(target: LogTarget, stderrIsJournal: Bool, expected: LogDestination) {
        #expect(target.destination(stderrIsJournal: stderrIsJournal) == expected)
    }

    @Test("the option's words", arguments: [("auto", LogTarget.auto), ("journal", .journal), ("console", .console)])
    func names(word: String, target: LogTarget) {
        #expect(LogTarget(rawValue: word) == target)
    }

    @Test("--log-target journal without a journal socket is refused, naming the socket")
    func journalNeedsSocket() throws {
        let directory = NSTemporaryDirectory() + "log-target-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let missing = directory + "/socket"
        let reason = try #require(LogTarget.journal.unavailableReason(journalSocket: missing))
        #expect(reason.contains(missing))
        #expect(reason.contains("--log-target journal"))

        let regularFile = directory + "/file"
        try Data().write(to: URL(fileURLWithPath: regularFile))
        #expect(LogTarget.journal.unavailableReason(journalSocket: regularFile) != nil)

        let socketPath = directory + "/bound"
        let fd = try bindUnixSocket(at: socketPath)
        defer { close(fd) }
        #expect(LogTarget.journal.unavailableReason(journalSocket: socketPath) == nil)
        #expect(LogTarget.auto.unavailableReason(journalSocket: missing) == nil)
        #expect(LogTarget.console.unavailableReason(journalSocket: missing) == nil)
    }
}

private func bindUnixSocket(at path: String) throws -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    try #require(fd >= 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    try #require(bytes.count < MemoryLayout.size(ofValue: address.sun_path))
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        for (index, byte) in bytes.enumerated() { raw[index] = byte }
    }
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    try #require(result == 0)
    return fd
}
