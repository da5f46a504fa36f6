import Foundation

/// A database path in a folder of its own; `remove()` deletes the folder.
public struct ScratchDatabase: Sendable {
    public let folder: URL
    public var path: String { folder.appendingPathComponent("db.sqlite").path }

    public init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stepd-db-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    public func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}
