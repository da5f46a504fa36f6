import Foundation

/// Finds the processes of jobs by the `STEPD_JOB_ID` each job is started with: after a stop
/// that came while a job was being launched, whether it was spawned is known only this way.
enum JobProcessFinder {
    struct Found: Sendable, Equatable {
        let pid: Int32
        let startTime: UInt64
    }

    /// The running process of each of `jobIds` that has one: a session leader (each job is
    /// started in a session of its own) whose environment names the job. Processes of other
    /// users cannot be read and are not found, nor are those of a job's own children.
    static func find(jobIds: Set<String>) -> [String: Found] {
        guard !jobIds.isEmpty, let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [:] }
        var found: [String: Found] = [:]
        for entry in entries {
            guard let pid = Int32(entry), pid > 1, LinuxProcess.session(of: pid) == pid,
                let environment = LinuxProcess.readProcFile("/proc/\(pid)/environ", limit: 1 << 20),
                let jobId = jobId(inEnvironment: environment), jobIds.contains(jobId),
                let startTime = LinuxProcess.startTime(of: pid)
            else { continue }
            found[jobId] = Found(pid: pid, startTime: startTime)
        }
        return found
    }

    /// The value of `STEPD_JOB_ID` in a NUL-separated environment block.
    static func jobId(inEnvironment block: [UInt8]) -> String? {
        let prefix = Array("STEPD_JOB_ID=".utf8)
        for variable in block.split(separator: 0, omittingEmptySubsequences: true) where variable.starts(with: prefix) {
            return String(decoding: variable.dropFirst(prefix.count), as: UTF8.self)
        }
        return nil
    }
}
