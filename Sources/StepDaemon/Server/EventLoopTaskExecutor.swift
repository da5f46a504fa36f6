import NIOCore

/// Runs a task's jobs on one NIO event loop: a connection's task then reads its requests,
/// answers them and writes its responses on the loop that owns the socket, and an answer that
/// waited on a commit crosses one thread (the writer's to the loop) instead of three.
///
/// Only for tasks that do not block: what they wait for (a commit, a read, an execution's
/// end) they await.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { [self] in job.runSynchronously(on: asUnownedTaskExecutor()) }
    }
}
