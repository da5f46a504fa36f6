/// Why a job definition or a job could not be read or changed.
public enum JobError: Error, Sendable, Equatable, CustomStringConvertible {
    case definitionDoesNotExist(name: String)
    case jobDoesNotExist(id: String)

    public var description: String {
        switch self {
        case .definitionDoesNotExist(let name): "Job definition '\(name)' does not exist"
        case .jobDoesNotExist(let id): "Job '\(id)' does not exist"
        }
    }
}
