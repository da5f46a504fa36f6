import Glibc

/// The system's users and groups, by name and by membership (NSS: /etc/passwd, /etc/group,
/// or whatever the host has).
public protocol AccountDirectory: Sendable {
    func uid(ofUser name: String) -> UInt32?
    func gid(ofGroup name: String) -> UInt32?
    /// Every group `uid` is a member of, its primary group included; empty for an unknown uid.
    func groups(ofUid uid: UInt32) -> [UInt32]
}

public struct SystemAccounts: AccountDirectory {
    public init() {}

    public func uid(ofUser name: String) -> UInt32? {
        withRecordBuffer { buffer, size in
            var record = passwd()
            var found: UnsafeMutablePointer<passwd>?
            let status = getpwnam_r(name, &record, buffer, size, &found)
            return status == 0 && found != nil ? record.pw_uid : nil
        }
    }

    public func gid(ofGroup name: String) -> UInt32? {
        withRecordBuffer { buffer, size in
            var record = group()
            var found: UnsafeMutablePointer<group>?
            let status = getgrnam_r(name, &record, buffer, size, &found)
            return status == 0 && found != nil ? record.gr_gid : nil
        }
    }

    public func groups(ofUid uid: UInt32) -> [UInt32] {
        let account: (name: String, gid: UInt32)? = withRecordBuffer { buffer, size in
            var record = passwd()
            var found: UnsafeMutablePointer<passwd>?
            guard getpwuid_r(uid, &record, buffer, size, &found) == 0, found != nil, let name = record.pw_name
            else { return nil }
            return (String(cString: name), record.pw_gid)
        }
        guard let account else { return [] }
        // The count is asked for first; a user in more than 4096 groups is cut there.
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(account.name, account.gid, &groups, &count) < 0 {
            count = min(max(count, 0), 4_096)
            groups = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(account.name, account.gid, &groups, &count) >= 0 else { return [account.gid] }
        }
        return Array(groups.prefix(Int(max(count, 0))))
    }

    /// Room for one passwd or group record: the system's suggestion, bounded.
    private func withRecordBuffer<T>(_ body: (_ buffer: UnsafeMutablePointer<CChar>, _ size: Int) -> T?) -> T? {
        let suggested = sysconf(Int32(_SC_GETPW_R_SIZE_MAX))
        let size = max(suggested > 0 ? min(suggested, 1 << 20) : 0, 16_384)
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
        defer { buffer.deallocate() }
        return body(buffer, size)
    }
}
