#if canImport(Glibc)
import Glibc
#endif

/// `/tmp/stepd-<uid>`: where stepd puts its socket, and stepctl looks for it, for a user
/// without a runtime folder. /tmp is everyone's: another user could make the folder first
/// and serve a socket of their own in it, reading what stepctl sends (task tokens) and
/// answering in stepd's name. So both refuse the folder unless it is a real folder owned by
/// the user with mode 0700.
public enum FallbackSocketFolder {
    public static func path(uid: UInt32) -> String { "/tmp/stepd-\(uid)" }

    /// Why a socket at `socketPath` may not be used by `uid`: nil when the socket is not in
    /// the fallback folder, or the folder is safe (or does not exist yet).
    /// `folder`: the fallback folder (tests give one of their own).
    public static func refusal(socketPath: String, uid: UInt32, folder: String? = nil) -> String? {
        let folder = folder ?? path(uid: uid)
        guard socketPath.hasPrefix(folder + "/") else { return nil }
        var info = stat()
        guard lstat(folder, &info) == 0 else {
            return errno == ENOENT ? nil : "cannot inspect \(folder): \(String(cString: strerror(errno)))"
        }
        if info.st_mode & S_IFMT != S_IFDIR {
            return "\(folder) is not a folder (a symbolic link or a file): it is refused, as someone else may have made it"
        }
        if info.st_uid != uid {
            return "\(folder) belongs to uid \(info.st_uid), not to uid \(uid): it is refused, as its owner could serve a socket there"
        }
        if info.st_mode & 0o077 != 0 {
            return "\(folder) has mode \(String(info.st_mode & 0o777, radix: 8)); it must be 0700 (chmod 700 \(folder))"
        }
        return nil
    }
}
