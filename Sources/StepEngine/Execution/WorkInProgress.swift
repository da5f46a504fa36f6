import Foundation
import Synchronization

/// A page of memory shared with a file beside the database that names, at each moment, the
/// work that could stop the daemon: the execution being driven (with the one whose drive
/// made it ready) and the spool file being taken in.
///
/// A store into the page reaches the kernel's page cache at once, without a system call, and
/// outlives the process however it dies (a trap, a stack overflow, the watchdog's SIGABRT,
/// kill -9); only the machine's own crash loses it, and that is no input's fault. At the next
/// start the page says what was interrupted (``interrupted``), and `Engine.recover()` sets
/// the culprit aside once it has stopped the daemon ``crashesBeforeSetAside`` times, instead
/// of replaying it into the same crash at every start.
///
/// The page also carries the suspect (the culprit of the last crash and how many it caused)
/// until a commit that drove it is durable, so the count survives a crash during the replay.
public final class WorkInProgress: Sendable {
    /// Crashes of the daemon while doing the same work before that work is set aside.
    public static let crashesBeforeSetAside = 2
    /// How the cause of an execution failed for stopping the daemon begins: such an execution
    /// is not redriven (it would stop the daemon again).
    static let setAsideCausePrefix = "stepd stopped "

    /// What the previous run of the daemon was doing when it stopped.
    public let interrupted: InterruptedWork

    private let page: Mutex<ProgressPage>

    /// Maps the file at `path` (created with mode 0600 when missing), reading what the previous
    /// run left in it before clearing it.
    public init(path: String) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw WorkInProgressError(path: path, operation: "open", code: errno) }
        defer { close(fd) }
        // Blocks allocated now, not on the first store: a store into a hole of a full file
        // system would be SIGBUS.
        let allocated = posix_fallocate(fd, 0, off_t(ProgressPage.size))
        guard allocated == 0 else { throw WorkInProgressError(path: path, operation: "allocate", code: allocated) }
        let mapped = mmap(nil, ProgressPage.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
        guard let mapped, mapped != MAP_FAILED else { throw WorkInProgressError(path: path, operation: "map", code: errno) }
        let page = ProgressPage(bytes: mapped)
        interrupted = page.read()
        page.clear()
        self.page = Mutex(page)
    }

    deinit {
        page.withLock { _ = munmap($0.bytes, ProgressPage.size) }
    }

    // MARK: - Marking (the thread that commits, or the spool's)

    /// Before driving `executionId`; `origin`: the execution whose drive in this same commit
    /// made it ready (a parent starting a child), which a restart replays in its place when
    /// this one is never committed.
    func beginExecution(_ executionId: Int64, origin: Int64?) {
        page.withLock { page in
            page.store(executionId, at: .execution)
            page.store(origin ?? 0, at: .origin)
            if case .execution(let suspect) = page.suspect, suspect == executionId || suspect == origin {
                page.suspectDriven = true
            }
        }
    }

    /// After the drive returned (committed or not).
    func endExecution() {
        page.withLock { page in
            page.store(0, at: .execution)
            page.store(0, at: .origin)
        }
    }

    /// Before a spool file's contents are read into an event and taken in.
    func beginSpoolFile(_ name: String) {
        page.withLock { $0.storeName(name, at: .spoolFile) }
    }

    /// After the spool file was handled. `settled`: its event was durably taken in or refused,
    /// so it will not be replayed and is no longer a suspect.
    func endSpoolFile(_ name: String, settled: Bool) {
        page.withLock { page in
            page.storeName(nil, at: .spoolFile)
            if settled, case .spoolFile(name) = page.suspect { page.setSuspect(nil) }
        }
    }

    /// A commit is durable: a suspect execution it drove did not stop the daemon.
    func committed() {
        page.withLock { page in
            if page.suspectDriven { page.setSuspect(nil) }
        }
    }

    /// A commit failed: the suspect's drive in it counts for nothing, and a later durable
    /// commit without it must not clear the suspect.
    func commitFailed() {
        page.withLock { $0.suspectDriven = false }
    }

    /// Keeps `suspect` (or nothing) in the page, for the count of the next crash.
    func setSuspect(_ suspect: InterruptedWork.Suspect?) {
        page.withLock { $0.setSuspect(suspect) }
    }
}

