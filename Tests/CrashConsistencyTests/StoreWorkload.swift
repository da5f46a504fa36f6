import Foundation
import GRDB
import StatesLanguage
import StepStore

/// Numbered commits on a table of its own, through `StepDatabase.open`: commit k inserts row k
/// and may rewrite or delete an earlier row; payloads from a few bytes to several times the
/// log write buffer; checkpoints as stepd makes them (a PASSIVE one on a connection of its
/// own, then one on the writer's, which lets the next commit start the log over), and reads.
///
/// Commits are made one after the other, so those that survive are the first m: the database
/// must hold exactly the table as commit m left it, with m at least the last acknowledged.
struct StoreWorkload: CrashWorkload {
    static let name = "store"
    static let syncs = 1...150
    private let seed: UInt64
    private let checkpointEvery: Int
    /// The last commit that returned, and the last one begun.
    private var acknowledged = 0
    private var attempted = 0

    init(random: inout SplitMix64) {
        seed = random.next()
        checkpointEvery = Int.random(in: 3...40, using: &random)
    }

    var summary: String { "commits acknowledged \(acknowledged), begun \(attempted), checkpoint every \(checkpointEvery)" }

    mutating func runUntilCut(path: String, logWriteBuffer: Bool) async throws {
        var model = ProbeModel(seed: seed)
        do {
            let pool = try StepDatabase.open(path: path, logWriteBuffer: logWriteBuffer)
            let checkpointer = try DatabaseQueue(path: path)
            while !CrashVFS.isCut {
                guard attempted < 100_000 else { throw CrashFinding("no cut after \(attempted) commits (\(CrashVFS.syncs) syncs)") }
                let commit = model.next()
                attempted = commit.number
                try await pool.write { db in try commit.apply(db) }
                acknowledged = commit.number
                if commit.number % checkpointEvery == 0 {
                    _ = try checkpointer.inDatabase { db in try db.checkpoint(.passive) }
                    try await pool.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
                }
                if commit.number % 7 == 0 {
                    _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM probe") }
                }
            }
        } catch where CrashVFS.isCut {
            // The power went: every call fails from then on.
        }
    }

    func verify(path: String, logWriteBuffer: Bool) async throws {
        let pool = try StepDatabase.open(path: path, logWriteBuffer: logWriteBuffer)
        try await checkIntegrity(pool)
        let rows = try await pool.read { db -> [Int64: (version: Int64, payload: Data)] in
            guard try db.tableExists("probe") else { return [:] }
            var rows: [Int64: (version: Int64, payload: Data)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT n, version, payload FROM probe") {
                rows[row[0]] = (row[1], row[2])
            }
            return rows
        }
        // Row m is the one commit m inserted, and no later commit has run to delete it.
        let survivor = Int(rows.keys.max() ?? 0)
        guard survivor >= acknowledged else {
            throw CrashFinding("commit \(acknowledged) was acknowledged, but the database ends at commit \(survivor)")
        }
        guard survivor <= attempted else { throw CrashFinding("the database holds commit \(survivor), never begun") }
        let expected = ProbeModel.rows(after: survivor, seed: seed)
        guard Set(rows.keys) == Set(expected.keys) else {
            throw CrashFinding("after commit \(survivor) rows \(expected.keys.sorted()) were expected, found \(rows.keys.sorted())")
        }
        for (number, row) in rows {
            guard let wanted = expected[number], row.version == wanted.version,
                row.payload == ProbeModel.payload(row: number, version: wanted.version, size: wanted.size)
            else {
                throw CrashFinding("row \(number) is not as commit \(survivor) left it (version \(row.version), \(row.payload.count) bytes)")
            }
        }
        // The recovered database takes commits again.
        let next = ProbeModel.nextInsert(after: survivor)
        try await pool.write { db in try next.apply(db) }
    }
}

/// The probe table's commits, drawn from a seed: the same seed gives the same commits, so the
/// table as commit m left it can be computed again.
struct ProbeModel {
    struct Commit: Sendable {
        let number: Int
        /// Rows inserted or rewritten: number, version (the commit that wrote it), payload size.
        var writes: [(row: Int64, version: Int64, size: Int)] = []
        var deletes: [Int64] = []

