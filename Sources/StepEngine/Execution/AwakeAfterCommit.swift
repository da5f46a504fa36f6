/// How long the writer thread stays awake after a commit, watching for more work, before it
/// sleeps on its semaphore.
///
/// Waking a thread whose CPU has gone idle costs far more than the handoff itself: on a
/// virtual machine the idle CPU halts, and the wake-up goes through the hypervisor (28 µs
/// at the median on our 2-core machines), while a thread that is still watching sees new
/// work within a microsecond. A client that sends its next request as soon as it has the
/// answer (a script starting executions one after another) paid that on every call.
/// Staying awake a little while catches the next request without it: StartExecution's round
/// trip went from about 0.30 to 0.24–0.28 ms.
///
/// The window adapts the way Linux's haltpoll governor adapts its polling: it grows when
/// the writer slept but was woken soon after (a longer window would have caught that work)
/// and shrinks when it slept longer than the longest window (nothing comes that soon). A
/// daemon that commits now and then stops staying awake after a few commits, and costs
/// nothing while idle; one that answers a chain of calls stays awake up to `longest` after
/// each commit.
struct AwakeAfterCommit {
    /// The longest the writer stays awake: a little more than a client's round trip
    /// between one answer and its next request.
    let longest: Duration
    /// The first window, when a wake-up shows that staying awake would have paid.
    let firstWindow: Duration

    /// How long to stay awake after the next commit.
    private(set) var window: Duration = .zero

    init(longest: Duration = .microseconds(200), firstWindow: Duration = .microseconds(50)) {
        self.longest = longest
        self.firstWindow = firstWindow
    }

    /// After a quiet spell: `quiet` is the time from the end of a commit to the next work
    /// the writer saw, awake or woken.
    mutating func learn(quiet: Duration) {
        if quiet <= window { return }
        if quiet <= longest {
            window = min(max(window * 2, firstWindow), longest)
        } else {
            let halved = window / 2
            window = halved < firstWindow ? .zero : halved
        }
    }
}
