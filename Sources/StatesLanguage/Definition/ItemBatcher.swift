import JSON

/// A Distributed Map's `ItemBatcher`: its items go to the children in batches of at most
/// `MaxItemsPerBatch` items and `MaxInputBytesPerBatch` bytes, each child's input
/// `{"BatchInput": ..., "Items": [...]}`.
public struct ItemBatcher: Sendable {
    public let maxItemsPerBatch: NumberSetting?
    public let maxInputBytesPerBatch: NumberSetting?
    /// `BatchInput`, evaluated on the state's effective input, the same for every batch.
    public let batchInput: PayloadTemplate?

    /// AWS's bound on a batch's bytes: a child's input is at most 256 KiB.
    public static let maximumBytes = 262_144
    static let itemsRange: ClosedRange<Double> = 1...100_000_000
    static let bytesRange: ClosedRange<Double> = 1...Double(maximumBytes)
    static let itemsDescription = "a positive integer"
    static let bytesDescription = "a positive integer up to \(maximumBytes)"

    init?(reader: inout FieldReader, field: String) {
        guard var inner = reader.nestedObject(field) else { return nil }
        maxItemsPerBatch = NumberSetting.read(
            "MaxItemsPerBatch", from: &inner, in: Self.itemsRange, integral: true, description: Self.itemsDescription)
        maxInputBytesPerBatch = NumberSetting.read(
            "MaxInputBytesPerBatch", from: &inner, in: Self.bytesRange, integral: true, description: Self.bytesDescription)
        batchInput = inner.template("BatchInput", requireObject: true)
        if inner.members["MaxItemsPerBatch"] == nil, inner.members["MaxItemsPerBatchPath"] == nil,
            inner.members["MaxInputBytesPerBatch"] == nil, inner.members["MaxInputBytesPerBatchPath"] == nil
        {
            reader.fail(
                plain: "field '\(reader.qualified(field))' must have at least one of MaxItemsPerBatch, MaxItemsPerBatchPath, MaxInputBytesPerBatch and MaxInputBytesPerBatchPath",
                field: field)
        }
        inner.rejectUnknownFields(in: "an ItemBatcher")
        reader.problems += inner.problems
    }

    /// The children's inputs: `items` in order, cut into batches. An item that alone makes a
    /// batch over the byte bound fails the state (States.Runtime).
    public func batches(of items: [JSONValue], effectiveInput: JSONValue, context: EvaluationContext) throws(StatesError) -> [JSONValue] {
        let maxItems = try maxItemsPerBatch.map { setting throws(StatesError) in
            Int(try setting.resolve(in: effectiveInput, context: context, range: Self.itemsRange, integral: true, description: Self.itemsDescription))
        } ?? Int.max
        let maxBytes = try maxInputBytesPerBatch.map { setting throws(StatesError) in
            Int(try setting.resolve(in: effectiveInput, context: context, range: Self.bytesRange, integral: true, description: Self.bytesDescription))
        } ?? Self.maximumBytes
        let shared = try batchInput?.evaluate(input: effectiveInput, context: context)
        // {"BatchInput":<shared>,"Items":[]}: what a batch costs before its items.
        let frame = #"{"Items":[]}"#.utf8.count + (shared.map { #","BatchInput":"#.utf8.count + $0.serialized().utf8.count } ?? 0)
        var batches: [JSONValue] = []
        var current: [JSONValue] = []
        var bytes = frame
        func close() {
            var members: [String: JSONValue] = ["Items": .array(current)]
            if let shared { members["BatchInput"] = shared }
            batches.append(.object(members))
            current.removeAll(keepingCapacity: true)
            bytes = frame
        }
        for (index, item) in items.enumerated() {
            let itemBytes = item.serialized().utf8.count
            if !current.isEmpty, current.count == maxItems || bytes + 1 + itemBytes > maxBytes { close() }
            let cost = itemBytes + (current.isEmpty ? 0 : 1)
            if current.isEmpty, frame + cost > maxBytes {
                throw StatesError.runtime(
                    "Item \(index) takes \(cost) bytes in a batch, more than MaxInputBytesPerBatch (\(maxBytes) bytes) allows")
            }
            current.append(item)
            bytes += cost
        }
        if !current.isEmpty { close() }
        return batches
    }
}
