import GRDB

/// An execution that is a child of a map run: the run, and the position of its item.
public struct MapRunChildRecord: Codable, Sendable, FetchableRecord, PersistableRecord, ExecutionAnnex {
    public static let databaseTableName = "mapRunChild"

    public var executionId: Int64
    public var mapRunId: Int64
    public var position: Int64
    /// How many items it runs: 1, or its batch's.
    public var itemCount: Int64

    public init(executionId: Int64, mapRunId: Int64, position: Int64, itemCount: Int64) {
        self.executionId = executionId
        self.mapRunId = mapRunId
        self.position = position
        self.itemCount = itemCount
    }
}
