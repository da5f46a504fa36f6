/// ARNs in AWS's format, with the one region and account id every local resource has.
///
/// Callers may name a state machine by a full ARN of any region and account, or by its bare
/// name: definitions written for AWS run here unchanged.
public enum LocalARN {
    public static let region = "local"
    public static let account = "000000000000"

    public static func stateMachine(_ name: String) -> String {
        "arn:aws:states:\(region):\(account):stateMachine:\(name)"
    }

    public static func execution(stateMachine: String, name: String) -> String {
        "arn:aws:states:\(region):\(account):execution:\(stateMachine):\(name)"
    }

    /// An EXPRESS execution's ARN: `...:express:MACHINE:NAME:UUID`, a start of its own for
    /// every call (AWS's StartExecution is not idempotent for EXPRESS machines).
    public static func expressExecution(stateMachine: String, name: String, id: String) -> String {
        "arn:aws:states:\(region):\(account):express:\(stateMachine):\(name):\(id)"
    }

    public static func rule(_ name: String) -> String {
        "arn:aws:events:\(region):\(account):rule/\(name)"
    }

    public static func table(_ name: String) -> String {
        "arn:aws:dynamodb:\(region):\(account):table/\(name)"
    }

    public static func flow(_ name: String) -> String {
        "arn:aws:appflow:\(region):\(account):flow/\(name)"
    }

    /// A published version's ARN: the state machine's with `:NUMBER`.
    public static func stateMachineVersion(_ name: String, number: Int64) -> String {
        "\(stateMachine(name)):\(number)"
    }

    /// An alias's ARN: the state machine's with `:ALIAS`.
    public static func stateMachineAlias(_ name: String, alias: String) -> String {
        "\(stateMachine(name)):\(alias)"
    }

    /// A map run's ARN: `...:mapRun:MACHINE/LABEL:ID`.
    public static func mapRun(stateMachine: String, label: String, id: String) -> String {
        "arn:aws:states:\(region):\(account):mapRun:\(stateMachine)/\(label):\(id)"
    }

    /// The state machine a map run's children run, by its label: `...:stateMachine:MACHINE/LABEL`.
    public static func labelledStateMachine(_ name: String, label: String) -> String {
        "\(stateMachine(name))/\(label)"
    }

    /// The (state machine, label) of a labelled state machine ARN (`...:stateMachine:NAME/LABEL`);
    /// nil for any other reference.
    public static func labelledStateMachine(from reference: String) -> (name: String, label: String)? {
        let parts = reference.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 7, parts[0] == "arn", parts[2] == "states", parts[5] == "stateMachine" else { return nil }
        let nameAndLabel = parts[6].split(separator: "/", omittingEmptySubsequences: false)
        guard nameAndLabel.count == 2, !nameAndLabel[0].isEmpty, !nameAndLabel[1].isEmpty else { return nil }
        return (String(nameAndLabel[0]), String(nameAndLabel[1]))
    }

    /// A map run's child: `...:execution:MACHINE/LABEL:NAME`.
    public static func mapRunExecution(stateMachine: String, label: String, name: String) -> String {
        execution(stateMachine: "\(stateMachine)/\(label)", name: name)
    }

    /// The local form of a map run ARN given with any region and account; nil when it is not one.
    public static func normalizedMapRun(_ reference: String) -> String? {
        let parts = reference.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 8, parts[0] == "arn", parts[2] == "states", parts[5] == "mapRun", !parts[7].isEmpty else { return nil }
        let machineAndLabel = parts[6].split(separator: "/", omittingEmptySubsequences: false)
        guard machineAndLabel.count == 2, !machineAndLabel[0].isEmpty, !machineAndLabel[1].isEmpty else { return nil }
        return mapRun(stateMachine: String(machineAndLabel[0]), label: String(machineAndLabel[1]), id: String(parts[7]))
    }

