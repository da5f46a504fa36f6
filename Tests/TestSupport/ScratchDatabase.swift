import Foundation

/// A database path in a folder of its own; `remove()` deletes the folder, and the test
/// process's exit does if nothing did before (`ScratchFolder`).
public struct ScratchDatabase: Sendable {
    public let folder: URL
    public var path: String { folder.appendingPathComponent("db.sqlite").path }

    public init() throws {
        folder = URL(fileURLWithPath: try ScratchFolder.make("stepd-db"))
    }

    public func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}
