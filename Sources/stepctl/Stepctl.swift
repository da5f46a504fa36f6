import ArgumentParser
import StepClient

@main
enum StepctlEntry {
    static func main() async {
        StepClient.runTasksOnEventLoops()
        await Stepctl.main(Stepctl.placingConnectionOptionsAfterVerb(Array(CommandLine.arguments.dropFirst())))
    }
}

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
            ListExecutions.self, GetExecutionHistory.self, StopExecution.self, RedriveExecution.self, DescribeMapRun.self,
            ListMapRuns.self, UpdateMapRun.self, SendTaskSuccess.self,
            SendTaskFailure.self, SendTaskHeartbeat.self, PutEvents.self, ListRules.self, Apply.self, Validate.self, Call.self,
        ])
}

extension Stepctl {
    /// `stepctl --socket PATH VERB ...` reads as `stepctl VERB --socket PATH ...`: the socket
    /// is every verb's option, and people write it first, as with the AWS CLI's global options.
    static func placingConnectionOptionsAfterVerb(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var rest = arguments[...]
        while let first = rest.first {
            if first == "--socket", rest.count >= 2 {
                leading += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else if first.hasPrefix("--socket=") {
                leading.append(first)
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        guard !leading.isEmpty, let verb = rest.first else { return arguments }
        return [verb] + leading + rest.dropFirst()
    }
}
