import ArgumentParser

@main
struct Stepctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stepctl",
        abstract: "Talks to stepd over its Unix socket, with the AWS CLI's verbs for Step Functions and EventBridge.",
        discussion: """
            Values that take JSON accept it inline or as file://PATH. Output is JSON on stdout.
            Errors print as the AWS CLI prints them and exit 254 (an API error) or 255 (no answer).
            """,
        subcommands: [
            CreateStateMachine.self, UpdateStateMachine.self, DescribeStateMachine.self, ListStateMachines.self,
            DeleteStateMachine.self, StartExecution.self, DescribeExecution.self, WaitExecution.self,
            ListExecutions.self, GetExecutionHistory.self, StopExecution.self, SendTaskSuccess.self,
            SendTaskFailure.self, SendTaskHeartbeat.self, PutEvents.self, ListRules.self, Apply.self, Call.self,
        ])
}
