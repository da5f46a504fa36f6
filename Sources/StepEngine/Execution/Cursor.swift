import GRDB
import StepStore

/// Where one thread of an execution stands: the state it is in and what it waits for. The
/// top level's cursor is kept on the execution row; each branch of a running Parallel state
/// has its own (`BranchRecord`). The stepper moves one cursor at a time.
struct Cursor {
    /// `BranchRecord.topLevel`, or the id of the branch.
    let branchId: Int64
    var currentState: String?
    var stateInput: String?
    var stateEnteredDate: Double?
    var phase: ExecutionRecord.Phase
    var resumeValue: String?
    var retryCounts: String?
    /// The variables of the cursor's own scope, as a JSON object.
    var variables: String?

    var isTopLevel: Bool { branchId == BranchRecord.topLevel }
    var isReady: Bool { phase == .enter || phase == .resume }

    init(of execution: ExecutionRecord) {
        branchId = BranchRecord.topLevel
        currentState = execution.currentState
        stateInput = execution.stateInput
        stateEnteredDate = execution.stateEnteredDate
        phase = execution.phase
        resumeValue = execution.resumeValue
        retryCounts = execution.retryCounts
        variables = execution.variables
    }

    init(of branch: BranchRecord) {
        branchId = branch.id ?? BranchRecord.topLevel
        currentState = branch.currentState
        stateInput = branch.stateInput
        stateEnteredDate = branch.stateEnteredDate
        phase = branch.phase
        resumeValue = branch.resumeValue
        retryCounts = branch.retryCounts
        variables = branch.variables
    }

    func store(in execution: inout ExecutionRecord) {
        execution.currentState = currentState
        execution.stateInput = stateInput
        execution.stateEnteredDate = stateEnteredDate
        execution.phase = phase
        execution.resumeValue = resumeValue
        execution.retryCounts = retryCounts
        execution.variables = variables
    }

    func store(in branch: inout BranchRecord) {
        branch.currentState = currentState
        branch.stateInput = stateInput
        branch.stateEnteredDate = stateEnteredDate
        branch.phase = phase
        branch.resumeValue = resumeValue
        branch.retryCounts = retryCounts
        branch.variables = variables
    }
}

extension Cursor {
    /// Cursor `branchId` of `execution`, read from where it is kept; nil for a branch that is
    /// gone or has ended.
    static func load(branchId: Int64, of execution: ExecutionRecord, in db: Database) throws -> Cursor? {
        if branchId == BranchRecord.topLevel { return Cursor(of: execution) }
        guard let executionId = execution.id, let branch = try BranchRecord.find(db, id: branchId, executionId: executionId),
            branch.status == .running
        else { return nil }
        return Cursor(of: branch)
    }

    /// Writes the cursor back: onto `execution` for the top level (the caller writes that),
    /// else onto its branch's row.
    func save(into execution: inout ExecutionRecord, in db: Database) throws {
        guard !isTopLevel else {
            store(in: &execution)
            return
        }
        guard let executionId = execution.id, var branch = try BranchRecord.find(db, id: branchId, executionId: executionId) else { return }
        store(in: &branch)
        try branch.updateChanges(db)
    }
}
