import Foundation
import Synchronization

/// Folders for tests under the temporary folder, removed when the test process exits.
///
/// Not when the value holding one goes away: Swift may release a value after its last use,
/// while the test still uses the path it handed out (a database reopened, a child's output read).
public enum ScratchFolder {
    private static let made = Mutex<[String]>([])
    private static let removeAtExit: Void = { atexit { ScratchFolder.removeAll() } }()

    /// A new folder `<temporary folder>/<prefix>-<uuid>` (or under `base`), created.
    public static func make(_ prefix: String, under base: String = NSTemporaryDirectory()) throws -> String {
        _ = removeAtExit
        let path = (base.hasSuffix("/") ? base : base + "/") + "\(prefix)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        made.withLock { $0.append(path) }
        return path
    }

    private static func removeAll() {
        for path in made.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }
}
