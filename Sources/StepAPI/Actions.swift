/// The targets the API serves (`X-Amz-Target` values), by service prefix.
///
/// AWS actions keep their AWS names and shapes. `Stepd.*` are stepd's extensions, for what
/// AWS has no action for:
/// - `Stepd.WaitForExecution` `{"executionArn"}` → DescribeExecution's answer, sent when the
///   execution ends (the server holds the request; nothing polls).
/// - `Stepd.PutJobDefinition` `{"Name", "Command": [argv], "Environment": {}, "WorkingDirectory", "TimeoutSeconds"}`,
///   `Stepd.DescribeJobDefinition` / `Stepd.DeleteJobDefinition` `{"Name"}`, `Stepd.ListJobDefinitions`.
/// - `Stepd.DescribeJob` `{"JobId"}`: a job run (the `ExecutionId` startFlow returned).
/// - `Stepd.Health` → `{"Status": "OK"}`.
/// - `Stepd.WaitUntilIdle` → `{"Status": "IDLE"}` once no execution is ready to run (all have
///   ended or wait on tokens, timers or children): for scripts and benchmarks.
/// Local tables use DynamoDB's own actions under `DynamoDB_20120810.`: CreateTable,
/// DescribeTable, DeleteTable, ListTables, PutItem, GetItem, DeleteItem.
public enum Actions {
    public static let stepFunctions = "AWSStepFunctions"
    public static let events = "AWSEvents"
    public static let dynamoDB = "DynamoDB_20120810"
    public static let stepd = "Stepd"
}
