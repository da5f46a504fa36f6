import Crypto
import Foundation

/// The message digests `States.Hash` offers, from swift-crypto.
enum Digest {
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits: [Character] = Array("0123456789abcdef")
        var text = ""
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }

    static func md5(_ message: [UInt8]) -> [UInt8] { Array(Insecure.MD5.hash(data: message)) }
    static func sha1(_ message: [UInt8]) -> [UInt8] { Array(Insecure.SHA1.hash(data: message)) }
    static func sha256(_ message: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: message)) }
    static func sha384(_ message: [UInt8]) -> [UInt8] { Array(SHA384.hash(data: message)) }
    static func sha512(_ message: [UInt8]) -> [UInt8] { Array(SHA512.hash(data: message)) }
}
