import Foundation
import Glibc

/// The event spool, Maildir style: `<state dir>/events/{tmp,new,failed}`.
///
/// A writer creates its file in `tmp/` and renames it into `new/`, so that the daemon only
/// ever sees complete files. Files the daemon cannot accept are moved to `failed/`, each
/// with a `<name>.error` file saying why.
///
/// All four directories are created with mode `0700`: the spool belongs to the daemon's
/// user, and the jobs it spawns run as that user. Other local users send events with
/// `PutEvents` over the socket, where their uid is known; a world-writable spool would let
/// any of them inject events in the daemon's name. Existing directories keep their mode.
public struct SpoolDirectory: Sendable, Equatable {
    public let root: String
    public var tmp: String { root + "/tmp" }
    public var new: String { root + "/new" }
    public var failed: String { root + "/failed" }

    /// The mode of the directories `create()` makes.
    public static let directoryMode: mode_t = 0o700

    /// `root` is `<state dir>/events`.
    public init(root: String) {
        var root = root
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        self.root = root
    }

    /// Creates the root (and its parents) and `tmp/`, `new/`, `failed/` when missing.
    /// Each must end up a real directory, not a symbolic link to one.
    public func create() throws {
        let parent = (root as NSString).deletingLastPathComponent
        if !parent.isEmpty, !FileManager.default.fileExists(atPath: parent) {
            do {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            } catch {
                throw SpoolError("cannot create \(parent): \(error.localizedDescription)")
            }
        }
        for path in [root, tmp, new, failed] {
            if mkdir(path, Self.directoryMode) != 0 {
                let code = errno
                guard code == EEXIST else { throw SpoolError.system("cannot create directory", path, errno: code) }
            }
            var info = stat()
            guard lstat(path, &info) == 0 else { throw SpoolError.system("cannot inspect", path, errno: errno) }
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw SpoolError("\(path) exists and is not a directory")
            }
        }
    }

    /// Writes an event file the way every writer should: into `tmp/<name>` (created
    /// exclusively, mode `0600`), `fsync`, then `rename` into `new/<name>` and `fsync` of
    /// `new/`, so the file appears whole and survives a crash once this returns.
    ///
    /// `name` must be unique (include the event id or a UUID), non-empty, without `/`, and
    /// must not start with `.` (the watcher ignores such names).
    public func write(event data: Data, name: String) throws {
        try Self.validate(name: name)
        let temporary = tmp + "/" + name
        let final = new + "/" + name
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SpoolError.system("cannot create", temporary, errno: errno) }
        do {
            try Self.writeAll(fd: fd, data: data, path: temporary)
            guard fsync(fd) == 0 else { throw SpoolError.system("cannot fsync", temporary, errno: errno) }
            guard close(fd) == 0 else { throw SpoolError.system("cannot close", temporary, errno: errno) }
        } catch {
            _ = close(fd)
            _ = unlink(temporary)
            throw error
        }
        guard rename(temporary, final) == 0 else {
            let code = errno
            _ = unlink(temporary)
            throw SpoolError.system("cannot move \(temporary) to", final, errno: code)
        }
        try Self.syncDirectory(new)
    }

    /// Deletes the regular files of `folder` last modified before `cutoff` (seconds since
    /// 1970); returns how many. Entries it cannot inspect or delete are left.
    static func deleteFiles(in folder: String, modifiedBefore cutoff: Double) -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return 0 }
        var deleted = 0
        for name in names {
            let path = folder + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Double(info.st_mtim.tv_sec) < cutoff else { continue }
            if unlink(path) == 0 { deleted += 1 }
        }
        return deleted
    }

    static func validate(name: String) throws(SpoolError) {
        guard !name.isEmpty, !name.hasPrefix("."), !name.contains("/"), !name.utf8.contains(0),
            name.utf8.count <= 240
        else {
            throw SpoolError("invalid spool file name '\(name)': 1 to 240 bytes, no '/', not starting with '.'")
        }
    }

    static func writeAll(fd: Int32, data: Data, path: String) throws(SpoolError) {
        let result: SpoolError? = data.withUnsafeBytes { buffer -> SpoolError? in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return SpoolError.system("cannot write", path, errno: errno)
                }
                offset += written
            }
            return nil
        }
        if let result { throw result }
    }

    static func syncDirectory(_ path: String) throws(SpoolError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw SpoolError.system("cannot open", path, errno: errno) }
        defer { _ = close(fd) }
        guard fsync(fd) == 0 else { throw SpoolError.system("cannot fsync", path, errno: errno) }
    }
}
