import Foundation

/// One file of a configuration folder that stepd knows how to apply, by its suffix.
public struct ConfigurationFile: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// DynamoDB CreateTable input.
        case table = ".table.json"
        /// Stepd.PutJobDefinition input; relative paths are taken from the folder.
        case job = ".job.json"
        /// A state machine definition, named after the file.
        case stateMachine = ".asl.json"
        /// PutRule input plus `Targets`.
        case rule = ".rule.json"
    }

    public let kind: Kind
    /// The file name within the folder, e.g. `main.asl.json`.
    public let name: String
    public let url: URL

    /// The name without its suffix: the state machine's name for `NAME.asl.json`.
    public var stem: String { String(name.dropLast(kind.rawValue.count)) }
}
