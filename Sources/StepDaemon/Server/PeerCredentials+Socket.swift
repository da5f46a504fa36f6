import NIOCore
import StepAPI

#if canImport(Glibc)
import Glibc
#endif

extension PeerCredentials {
    /// The peer of a connected Unix socket channel, or `nil` where the channel cannot say
    /// (not a socket, or a system without `SO_PEERCRED`).
    static func read(from channel: any Channel) -> EventLoopFuture<PeerCredentials?> {
        #if os(Linux)
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeSucceededFuture(nil)
        }
        let future: EventLoopFuture<UCred> = provider.unsafeGetSocketOption(
            level: .socket, name: NIOBSDSocket.Option(rawValue: SO_PEERCRED))
        return future.map { credentials -> PeerCredentials? in
            PeerCredentials(pid: credentials.pid, uid: credentials.uid, gid: credentials.gid)
        }.recover { _ in nil }
        #else
        return channel.eventLoop.makeSucceededFuture(nil)
        #endif
    }
}

#if os(Linux)
/// Linux's `struct ucred` (`<sys/socket.h>`, hidden from Swift behind `_GNU_SOURCE`): three
/// 32-bit fields, `pid_t pid; uid_t uid; gid_t gid;`, in that order.
private struct UCred: Sendable {
    var pid: pid_t = 0
    var uid: uid_t = 0
    var gid: gid_t = 0
}
#endif
