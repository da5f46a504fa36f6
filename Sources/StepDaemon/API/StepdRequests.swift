import StepAPI

/// The members of stepd's own requests (`Stepd.*`), with constraints in AWS's manner: names
/// as Step Functions' names, command lines within what Linux's `execve` takes.
extension StepdHandler {
    static let requests: [String: RequestShape] = [
        "WaitForExecution": .structure(["executionArn": .required(StepFunctionsHandler.arn)]),
        "PutJobDefinition": .structure([
            "Name": .required(StepFunctionsHandler.name),
            "Command": .required(.list(argument, [.length(min: 1, max: maximumArguments)], summary: "[String]")),
            "Environment": .optional(.map(keys: [.utf8Size(max: maximumArgumentBytes)], summary: "{String=String}")),
            "WorkingDirectory": .optional(.string([.length(min: 1, max: Int.max), .utf8Size(max: maximumPathBytes)])),
            "TimeoutSeconds": .optional(.integer([.range(min: 1, max: Int(Int32.max))])),
        ]),
        "DescribeJobDefinition": .structure(["Name": .required(StepFunctionsHandler.name)]),
        "DeleteJobDefinition": .structure(["Name": .required(StepFunctionsHandler.name)]),
        "DescribeJob": .structure(["JobId": .required(.string([.length(min: 1, max: 256)]))]),
    ]

    /// One argument or environment entry: Linux's `MAX_ARG_STRLEN` (32 pages of 4 KiB).
    static let maximumArgumentBytes = 131_072
    static let maximumArguments = 4096
    /// `PATH_MAX`, less its terminating NUL.
    static let maximumPathBytes = 4095
    static let argument = RequestShape.string([.utf8Size(max: maximumArgumentBytes)])
}