/// The page's layout: 64-bit slots, then two names. A page of another layout reads as empty.
private struct ProgressPage {
    static let size = 4096
    static let magic: Int64 = 0x5354_4550_4457_4950  // "STEPDWIP"
    static let nameCapacity = 1024

    enum Slot: Int {
        case magic, execution, origin, suspectKind, suspectExecution, suspectCrashes, spoolFileLength, suspectNameLength
    }

    enum Name {
        case spoolFile, suspect

        var lengthSlot: Slot { self == .spoolFile ? .spoolFileLength : .suspectNameLength }
        var offset: Int { self == .spoolFile ? 128 : 128 + ProgressPage.nameCapacity }
    }

    let bytes: UnsafeMutableRawPointer
    /// In memory only: a suspect execution was driven since the suspect was set.
    var suspectDriven = false

    func store(_ value: Int64, at slot: Slot) {
        bytes.storeBytes(of: value.littleEndian, toByteOffset: slot.rawValue * 8, as: Int64.self)
    }

    func load(_ slot: Slot) -> Int64 {
        Int64(littleEndian: bytes.load(fromByteOffset: slot.rawValue * 8, as: Int64.self))
    }

    /// A name longer than the room for it is cut at a character boundary: enough to find it.
    func storeName(_ name: String?, at place: Name) {
        guard let name else {
            store(0, at: place.lengthSlot)
            return
        }
        var utf8 = Array(name.utf8.prefix(Self.nameCapacity))
        while !utf8.isEmpty, String(validating: utf8, as: UTF8.self) == nil { utf8.removeLast() }
        // The length goes last: a crash halfway leaves the previous name or none.
        store(0, at: place.lengthSlot)
        utf8.withUnsafeBytes { name in
            if let start = name.baseAddress { (bytes + place.offset).copyMemory(from: start, byteCount: name.count) }
        }
        store(Int64(utf8.count), at: place.lengthSlot)
    }

    func loadName(_ place: Name) -> String? {
        let length = load(place.lengthSlot)
        guard length > 0, length <= Self.nameCapacity else { return nil }
        let buffer = UnsafeRawBufferPointer(start: bytes + place.offset, count: Int(length))
        return String(validating: buffer, as: UTF8.self)
    }

    var suspect: InterruptedWork.Culprit? {
        switch load(.suspectKind) {
        case 1: .execution(load(.suspectExecution))
        case 2: loadName(.suspect).map(InterruptedWork.Culprit.spoolFile)
        default: nil
        }
    }

    mutating func setSuspect(_ suspect: InterruptedWork.Suspect?) {
        suspectDriven = false
        store(0, at: .suspectKind)
        guard let suspect else { return }
        store(Int64(suspect.crashes), at: .suspectCrashes)
        switch suspect.culprit {
        case .execution(let id):
            store(id, at: .suspectExecution)
            store(1, at: .suspectKind)
        case .spoolFile(let name):
            storeName(name, at: .suspect)
            store(2, at: .suspectKind)
        }
    }

    func read() -> InterruptedWork {
        guard load(.magic) == Self.magic else { return InterruptedWork() }
        let execution = load(.execution)
        let origin = load(.origin)
        let crashes = load(.suspectCrashes)
        return InterruptedWork(
            executionId: execution > 0 ? execution : nil, originId: origin > 0 ? origin : nil, spoolFile: loadName(.spoolFile),
            suspect: suspect.map { InterruptedWork.Suspect(culprit: $0, crashes: crashes > 0 && crashes < 1_000 ? Int(crashes) : 1) })
    }

    func clear() {
        bytes.initializeMemory(as: UInt8.self, repeating: 0, count: Self.size)
        store(Self.magic, at: .magic)
    }
}

/// The page could not be set up; the daemon runs without it.
public struct WorkInProgressError: Error, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let code: Int32

    public var description: String { "cannot \(operation) \(path): \(String(cString: strerror(code)))" }
}