        func apply(_ db: Database) throws {
            if number == 1 {
                try db.execute(sql: "CREATE TABLE probe (n INTEGER PRIMARY KEY, version INTEGER NOT NULL, payload BLOB NOT NULL)")
            }
            for write in writes {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO probe (n, version, payload) VALUES (?, ?, ?)",
                    arguments: [write.row, write.version, ProbeModel.payload(row: write.row, version: write.version, size: write.size)])
            }
            for row in deletes {
                try db.execute(sql: "DELETE FROM probe WHERE n = ?", arguments: [row])
            }
        }
    }

    private var random: SplitMix64
    private(set) var rows: [Int64: (version: Int64, size: Int)] = [:]
    /// The rows' numbers, in an order the seed decides (draws pick from it).
    private var numbers: [Int64] = []
    private var number = 0

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    mutating func next() -> Commit {
        number += 1
        var commit = Commit(number: number)
        let row = Int64(number)
        commit.writes.append((row, row, payloadSize()))
        if !numbers.isEmpty, random.chance(25), let rewritten = numbers.randomElement(using: &random) {
            commit.writes.append((rewritten, row, payloadSize()))
        }
        if !numbers.isEmpty, random.chance(12), let index = numbers.indices.randomElement(using: &random),
            !commit.writes.contains(where: { $0.row == numbers[index] })
        {
            commit.deletes.append(numbers[index])
            rows[numbers[index]] = nil
            numbers.swapAt(index, numbers.count - 1)
            numbers.removeLast()
        }
        for write in commit.writes { rows[write.row] = (write.version, write.size) }
        numbers.append(row)
        return commit
    }

    /// Mostly a row of a page or less; now and then one of several pages, one larger than the
    /// log write buffer's 128 KiB (which it writes in pieces), or one that spills a transaction.
    private mutating func payloadSize() -> Int {
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<70: Int.random(in: 1...1_500, using: &random)
        case 70..<92: Int.random(in: 1_500...20_000, using: &random)
        case 92..<98: Int.random(in: 40_000...120_000, using: &random)
        default: Int.random(in: 130_000...600_000, using: &random)
        }
    }

    static func rows(after commits: Int, seed: UInt64) -> [Int64: (version: Int64, size: Int)] {
        var model = ProbeModel(seed: seed)
        for _ in 0..<commits { _ = model.next() }
        return model.rows
    }

    /// A commit made after the cut: a row no workload commit writes.
    static func nextInsert(after commits: Int) -> Commit {
        Commit(number: commits + 1, writes: [(-1, -1, 100)])
    }

    /// Bytes that say which row and version they are, so that a page from elsewhere, or torn,
    /// does not pass for them: 256 bytes drawn from both, over and over (cheap to make in a
    /// debug build, where a loop per byte of a 600 KB row is not).
    static func payload(row: Int64, version: Int64, size: Int) -> Data {
        var random = SplitMix64(seed: UInt64(bitPattern: row) &* 0x1_0000_0001 ^ UInt64(bitPattern: version))
        let block = (0..<32).map { _ in random.next() }
        var data = Data(count: size)
        data.withUnsafeMutableBytes { bytes in
            block.withUnsafeBytes { block in
                var offset = 0
                while offset < bytes.count {
                    let length = min(block.count, bytes.count - offset)
                    let piece = UnsafeRawBufferPointer(rebasing: block[..<length])
                    UnsafeMutableRawBufferPointer(rebasing: bytes[offset..<offset + length]).copyMemory(from: piece)
                    offset += length
                }
            }
        }
        return data
    }
}

/// `PRAGMA integrity_check` must say "ok", and nothing else.
func checkIntegrity(_ pool: DatabasePool) async throws {
    let check = try await pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    guard check == ["ok"] else { throw CrashFinding("integrity_check: \(check.prefix(10).joined(separator: "; "))") }
}
