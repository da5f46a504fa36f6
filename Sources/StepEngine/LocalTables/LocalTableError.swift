/// Why a local table operation was refused, from the API or from a workflow's task.
public enum LocalTableError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request breaks one of DynamoDB's constraints; `reason` is DynamoDB's wording.
    case invalid(reason: String)
    case tableDoesNotExist(name: String)
    case tableAlreadyExists(name: String)

    public var description: String {
        switch self {
        case .invalid(let reason): reason
        case .tableDoesNotExist(let name): "Requested resource not found: Table: \(name) not found"
        case .tableAlreadyExists(let name): "Table already exists: \(name)"
        }
    }
}
