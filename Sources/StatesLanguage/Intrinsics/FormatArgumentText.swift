import JSON

/// The text `States.Format` puts in place of a `{}`. AWS writes a string as it is and any
/// other value as Java's `toString` writes the value it parsed: numbers, `true`, `false` and
/// `null` as JSON does, an array as `[1, 2, x]` and an object as `{a=1, b=[]}`, strings
/// inside them unquoted. (AWS writes an object's members in the input's order; a `JSONValue`
/// keeps no order, so stepd writes them sorted by name.)
enum FormatArgumentText {
    /// The text of `value`, or `nil` once it would pass `byteLimit` bytes of UTF-8: a large
    /// value is never written whole. Written from a stack of its own, not by recursion.
    static func text(of value: JSONValue, byteLimit: Int) -> String? {
        enum Pending {
            case value(JSONValue)
            case text(String)
        }
        var result = ""
        var pending: [Pending] = [.value(value)]
        while let next = pending.popLast() {
            switch next {
            case .text(let text): result += text
            case .value(.string(let text)): result += text
            case .value(.array(let elements)):
                result += "["
                pending.append(.text("]"))
                for (index, element) in elements.enumerated().reversed() {
                    pending.append(.value(element))
                    if index > 0 { pending.append(.text(", ")) }
                }
            case .value(.object(let members)):
                result += "{"
                pending.append(.text("}"))
                let names = members.keys.sorted()
                for (index, name) in names.enumerated().reversed() {
                    pending.append(.value(members[name, default: .null]))
                    pending.append(.text(index > 0 ? ", \(name)=" : "\(name)="))
                }
            case .value(let scalar): result += scalar.serialized()
            }
            if result.utf8.count > byteLimit { return nil }
        }
        return result
    }
}
