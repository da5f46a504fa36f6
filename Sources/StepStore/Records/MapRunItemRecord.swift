import GRDB

/// The input of one item (or batch) of a map run whose child has not started yet; the row
/// goes when the child starts, whose execution row then holds the input.
public struct MapRunItemRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "mapRunItem"

    public var mapRunId: Int64
    public var position: Int64
    public var input: String
    /// How many items it is: 1, or a batch's.
    public var itemCount: Int64

    public init(mapRunId: Int64, position: Int64, input: String, itemCount: Int64) {
        self.mapRunId = mapRunId
        self.position = position
        self.input = input
        self.itemCount = itemCount
    }
}
