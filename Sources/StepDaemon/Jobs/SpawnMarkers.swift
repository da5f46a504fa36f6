import Foundation

/// One empty file per job being spawned, in `<state>/spawning/`: made just before the spawn,
/// removed once the job's start is committed. The kernel keeps it however stepd dies (no
/// fsync is needed: only the machine's crash loses it, and that takes the job with it), so a
/// restart tells a pending job that was never spawned, which it launches, from one whose
/// spawn may have happened, which it looks for and never spawns again: a job runs at most
/// once.
struct SpawnMarkers: Sendable {
    let folder: String

    func create() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Marks `jobId` as being spawned; a job that cannot be marked is not spawned.
    func mark(_ jobId: String) throws(JobLaunchError) {
        guard Self.isPlainName(jobId) else { throw JobLaunchError("job id '\(jobId)' cannot name its spawn mark") }
        let fd = open(folder + "/" + jobId, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw JobLaunchError("cannot mark job \(jobId) as being spawned in \(folder): \(String(cString: strerror(errno)))")
        }
        close(fd)
    }

    func clear(_ jobId: String) {
        guard Self.isPlainName(jobId) else { return }
        unlink(folder + "/" + jobId)
    }

    /// The jobs marked when the last run stopped.
    func marked() -> Set<String> {
        Set(((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter(Self.isPlainName))
    }

    /// Job ids are the engine's UUIDs; anything else is no file name of ours.
    private static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 128
            && name.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D }
    }
}
