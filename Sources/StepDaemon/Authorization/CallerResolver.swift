import Foundation
import Logging
import StepAPI
import Synchronization

/// Makes a `Caller` of a request's peer: its uid from SO_PEERCRED, its groups from the
/// system (kept a minute per uid, so a request costs no lookup), its role from the policy.
final class CallerResolver: Sendable {
    private struct Membership {
        let groups: [UInt32]
        let at: ContinuousClock.Instant
    }

    private let accounts: any AccountDirectory
    private let policy: Mutex<AccessPolicy>
    private let memberships = Mutex<[UInt32: Membership]>([:])
    private let daemonUid = geteuid()
    private static let membershipLifetime = Duration.seconds(60)
    private static let remembered = 4_096

    init(accounts: any AccountDirectory, policy: AccessPolicy) {
        self.accounts = accounts
        self.policy = Mutex(policy)
    }

    var currentPolicy: AccessPolicy { policy.withLock { $0 } }

    func setPolicy(_ new: AccessPolicy) {
        policy.withLock { $0 = new }
        memberships.withLock { $0.removeAll() }
    }

    func caller(of peer: PeerCredentials?) -> Caller {
        guard let peer else { return Caller(uid: nil, role: .user) }
        let uid = peer.uid
        if uid == 0 || uid == daemonUid { return Caller(uid: uid, role: .daemon) }
        let now = ContinuousClock.now
        let known = memberships.withLock { $0[uid] }.flatMap { now - $0.at < Self.membershipLifetime ? $0.groups : nil }
        let groups: [UInt32]
        if let known {
            groups = known
        } else {
            groups = Array(Set(accounts.groups(ofUid: uid) + [peer.gid]))
            memberships.withLock { memberships in
                if memberships.count >= Self.remembered { memberships.removeAll() }
                memberships[uid] = Membership(groups: groups, at: now)
            }
        }
        return Caller(uid: uid, role: policy.withLock { $0.role(uid: uid, groups: groups, daemonUid: daemonUid) })
    }
}
