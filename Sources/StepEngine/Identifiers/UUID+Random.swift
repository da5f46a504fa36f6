import Foundation

extension UUID {
    /// A version 4 UUID from the system generator (getrandom(2)). Foundation's `UUID()` opens,
    /// reads and closes /dev/urandom for each one, three system calls on every API answer.
    public static func random() -> UUID {
        var generator = SystemRandomNumberGenerator()
        let high = ((generator.next() as UInt64) & ~0xF000) | 0x4000  // version 4
        return UUID(high: high, low: randomLowHalf(&generator))
    }

    /// A version 7 UUID (RFC 9562): the Unix time in milliseconds, then 74 random bits. Names
    /// drawn this way sort by when they were drawn, so each new one goes at the end of the
    /// index that keeps names unique (the page just written, hot in the cache) instead of at a
    /// random place in it (a page that may have to be read first, and page splits all over).
    public static func timeOrdered(at date: Date = Date()) -> UUID {
        var generator = SystemRandomNumberGenerator()
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000)) & 0xFFFF_FFFF_FFFF
        let high = (milliseconds << 16) | ((generator.next() as UInt64) & 0x0FFF) | 0x7000  // version 7
        return UUID(high: high, low: randomLowHalf(&generator))
    }

    /// 62 random bits under the RFC 4122 variant, the second half of both kinds.
    private static func randomLowHalf(_ generator: inout SystemRandomNumberGenerator) -> UInt64 {
        ((generator.next() as UInt64) & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
    }

    /// The UUID whose 16 bytes are `high` then `low`, most significant byte first.
    private init(high: UInt64, low: UInt64) {
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { raw in
            raw.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        self.init(uuid: bytes)
    }

    /// The UUID in lowercase, as AWS writes request ids and generated names; formatted here
    /// because Foundation's `uuidString` goes through `snprintf`.
    public var lowercasedString: String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(36)
        withUnsafeBytes(of: uuid) { bytes in
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: text, as: UTF8.self)
    }
}
