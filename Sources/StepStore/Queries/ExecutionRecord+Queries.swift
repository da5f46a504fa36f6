import GRDB

extension ExecutionRecord {
    /// The id of the execution `arn` names, read from the arn's index alone.
    public static func id(arn: String, in db: Database) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM execution WHERE arn = ?"), arguments: [arn])
    }

    /// The id of execution `arn` and the uid that started it; nil when there is no such execution.
    public static func idAndStarter(arn: String, in db: Database) throws -> (id: Int64, startedByUid: Int64?)? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, startedByUid FROM execution WHERE arn = ?"), arguments: [arn])
        else { return nil }
        return (row[0], row[1])
    }

    /// The running child that `states:startExecution.sync` started for `token`, if any.
    public static func runningChild(parentTaskToken token: String, in db: Database) throws -> Int64? {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM execution WHERE parentTaskToken = ? AND status = 'RUNNING'"), arguments: [token])
    }

    /// The status of execution `id`; nil when there is no such execution.
    public static func status(id: Int64, in db: Database) throws -> Status? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT status FROM execution WHERE id = ?"), arguments: [id])
            .flatMap(Status.init(rawValue:))
    }

    /// The executions ready to run (to enter or resume a state, at the top level or in a
    /// branch), oldest first.
    public static func readyIds(in db: Database) throws -> [Int64] {
        try Int64.fetchAll(
            db,
            sql: """
                SELECT id FROM execution WHERE phase IN ('enter', 'resume')
                UNION SELECT executionId FROM branch WHERE phase IN ('enter', 'resume')
                ORDER BY 1
                """)
    }

    /// How many executions are RUNNING (suspended ones included), and how many task tokens
    /// they wait on (their branches' included); one pass over each table.
    public static func runningCounts(in db: Database) throws -> (running: Int, waitingOnTokens: Int) {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT COUNT(*), COALESCE(SUM(phase = 'awaitingToken'), 0)
                    + (SELECT COUNT(*) FROM branch WHERE phase = 'awaitingToken' AND status = 'RUNNING')
                FROM execution WHERE status = 'RUNNING'
                """)
        return (row?[0] ?? 0, row?[1] ?? 0)
    }

    /// Whether any execution ran state machine `name`: one deleted since still lists them.
    public static func exists(stateMachine name: String, in db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM execution WHERE stateMachineName = ? LIMIT 1", arguments: [name]) ?? false
    }

    /// Up to `limit` executions of `stateMachine`, newest first: those with `status` (AWS's
    /// name, which may match none) when given, those older than execution `before` when given.
    /// `startedByUid`: only the executions that uid started; nil for all. `versionNumber`,
    /// `aliasName`: only those started through that version or alias. `redriven`: only those
    /// redriven (true) or never redriven (false).
    public static func page(
        stateMachine: String, status: String?, startedByUid: Int64? = nil, versionNumber: Int64? = nil, aliasName: String? = nil,
        redriven: Bool? = nil, mapRunId: Int64? = nil, before: Int64?, limit: Int, in db: Database
    ) throws -> [ExecutionRecord] {
        // A map run's children are listed by their run only, as AWS lists them.
        var request =
            if let mapRunId {
                ExecutionRecord.filter(sql: "id IN (SELECT executionId FROM mapRunChild WHERE mapRunId = ?)", arguments: [mapRunId])
            } else {
                ExecutionRecord.filter(Column("stateMachineName") == stateMachine)
                    .filter(sql: "id NOT IN (SELECT executionId FROM mapRunChild)")
            }
        if let redriven {
            request = request.filter(
                sql: redriven ? "id IN (SELECT executionId FROM executionRedrive)" : "id NOT IN (SELECT executionId FROM executionRedrive)")
        }
        if let versionNumber {
            request = request.filter(sql: "id IN (SELECT executionId FROM executionQualifier WHERE versionNumber = ?)", arguments: [versionNumber])
        }
        if let aliasName {
            request = request.filter(sql: "id IN (SELECT executionId FROM executionQualifier WHERE aliasName = ?)", arguments: [aliasName])
        }
        if let status { request = request.filter(Column("status") == status) }
        if let startedByUid { request = request.filter(Column("startedByUid") == startedByUid) }
        if let before { request = request.filter(Column("id") < before) }
        return try request.order(Column("id").desc).limit(limit).fetchAll(db)
    }
}
