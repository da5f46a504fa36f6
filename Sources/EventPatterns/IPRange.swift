/// `cidr`: an IPv4 or IPv6 network; an address matches when its first `prefixLength` bits
/// equal the network's.
struct IPRange: Sendable, Equatable {
    let network: [UInt8]
    let prefixLength: Int

    enum ParseFailure: Error { case message(String) }

    static func parse(_ text: String) -> Result<IPRange, ParseFailure> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return .failure(.message("Malformed CIDR, one '/' required")) }
        guard let address = parseAddress(String(parts[0])) else {
            return .failure(.message("Nonstandard IP address: \(parts[0])"))
        }
        guard let bits = Int(parts[1]), !parts[1].hasPrefix("+"), !parts[1].hasPrefix("-") else {
            return .failure(.message("CIDR mask bits must be an integer"))
        }
        guard bits >= 0, bits <= address.count * 8 else {
            return .failure(.message("Invalid CIDR mask bits: \(bits)"))
        }
        return .success(IPRange(network: address, prefixLength: bits))
    }

    func contains(_ address: [UInt8]) -> Bool {
        guard address.count == network.count else { return false }
        var remaining = prefixLength
        for index in 0..<network.count where remaining > 0 {
            let take = min(8, remaining)
            let mask: UInt8 = take == 8 ? 0xFF : ~(0xFF >> UInt8(take))
            if address[index] & mask != network[index] & mask { return false }
            remaining -= take
        }
        return true
    }

    /// 4 bytes for dotted-quad IPv4, 16 for IPv6 (with `::` and an optional IPv4 tail).
    static func parseAddress(_ text: String) -> [UInt8]? {
        if text.contains(":") { return parseIPv6(text) }
        return parseIPv4(Substring(text))
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    private static func parseIPv6(_ text: String) -> [UInt8]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String, allowIPv4Tail: Bool) -> [UInt8]? {
            if part.isEmpty { return [] }
            let items = part.split(separator: ":", omittingEmptySubsequences: false)
            var bytes: [UInt8] = []
            for (index, item) in items.enumerated() {
                if allowIPv4Tail, index == items.count - 1, item.contains(".") {
                    guard let v4 = parseIPv4(item) else { return nil }
                    bytes += v4
                    continue
                }
                guard !item.isEmpty, item.count <= 4, let value = UInt16(item, radix: 16) else { return nil }
                bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return bytes
        }
        if halves.count == 1 {
            guard let bytes = groups(halves[0], allowIPv4Tail: true), bytes.count == 16 else { return nil }
            return bytes
        }
        guard let head = groups(halves[0], allowIPv4Tail: false),
            let tail = groups(halves[1], allowIPv4Tail: true),
            head.count + tail.count <= 14
        else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}
