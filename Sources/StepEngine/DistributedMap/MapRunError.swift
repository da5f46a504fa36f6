/// Why a map run action was refused.
public enum MapRunError: Error, Sendable, Equatable, CustomStringConvertible {
    /// AWS's `ResourceNotFound`: no map run has that ARN.
    case doesNotExist(arn: String)
    /// AWS's `ValidationException` with reason `CANNOT_UPDATE_COMPLETED_MAP_RUN`.
    case completed(arn: String)

    public var description: String {
        switch self {
        case .doesNotExist(let arn): "Map Run does not exist: '\(arn)'"
        case .completed(let arn): "Map Run '\(arn)' has completed and cannot be updated"
        }
    }
}