    /// What a state machine ARN may name past the machine: one of its versions or aliases.
    public enum Qualifier: Sendable, Equatable {
        case version(Int64)
        case alias(String)
    }

    /// The state machine name in `reference`: a bare name or an unqualified state machine ARN
    /// of any region and account. A version or alias ARN is refused as AWS refuses it where
    /// only a state machine is taken: the machine it names does not exist.
    public static func stateMachineName(from reference: String) throws -> String {
        let (name, qualifier) = try qualifiedStateMachine(from: reference)
        if qualifier != nil { throw StateMachineError.doesNotExist(arn: reference) }
        return name
    }

    /// The state machine name in `reference` and the version or alias its ARN names, if any:
    /// `...:stateMachine:NAME:7` is version 7, `...:stateMachine:NAME:PROD` alias PROD.
    public static func qualifiedStateMachine(from reference: String) throws(RequestError) -> (name: String, qualifier: Qualifier?) {
        if !reference.hasPrefix("arn:") {
            try ResourceName.validate(reference, what: "state machine name")
            return (reference, nil)
        }
        let parts = reference.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 7 || parts.count == 8, parts[1] == "aws", parts[2] == "states", parts[5] == "stateMachine", !parts[6].isEmpty
        else { throw .invalidArn(reason: "'Resource type not valid in this context: \(reference)'") }
        // A Distributed Map's label ARN (`NAME/label`): AWS answers ValidationException.
        if parts[6].contains("/") {
            throw .invalid(reason: "Invalid Arn: '\(reference)' names a Distributed Map run's label, which this action does not take")
        }
        let name = String(parts[6])
        guard parts.count == 8 else { return (name, nil) }
        let suffix = String(parts[7])
        if let number = Int64(suffix), number > 0, suffix.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return (name, .version(number)) }
        guard AliasName.isValid(suffix) else { throw .invalidArn(reason: "'\(reference)' names neither a version nor an alias") }
        return (name, .alias(suffix))
    }

    /// The (state machine, execution) names in an execution ARN of any region and account.
    public static func executionNames(from reference: String) throws(RequestError) -> (stateMachine: String, execution: String) {
        let parts = reference.split(separator: ":", omittingEmptySubsequences: false)
        // AWS's answer for an EXPRESS execution where only STANDARD ones are taken.
        if parts.count > 5, parts[0] == "arn", parts[2] == "states", parts[5] == "express" {
            throw .invalidArn(reason: "'Resource type not valid in this context: express'")
        }
        guard parts.count == 8, parts[0] == "arn", parts[2] == "states", parts[5] == "execution",
            !parts[6].isEmpty, !parts[7].isEmpty
        else { throw .invalidArn(reason: "'\(reference)' is not an execution ARN") }
        return (String(parts[6]), String(parts[7]))
    }

    /// The local form of an execution ARN given with any region and account.
    public static func normalizedExecution(_ reference: String) throws(RequestError) -> String {
        let names = try executionNames(from: reference)
        return execution(stateMachine: names.stateMachine, name: names.execution)
    }
}

/// AWS's rule for state machine and execution names: 1–80 characters of `[A-Za-z0-9_-]`.
public enum ResourceName {
    public static func validate(_ name: String, what: String) throws(RequestError) {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard !name.isEmpty, name.utf8.count <= 80, allowed else {
            throw .invalidName(name: name, what: what)
        }
    }
}

/// AWS's `CharacterRestrictedName` for aliases: 1 to 80 of `[a-zA-Z0-9_.-]`, not all digits
/// (a number would read as a version).
public enum AliasName {
    public static let pattern = #"^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$"#

    public static func isValid(_ name: String) -> Bool {
        name.utf8.count <= 80 && matchesPattern(name)
    }

    /// `pattern`, whatever the length.
    public static func matchesPattern(_ name: String) -> Bool {
        let bytes = name.utf8
        let allowed = bytes.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
        return !name.isEmpty && allowed && !bytes.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}
