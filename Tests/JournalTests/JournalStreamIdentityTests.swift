import Foundation
import Glibc
import StepDaemon
import Testing

@Suite("JournalStreamIdentity")
struct JournalStreamIdentityTests {
    @Test(
        "$JOURNAL_STREAM is <st_dev>:<st_ino> in decimal",
        arguments: [
            ("8:1234", JournalStreamIdentity(device: 8, inode: 1234)),
            ("0:0", JournalStreamIdentity(device: 0, inode: 0)),
            ("18446744073709551615:1", JournalStreamIdentity(device: UInt64.max, inode: 1)),
        ])
    func parse(variable: String, expected: JournalStreamIdentity) {
        #expect(JournalStreamIdentity(variable: variable) == expected)
        #expect(expected.description == variable)
    }

    @Test(
        "anything else is not a journal stream",
        arguments: ["", "8", "8:", ":1", "a:b", "8:1:2", "-1:2", "+1:2", " 8:1", "8:1\n", "0x8:1", "18446744073709551616:1", "٣:1"])
    func malformed(variable: String) {
        #expect(JournalStreamIdentity(variable: variable) == nil)
        #expect(!JournalStreamIdentity.isJournal(variable: variable, descriptor: JournalStreamIdentity(device: 8, inode: 1)))
    }

    @Test(
        "the variable counts only when it names the descriptor",
        arguments: [
            ("8:1", JournalStreamIdentity(device: 8, inode: 1), true),
            ("8:2", JournalStreamIdentity(device: 8, inode: 1), false),
            ("9:1", JournalStreamIdentity(device: 8, inode: 1), false),
            (nil, JournalStreamIdentity(device: 8, inode: 1), false),
            ("8:1", nil, false),
        ] as [(String?, JournalStreamIdentity?, Bool)])
    func compare(variable: String?, descriptor: JournalStreamIdentity?, expected: Bool) {
        #expect(JournalStreamIdentity.isJournal(variable: variable, descriptor: descriptor) == expected)
    }

    @Test("the identity of an open descriptor is its fstat device and inode; a closed one has none")
    func descriptor() throws {
        let path = NSTemporaryDirectory() + "journal-identity-" + UUID().uuidString
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        try #require(fd >= 0)
        defer { unlink(path) }
        var info = stat()
        try #require(stat(path, &info) == 0)
        let identity = try #require(JournalStreamIdentity(descriptor: fd))
        #expect(identity == JournalStreamIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
        close(fd)
        #expect(JournalStreamIdentity(descriptor: fd) == nil)
    }

    @Test("stderr is the journal when JOURNAL_STREAM names it, and only then")
    func stderrCheck() throws {
        let stderrIdentity = try #require(JournalStreamIdentity(descriptor: STDERR_FILENO))
        #expect(JournalStreamIdentity.stderrIsJournal(environment: ["JOURNAL_STREAM": stderrIdentity.description]))
        let other = JournalStreamIdentity(device: stderrIdentity.device, inode: stderrIdentity.inode &+ 1)
        #expect(!JournalStreamIdentity.stderrIsJournal(environment: ["JOURNAL_STREAM": other.description]))
        #expect(!JournalStreamIdentity.stderrIsJournal(environment: [:]))
    }
}
