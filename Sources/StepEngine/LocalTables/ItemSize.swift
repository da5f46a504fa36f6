import Foundation
import JSON

/// DynamoDB's limits on items and keys, and the sizes it counts them by ("DynamoDB item
/// sizes and formats"): 400 KB an item, 2048 bytes a partition key, 1024 a sort key.
enum ItemSize {
    static let maximumItemBytes = 409_600
    static let maximumPartitionKeyBytes = 2048
    static let maximumSortKeyBytes = 1024

    /// The item's size: each attribute's name in UTF-8 bytes plus its value's size.
    static func of(_ item: [String: JSONValue]) -> Int {
        item.reduce(0) { $0 + $1.key.utf8.count + size(of: $1.value) }
    }

    /// An attribute value's size: a string's UTF-8 bytes, a binary's raw bytes, a number's
    /// one byte per two significant digits plus one, one byte for a Boolean or null, the sum
    /// of a set's elements, and 3 bytes for a list or map plus one byte and the size of each
    /// element (a map's also counting each name).
    static func size(of value: JSONValue) -> Int {
        guard case .object(let typed) = value, let (type, content) = typed.first else { return 0 }
        switch type {
        case "S": return content.stringValue?.utf8.count ?? 0
        case "B": return binarySize(content.stringValue ?? "")
        case "N": return numberSize(content.stringValue ?? "")
        case "BOOL", "NULL": return 1
        case "SS": return (content.arrayValue ?? []).reduce(0) { $0 + ($1.stringValue?.utf8.count ?? 0) }
        case "BS": return (content.arrayValue ?? []).reduce(0) { $0 + binarySize($1.stringValue ?? "") }
        case "NS": return (content.arrayValue ?? []).reduce(0) { $0 + numberSize($1.stringValue ?? "") }
        case "L": return 3 + (content.arrayValue ?? []).reduce(0) { $0 + 1 + size(of: $1) }
        case "M": return 3 + (content.objectValue ?? [:]).reduce(0) { $0 + 1 + $1.key.utf8.count + size(of: $1.value) }
        default: return 0
        }
    }

    /// A key attribute's size: its bytes for a string or binary; numbers are not limited.
    static func keySize(of value: JSONValue) -> Int {
        guard case .object(let typed) = value, let (type, content) = typed.first else { return 0 }
        switch type {
        case "S": return content.stringValue?.utf8.count ?? 0
        case "B": return binarySize(content.stringValue ?? "")
        default: return 0
        }
    }

    /// The raw bytes a base64 text stands for (its own length when it is not base64).
    private static func binarySize(_ text: String) -> Int {
        Data(base64Encoded: text)?.count ?? text.utf8.count
    }

    /// About one byte per two significant digits, plus one: leading and trailing zeros,
    /// the sign, the point and the exponent do not count.
    private static func numberSize(_ text: String) -> Int {
        let mantissa = text.prefix { $0 != "e" && $0 != "E" }
        let digits = mantissa.filter(\.isNumber).drop { $0 == "0" }
        let significant = String(digits.reversed()).drop { $0 == "0" }.count
        return (significant + 1) / 2 + 1
    }
}
