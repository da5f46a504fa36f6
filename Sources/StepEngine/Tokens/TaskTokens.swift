import Foundation

/// Task tokens: opaque, unguessable, URL-safe.
enum TaskTokens {
    /// 48 random bytes as 64 characters of base64url (no padding: 48 bytes are 16 whole groups).
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let words = (0..<6).map { _ in generator.next() as UInt64 }
        var text = [UInt8]()
        text.reserveCapacity(64)
        words.withUnsafeBytes { random in
            for group in stride(from: 0, to: random.count, by: 3) {
                let bits = UInt32(random[group]) << 16 | UInt32(random[group + 1]) << 8 | UInt32(random[group + 2])
                for shift in [18, 12, 6, 0] { text.append(base64URLAlphabet[Int((bits >> UInt32(shift)) & 0x3F)]) }
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let base64URLAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 64 && token.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }
}
