import Foundation
import Glibc
import Synchronization

/// An inotify watch on one directory, read by a dedicated thread that blocks in `poll(2)` on
/// the inotify descriptor and a wake-up socket: no timeout, no periodic wake-ups. `stop()`
/// writes to the socket; the thread then closes every descriptor and exits.
///
/// The thread is also an executor: the task that consumes the events runs its jobs there, so
/// a file that appears is read and handed on by the thread inotify woke. On this machine's
/// virtual CPUs, waking another thread (and the CPU it sleeps on) before the event's commit
/// could even begin cost tens of microseconds.
final class InotifyWatch: TaskExecutor, Sendable {
    enum Event: Sendable, Equatable {
        /// A file appeared in (or was finished in) the directory.
        case file(String)
        /// The kernel's queue overflowed: events were lost, rescan.
        case overflow
        /// The watch is gone (the directory was deleted or its filesystem unmounted), or
        /// reading failed.
        case failed(String)
    }

    private let inotifyFD: Int32
    private let wakeReadFD: Int32
    /// The write end of the wake-up socket; -1 once the thread has closed it.
    private let wakeWriteFD: Mutex<Int32>
    private let exited = ExitSignal()

    private struct Jobs {
        var queue: [UnownedJob] = []
        /// The thread is (about to be) blocked in poll: a new job must wake it.
        var isPolling = false
        var isStopping = false
        /// Jobs that come later run on the global executor.
        var hasExited = false
    }

    private let jobs = Mutex(Jobs())
    let path: String
    /// File events read and not yet taken by the consumer. At the limit the thread stops
    /// reading: a flood then waits in the kernel's queue, whose overflow is one event
    /// (rescan), instead of growing a buffer here without bound.
    private let unconsumed = Atomic<Int>(0)
    static let unconsumedLimit = 4_096

