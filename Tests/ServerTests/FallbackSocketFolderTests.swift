import Foundation
import StepAPI
import Testing

/// The socket's folder under /tmp is refused unless it is the user's own, with mode 0700.
@Suite("the fallback socket folder is the user's own or refused")
struct FallbackSocketFolderTests {
    enum Setup: String, CaseIterable, Sendable {
        case missing, privateFolder, openFolder, symbolicLink, otherOwner
    }

    @Test(arguments: Setup.allCases)
    func refusal(_ setup: Setup) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("fallback-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let folder = base + "/stepd-x"
        let uid = getuid()
        switch setup {
        case .missing: break
        case .privateFolder, .openFolder, .otherOwner:
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
            try #require(chmod(folder, setup == .openFolder ? 0o755 : 0o700) == 0)
            if setup == .otherOwner {
                guard uid == 0 else { return }  // only root can give a folder away
                try #require(chown(folder, 4_000_000_001, 0) == 0)
            }
        case .symbolicLink:
            try FileManager.default.createDirectory(atPath: base + "/elsewhere", withIntermediateDirectories: false)
            try #require(chmod(base + "/elsewhere", 0o700) == 0)
            try FileManager.default.createSymbolicLink(atPath: folder, withDestinationPath: base + "/elsewhere")
        }
        let refusal = FallbackSocketFolder.refusal(socketPath: folder + "/stepd.sock", uid: uid, folder: folder)
        switch setup {
        case .missing, .privateFolder: #expect(refusal == nil)
        case .openFolder: #expect(refusal?.contains("mode 755") == true, "\(refusal ?? "nil")")
        case .symbolicLink: #expect(refusal?.contains("not a folder") == true, "\(refusal ?? "nil")")
        case .otherOwner: #expect(refusal?.contains("belongs to uid 4000000001") == true, "\(refusal ?? "nil")")
        }
        #expect(FallbackSocketFolder.refusal(socketPath: "/run/stepd/stepd.sock", uid: uid, folder: folder) == nil)
    }
}
