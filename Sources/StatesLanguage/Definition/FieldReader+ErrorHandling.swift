/// `Retry` and `Catch`, as Task, Parallel and Map states take them.
extension FieldReader {
    mutating func retriersAndCatchers() -> (retry: [Retrier], catchers: [Catcher]) {
        let retry = TaskState.readList("Retry", reader: &self) { (inner: inout FieldReader) in Retrier(reader: &inner) }
        let catchers = TaskState.readList("Catch", reader: &self) { (inner: inout FieldReader) in Catcher(reader: &inner) }
        TaskState.checkAllIsLast(retry.map(\.errorEquals), field: "Retry", reader: &self)
        TaskState.checkAllIsLast(catchers.map(\.errorEquals), field: "Catch", reader: &self)
        return (retry, catchers)
    }
}