    /// Adds the watch (`IN_MOVED_TO | IN_CLOSE_WRITE | IN_ONLYDIR`). Events are queued by
    /// the kernel from here on, before the thread starts reading them.
    init(directory path: String) throws(SpoolError) {
        self.path = path
        let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { throw SpoolError.system("cannot create an inotify instance for", path, errno: errno) }
        let mask = InotifyRecord.movedTo | InotifyRecord.closeWrite | InotifyRecord.onlyDirectory
        guard inotify_add_watch(fd, path, mask) >= 0 else {
            let code = errno
            _ = close(fd)
            throw SpoolError.system("cannot watch", path, errno: code)
        }
        var pair: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &pair) == 0 else {
            let code = errno
            _ = close(fd)
            throw SpoolError.system("cannot create a wake-up socket for", path, errno: code)
        }
        inotifyFD = fd
        wakeReadFD = pair[0]
        wakeWriteFD = Mutex(pair[1])
    }

    /// The events, as the thread reads them; taking one makes room for the thread to read more.
    struct Events: AsyncSequence, Sendable {
        let stream: AsyncStream<Event>
        let watch: InotifyWatch

        struct AsyncIterator: AsyncIteratorProtocol {
            var base: AsyncStream<Event>.AsyncIterator
            let watch: InotifyWatch

            mutating func next() async -> Event? {
                let event = await base.next()
                if case .file = event { watch.consumed() }
                return event
            }
        }

        func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(base: stream.makeAsyncIterator(), watch: watch)
        }
    }

    private func consumed() {
        let (_, left) = unconsumed.subtract(1, ordering: .relaxed)
        // The thread may be blocked with the inotify descriptor left out of its poll.
        if left == Self.unconsumedLimit - 1 { wake() }
    }

    /// Starts the reading thread; the events end when the thread exits (after `stop()` or
    /// a failure, which is yielded first).
    func start() -> Events {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self)
        let thread = Thread { [self] in
            readLoop(continuation)
            continuation.finish()
            // The consumer's last jobs (after `finish`) go to the global executor.
            let left = jobs.withLock { jobs in
                jobs.hasExited = true
                defer { jobs.queue = [] }
                return jobs.queue
            }
            for job in left { globalConcurrentExecutor.enqueue(ExecutorJob(job)) }
            closeDescriptors()
            exited.signal()
        }
        thread.name = "stepd-inotify"
        thread.start()
        return Events(stream: stream, watch: self)
    }

    /// Queues a job of the consuming task for the thread (waking it from `poll` if it sleeps);
    /// once the thread has exited, hands it to the global executor.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let (accepted, mustWake) = jobs.withLock { jobs -> (Bool, Bool) in
            if jobs.hasExited { return (false, false) }
            jobs.queue.append(job)
            defer { jobs.isPolling = false }
            return (true, jobs.isPolling)
        }
        if !accepted {
            globalConcurrentExecutor.enqueue(ExecutorJob(job))
        } else if mustWake {
            wake()
        }
    }

    /// Wakes the thread so that it exits. Safe to call more than once, and after exit.
    func stop() {
        jobs.withLock { $0.isStopping = true }
        wake()
    }

    private func wake() {
        wakeWriteFD.withLock { fd in
            guard fd >= 0 else { return }
            var byte: UInt8 = 1
            _ = send(fd, &byte, 1, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
        }
    }

    /// Returns once the thread has exited and closed its descriptors.
    func waitUntilExited() async {
        await exited.wait()
    }

    private func readLoop(_ continuation: AsyncStream<Event>.Continuation) {
        var fds = [
            pollfd(fd: inotifyFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeReadFD, events: Int16(POLLIN), revents: 0),
        ]
        // Large enough for many records; each is at most 16 + NAME_MAX + 1 bytes.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            // The consumer's jobs first; poll only when none is left.
            while true {
                let (batch, stopping) = jobs.withLock { jobs -> ([UnownedJob], Bool) in
                    if jobs.isStopping { return ([], true) }
                    if jobs.queue.isEmpty {
                        jobs.isPolling = true
                        return ([], false)
                    }
                    defer { jobs.queue = [] }
                    return (jobs.queue, false)
                }
                if stopping { return }
                if batch.isEmpty { break }
                for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            }
            fds[0].events = unconsumed.load(ordering: .relaxed) < Self.unconsumedLimit ? Int16(POLLIN) : 0
            fds[0].revents = 0
            fds[1].revents = 0
            let ready = poll(&fds, nfds_t(fds.count), -1)
            jobs.withLock { $0.isPolling = false }
            if ready < 0 {
                if errno == EINTR { continue }
                continuation.yield(.failed("poll on the inotify watch of \(path) failed: \(systemMessage(errno))"))
                return
            }
            if fds[1].revents != 0 {
                // Wake-ups for jobs or for `stop()`: the loop's top tells which.
                var bytes = [UInt8](repeating: 0, count: 64)
                while recv(wakeReadFD, &bytes, bytes.count, Int32(MSG_DONTWAIT)) > 0 {}
            }
            let revents = Int32(fds[0].revents)
            if revents & Int32(POLLIN) != 0 {
                let count = read(inotifyFD, buffer.baseAddress, buffer.count)
                if count < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    continuation.yield(.failed("reading the inotify watch of \(path) failed: \(systemMessage(errno))"))
                    return
                }
                for record in InotifyRecord.parse(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) {
                    if record.mask & InotifyRecord.queueOverflow != 0 {
                        continuation.yield(.overflow)
                    } else if record.mask & InotifyRecord.ignored != 0 {
                        continuation.yield(.failed("the inotify watch of \(path) was removed (directory deleted or moved?)"))
                        return
                    } else if !record.name.isEmpty {
                        unconsumed.add(1, ordering: .relaxed)
                        continuation.yield(.file(record.name))
                    }
                }
            } else if revents & Int32(POLLERR | POLLHUP | POLLNVAL) != 0 {
                continuation.yield(.failed("the inotify watch of \(path) failed (poll events \(revents))"))
                return
            }
        }
    }

    private func closeDescriptors() {
        wakeWriteFD.withLock { fd in
            if fd >= 0 { _ = close(fd) }
            fd = -1
        }
        _ = close(wakeReadFD)
        _ = close(inotifyFD)
    }
}

/// A one-shot signal awaited by any number of tasks.
final class ExitSignal: Sendable {
    private struct State {
        var signalled = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func signal() {
        let waiters = state.withLock { state in
            state.signalled = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                if state.signalled { return true }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}

/// A FIFO lock for async code: the holder may suspend without letting another in.
final class AsyncSerialLock: Sendable {
    private struct State {
        var locked = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func lock() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { state in
                if !state.locked {
                    state.locked = true
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if acquired { continuation.resume() }
        }
    }

    func unlock() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.locked = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
