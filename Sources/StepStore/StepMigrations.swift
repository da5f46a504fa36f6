import GRDB

/// The schema's history. Append-only: a released migration is never edited, only followed
/// by another. Table and column names are strings here because migrations describe the past.
public enum StepMigrations {
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: state machines, executions, history, tokens, timers, rules, events, jobs, tables") { db in
            try db.execute(sql: """
                CREATE TABLE stateMachine (
                    name TEXT PRIMARY KEY NOT NULL,
                    arn TEXT NOT NULL UNIQUE,
                    type TEXT NOT NULL DEFAULT 'STANDARD',
                    roleArn TEXT NOT NULL,
                    currentVersionId INTEGER NOT NULL,
                    creationDate REAL NOT NULL,
                    updateDate REAL NOT NULL
                );
                -- Every definition a state machine ever had: an execution runs the one it started with.
                CREATE TABLE stateMachineVersion (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    stateMachineName TEXT NOT NULL,
                    definition TEXT NOT NULL,
                    createdAt REAL NOT NULL
                );
                CREATE TABLE execution (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    arn TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    stateMachineName TEXT NOT NULL,
                    versionId INTEGER NOT NULL REFERENCES stateMachineVersion(id),
                    status TEXT NOT NULL,
                    input TEXT NOT NULL,
                    output TEXT,
                    error TEXT,
                    cause TEXT,
                    startDate REAL NOT NULL,
                    stopDate REAL,
                    startedByUid INTEGER,
                    parentExecutionArn TEXT,
                    -- The cursor: where the execution stands and what it waits for.
                    currentState TEXT,
                    stateInput TEXT,
                    stateEnteredDate REAL,
                    phase TEXT NOT NULL,
                    resumeValue TEXT,
                    retryCounts TEXT,
                    lastEventId INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX executionByStateMachine ON execution(stateMachineName, id);
                CREATE INDEX executionReady ON execution(phase) WHERE phase IN ('enter', 'resume');
                CREATE TABLE historyEvent (
                    executionId INTEGER NOT NULL REFERENCES execution(id) ON DELETE CASCADE,
                    id INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    timestamp REAL NOT NULL,
                    previousEventId INTEGER NOT NULL,
                    details TEXT,
                    PRIMARY KEY (executionId, id)
                ) WITHOUT ROWID;
                CREATE TABLE taskToken (
                    token TEXT PRIMARY KEY NOT NULL,
                    executionId INTEGER NOT NULL REFERENCES execution(id) ON DELETE CASCADE,
                    stateName TEXT NOT NULL,
                    resourceType TEXT NOT NULL,
                    resource TEXT NOT NULL,
                    createdAt REAL NOT NULL,
                    resolvedAt REAL
                );
                CREATE INDEX taskTokenByExecution ON taskToken(executionId);
                CREATE TABLE timer (
                    executionId INTEGER NOT NULL REFERENCES execution(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    dueAt REAL NOT NULL,
                    PRIMARY KEY (executionId, kind)
                ) WITHOUT ROWID;
                CREATE INDEX timerByDue ON timer(dueAt);
                CREATE TABLE rule (
                    name TEXT PRIMARY KEY NOT NULL,
                    arn TEXT NOT NULL UNIQUE,
                    eventPattern TEXT NOT NULL,
                    state TEXT NOT NULL,
                    description TEXT,
                    createdAt REAL NOT NULL
                );
                CREATE TABLE ruleTarget (
                    ruleName TEXT NOT NULL REFERENCES rule(name) ON DELETE CASCADE,
                    id TEXT NOT NULL,
                    arn TEXT NOT NULL,
                    input TEXT,
                    inputPath TEXT,
                    PRIMARY KEY (ruleName, id)
                );
                CREATE TABLE receivedEvent (
                    id TEXT PRIMARY KEY NOT NULL,
                    receivedAt REAL NOT NULL,
                    envelope TEXT NOT NULL,
                    matchedRules INTEGER NOT NULL
                );
                CREATE TABLE jobDefinition (
                    name TEXT PRIMARY KEY NOT NULL,
                    command TEXT NOT NULL,
                    environment TEXT NOT NULL,
                    workingDirectory TEXT,
                    timeoutSeconds INTEGER,
                    updatedAt REAL NOT NULL
                );
                -- A job is an intent first (status 'pending'), recorded in the transition that asks
                -- for it; the daemon spawns it after the commit and records the pid.
                CREATE TABLE job (
                    id TEXT PRIMARY KEY NOT NULL,
                    jobName TEXT NOT NULL,
                    executionArn TEXT NOT NULL,
                    stateName TEXT NOT NULL,
                    status TEXT NOT NULL,
                    pid INTEGER,
                    pidStartTime INTEGER,
                    createdAt REAL NOT NULL,
                    startedAt REAL,
                    endedAt REAL,
                    exitDescription TEXT,
                    reported INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX jobByStatus ON job(status) WHERE status IN ('pending', 'running');
                CREATE TABLE localTable (
                    name TEXT PRIMARY KEY NOT NULL,
                    keySchema TEXT NOT NULL,
                    attributeDefinitions TEXT NOT NULL,
                    createdAt REAL NOT NULL
                );
                CREATE TABLE localItem (
                    tableName TEXT NOT NULL REFERENCES localTable(name) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    item TEXT NOT NULL,
                    PRIMARY KEY (tableName, key)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2: a waiting task's HeartbeatSeconds on its token") { db in
            try db.execute(sql: "ALTER TABLE taskToken ADD COLUMN heartbeatSeconds INTEGER")
        }
        migrator.registerMigration("v3: history events stored in the order they are written, found by an index") { db in
            // Keyed by (executionId, id), a transition's events went into the middle of the
            // tree (an older execution) and split pages at its end (a new one): five to eight
            // pages written per commit. In writing order they are appended to the last page,
            // and only the small index entries go where their execution is.
            try db.execute(sql: """
                CREATE TABLE historyEventByWriting (
                    sequence INTEGER PRIMARY KEY,
                    executionId INTEGER NOT NULL REFERENCES execution(id) ON DELETE CASCADE,
                    id INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    timestamp REAL NOT NULL,
                    previousEventId INTEGER NOT NULL,
                    details TEXT
                );
                INSERT INTO historyEventByWriting (executionId, id, type, timestamp, previousEventId, details)
                  SELECT executionId, id, type, timestamp, previousEventId, details FROM historyEvent ORDER BY executionId, id;
                DROP TABLE historyEvent;
                ALTER TABLE historyEventByWriting RENAME TO historyEvent;
                CREATE UNIQUE INDEX historyEventByExecution ON historyEvent(executionId, id);
                """)
        }
        migrator.registerMigration("v4: executions numbered without sqlite_sequence; received events in one tree") { db in
            // Two pages fewer in every commit that starts an execution or stores an event:
            // AUTOINCREMENT rewrote sqlite_sequence at each start (executions are never deleted,
            // so the plain rowid never reuses an id), and a TEXT key made receivedEvent a
            // table plus an index.
            try db.execute(sql: """
                CREATE TABLE executionWithoutSequence (
                    id INTEGER PRIMARY KEY,
                    arn TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    stateMachineName TEXT NOT NULL,
                    versionId INTEGER NOT NULL REFERENCES stateMachineVersion(id),
                    status TEXT NOT NULL,
                    input TEXT NOT NULL,
                    output TEXT,
                    error TEXT,
                    cause TEXT,
                    startDate REAL NOT NULL,
                    stopDate REAL,
                    startedByUid INTEGER,
                    parentExecutionArn TEXT,
                    -- The cursor: where the execution stands and what it waits for.
                    currentState TEXT,
                    stateInput TEXT,
                    stateEnteredDate REAL,
                    phase TEXT NOT NULL,
                    resumeValue TEXT,
                    retryCounts TEXT,
                    lastEventId INTEGER NOT NULL DEFAULT 0
                );
                INSERT INTO executionWithoutSequence SELECT * FROM execution ORDER BY id;
                DROP TABLE execution;
                ALTER TABLE executionWithoutSequence RENAME TO execution;
                CREATE INDEX executionByStateMachine ON execution(stateMachineName, id);
                CREATE INDEX executionReady ON execution(phase) WHERE phase IN ('enter', 'resume');

                CREATE TABLE receivedEventByKey (
                    id TEXT PRIMARY KEY NOT NULL,
                    receivedAt REAL NOT NULL,
                    envelope TEXT NOT NULL,
                    matchedRules INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO receivedEventByKey SELECT * FROM receivedEvent;
                DROP TABLE receivedEvent;
                ALTER TABLE receivedEventByKey RENAME TO receivedEvent;
                """)
        }
        migrator.registerMigration("v5: what is pruned after its retention, found oldest first") { db in
            // Each index grows at its right edge only (times only increase): one page more
            // in a commit that ends executions, stores events or ends jobs.
            try db.execute(sql: """
                CREATE INDEX executionClosedByStopDate ON execution(stopDate) WHERE stopDate IS NOT NULL;
                CREATE INDEX receivedEventByTime ON receivedEvent(receivedAt);
                CREATE INDEX jobEndedByTime ON job(endedAt) WHERE endedAt IS NOT NULL;
                """)
        }
        migrator.registerMigration("v6: branches of Parallel states, each with its own cursor, timers and tokens") { db in
            // A branch is a cursor of its own inside its execution (the top level's stays on the
            // execution row, branchId 0 below); timers and tokens say which cursor they wake.
            try db.execute(sql: """
                CREATE TABLE branch (
                    id INTEGER PRIMARY KEY,
                    executionId INTEGER NOT NULL REFERENCES execution(id) ON DELETE CASCADE,
                    parentBranchId INTEGER NOT NULL,
                    stateName TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    output TEXT,
                    error TEXT,
                    cause TEXT,
                    currentState TEXT,
                    stateInput TEXT,
                    stateEnteredDate REAL,
                    phase TEXT NOT NULL,
                    resumeValue TEXT,
                    retryCounts TEXT
                );
                CREATE INDEX branchByParent ON branch(executionId, parentBranchId, position);
                CREATE INDEX branchReady ON branch(executionId, id) WHERE phase IN ('enter', 'resume');

                CREATE TABLE timerByBranch (
                    executionId INTEGER NOT NULL REFERENCES execution(id) ON DELETE CASCADE,
                    branchId INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    dueAt REAL NOT NULL,
                    PRIMARY KEY (executionId, branchId, kind)
                ) WITHOUT ROWID;
                INSERT INTO timerByBranch SELECT executionId, 0, kind, dueAt FROM timer;
                DROP TABLE timer;
                ALTER TABLE timerByBranch RENAME TO timer;
                CREATE INDEX timerByDue ON timer(dueAt);

                ALTER TABLE taskToken ADD COLUMN branchId INTEGER NOT NULL DEFAULT 0;
                """)
        }
        migrator.registerMigration("v7: the progress of each Parallel or Map state's branches") { db in
            // One row per running Parallel or Map state: counting its branches' rows at each
            // end would cost a scan per iteration, a Map's thousands of them.
            try db.execute(sql: """
                CREATE TABLE branchGroup (
                    executionId INTEGER NOT NULL REFERENCES execution(id) ON DELETE CASCADE,
                    parentBranchId INTEGER NOT NULL,
                    total INTEGER NOT NULL,
                    started INTEGER NOT NULL,
                    ended INTEGER NOT NULL,
                    PRIMARY KEY (executionId, parentBranchId)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v8: a child started by startExecution.sync names the token its parent waits on") { db in
            try db.execute(sql: """
                ALTER TABLE execution ADD COLUMN parentTaskToken TEXT;
                CREATE INDEX executionByParentTaskToken ON execution(parentTaskToken) WHERE parentTaskToken IS NOT NULL;
                """)
        }
        migrator.registerMigration("v9: tags of state machines") { db in
            try db.execute(sql: """
                CREATE TABLE tag (
                    resourceArn TEXT NOT NULL,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (resourceArn, key)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v10: the workflow variables of each cursor's scope") { db in
            // A JSON object of name to value: the top level's on the execution, each branch's
            // (a Parallel branch, a Map iteration) on its own row.
            try db.execute(sql: """
                ALTER TABLE execution ADD COLUMN variables TEXT;
                ALTER TABLE branch ADD COLUMN variables TEXT;
                """)
        }
        migrator.registerMigration("v11: revisions, published versions and aliases of state machines") { db in
            // A definition row is a revision: its id is nil for the first (as AWS's), and it
            // holds the role too (a version is a snapshot of both). Published versions are
            // numbered per state machine, never reusing a number (`lastVersionNumber`). An
            // execution started through a version or an alias names it in a row of its own,
            // so that the execution row, written at every transition, stays as it was.
            try db.execute(sql: """
                ALTER TABLE stateMachineVersion ADD COLUMN revisionId TEXT;
                ALTER TABLE stateMachineVersion ADD COLUMN roleArn TEXT;
                ALTER TABLE stateMachine ADD COLUMN lastVersionNumber INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE publishedVersion (
                    stateMachineName TEXT NOT NULL,
                    number INTEGER NOT NULL,
                    definitionId INTEGER NOT NULL REFERENCES stateMachineVersion(id),
                    description TEXT,
                    creationDate REAL NOT NULL,
                    PRIMARY KEY (stateMachineName, number)
                ) WITHOUT ROWID;
                CREATE INDEX publishedVersionByDefinition ON publishedVersion(definitionId);
                CREATE TABLE stateMachineAlias (
                    stateMachineName TEXT NOT NULL,
                    name TEXT NOT NULL,
                    description TEXT,
                    routing TEXT NOT NULL,
                    creationDate REAL NOT NULL,
                    updateDate REAL NOT NULL,
                    PRIMARY KEY (stateMachineName, name)
                ) WITHOUT ROWID;
                CREATE TABLE executionQualifier (
                    executionId INTEGER PRIMARY KEY REFERENCES execution(id) ON DELETE CASCADE,
                    versionNumber INTEGER NOT NULL,
                    aliasName TEXT
                );
                CREATE INDEX executionQualifierByVersion ON executionQualifier(versionNumber);
                """)
        }
        migrator.registerMigration("v12: redrives of executions") { db in
            // Only redriven executions have a row: the execution row, written at every
            // transition, keeps its width.
            try db.execute(sql: """
                CREATE TABLE executionRedrive (
                    executionId INTEGER PRIMARY KEY REFERENCES execution(id) ON DELETE CASCADE,
                    count INTEGER NOT NULL,
                    lastDate REAL NOT NULL,
                    clientTokens TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v13: map runs of distributed Map states") { db in
            // A map run's items wait in `mapRunItem` until their child starts (the row then
            // goes: the child's execution row holds the input); a child names its map run and
            // position in `mapRunChild`, beside its execution row.
            try db.execute(sql: """
                CREATE TABLE mapRun (
                    id INTEGER PRIMARY KEY,
                    executionId INTEGER NOT NULL,
                    branchId INTEGER NOT NULL,
                    stateName TEXT NOT NULL,
                    arn TEXT NOT NULL UNIQUE,
                    label TEXT NOT NULL,
                    executionType TEXT NOT NULL,
                    status TEXT NOT NULL,
                    startDate REAL NOT NULL,
                    stopDate REAL,
                    maxConcurrency INTEGER NOT NULL,
                    toleratedFailureCount INTEGER,
                    toleratedFailurePercentage REAL,
                    total INTEGER NOT NULL,
                    started INTEGER NOT NULL,
                    succeeded INTEGER NOT NULL,
                    failed INTEGER NOT NULL,
                    timedOut INTEGER NOT NULL,
                    aborted INTEGER NOT NULL,
                    error TEXT,
                    cause TEXT,
                    resultWriter TEXT,
                    redriveCount INTEGER NOT NULL,
                    redriveDate REAL
                );
                CREATE INDEX mapRunByExecution ON mapRun(executionId, branchId);
                CREATE TABLE mapRunItem (
                    mapRunId INTEGER NOT NULL,
                    position INTEGER NOT NULL,
                    input TEXT NOT NULL,
                    itemCount INTEGER NOT NULL,
                    PRIMARY KEY (mapRunId, position)
                ) WITHOUT ROWID;
                CREATE TABLE mapRunChild (
                    executionId INTEGER PRIMARY KEY,
                    mapRunId INTEGER NOT NULL,
                    position INTEGER NOT NULL,
                    itemCount INTEGER NOT NULL
                );
                CREATE UNIQUE INDEX mapRunChildByPosition ON mapRunChild(mapRunId, position);
                """)
        }
        migrator.registerMigration("v14: a map run's results written so far") { db in
            try db.execute(sql: "ALTER TABLE mapRun ADD COLUMN resultsProgress TEXT")
        }
        migrator.registerMigration("v15: a redriven map run's children waiting to be redriven") { db in
            try db.execute(sql: "ALTER TABLE mapRun ADD COLUMN pendingRedrive INTEGER NOT NULL DEFAULT 0")
        }
        return migrator
    }
}
