import Glibc

/// One `struct inotify_event` as read from an inotify descriptor:
/// `int wd; uint32_t mask; uint32_t cookie; uint32_t len; char name[len];` where `name` is
/// NUL-terminated and padded with NULs up to `len`. One `read` returns several records.
struct InotifyRecord: Sendable, Equatable {
    var watch: Int32
    var mask: UInt32
    var cookie: UInt32
    var name: String

    static let headerSize = 16

    static let movedTo = UInt32(IN_MOVED_TO)
    static let closeWrite = UInt32(IN_CLOSE_WRITE)
    static let queueOverflow = UInt32(IN_Q_OVERFLOW)
    static let ignored = UInt32(IN_IGNORED)
    static let onlyDirectory = UInt32(IN_ONLYDIR)

    /// Parses every complete record in `bytes`; a truncated tail (which the kernel never
    /// produces) is dropped.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> [InotifyRecord] {
        var records: [InotifyRecord] = []
        var offset = 0
        while offset + headerSize <= bytes.count {
            let watch = bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)
            let mask = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let cookie = bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
            let length = Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            let nameStart = offset + headerSize
            guard nameStart + length <= bytes.count else { break }
            let nameBytes = bytes[nameStart..<(nameStart + length)]
            let end = nameBytes.firstIndex(of: 0) ?? nameBytes.endIndex
            let name = String(decoding: bytes[nameStart..<end], as: UTF8.self)
            records.append(InotifyRecord(watch: watch, mask: mask, cookie: cookie, name: name))
            offset = nameStart + length
        }
        return records
    }
}
