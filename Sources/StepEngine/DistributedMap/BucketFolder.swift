import Crypto
import Foundation
import JSON
import StatesLanguage

#if canImport(Glibc)
import Glibc
#endif

/// The folder that stands for Amazon S3 where a Distributed Map reads its items
/// (`ItemReader`) and writes its results (`ResultWriter`): bucket `B` is the folder
/// `<root>/B`, the object with key `K` the file `<root>/B/K`. Nothing outside the root is
/// read or written: bucket names are S3's (no `/`), a key's segments are neither empty nor
/// `.` or `..`, and a path that symbolic links lead outside the root is refused.
public struct BucketFolder: Sendable {
    public let root: String

    /// The largest object read as items (all of it is held while its items are made).
    public static let maximumObjectBytes = 128 << 20
    /// The most objects a listing (`s3:listObjectsV2`) yields.
    public static let maximumListedObjects = 1_000_000
    /// The most bytes a listing reads to give its objects' `Etag` (the MD5 of each).
    public static let maximumListedBytes = 1 << 30

    public init(root: String) {
        self.root = root
    }

    // MARK: Reading

    /// The bytes of object `key` of `bucket`. Fails with `error` (AWS's error for the reader or
    /// the writer) naming what was wrong.
    func read(bucket: String, key: String, error: String = StatesError.itemReaderFailed) throws(StatesError) -> [UInt8] {
        let path = try objectPath(bucket: bucket, key: key, error: error)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            throw StatesError(name: error, cause: "The object '\(key)' of bucket '\(bucket)' cannot be read: \(Self.describe(errno))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw StatesError(name: error, cause: "The object '\(key)' of bucket '\(bucket)' is not a file")
        }
        guard status.st_size <= Self.maximumObjectBytes else {
            throw StatesError(
                name: error,
                cause: "The object '\(key)' of bucket '\(bucket)' is \(status.st_size) bytes, more than stepd reads (\(Self.maximumObjectBytes))")
        }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress.map { $0 + filled }, buffer.count - filled)
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                if count == 0 { break }
                throw StatesError(name: error, cause: "The object '\(key)' of bucket '\(bucket)' cannot be read: \(Self.describe(errno))")
            }
            filled += count
        }
        if filled < bytes.count { bytes.removeLast(bytes.count - filled) }
        return bytes
    }

    /// The objects of `bucket` whose keys start with `prefix`, in key order (as S3 lists
    /// them), each as AWS's `s3:listObjectsV2` item reader gives it: `Etag` (the MD5 of its
    /// bytes, quoted), `Key`, `LastModified` (seconds since 1970), `Size`, `StorageClass`.
    /// At most `limit` of them (and `maximumListedObjects`).
    func list(bucket: String, prefix: String, limit: Int?) throws(StatesError) -> [JSONValue] {
        let bucketPath = try self.bucketPath(bucket, error: StatesError.itemReaderFailed)
        let cap = min(limit.flatMap { $0 > 0 ? $0 : nil } ?? Self.maximumListedObjects, Self.maximumListedObjects)
        var keys: [String] = []
        // Folders to read, as key prefixes ("" for the bucket itself): iterative, so that a
        // deep tree needs no stack. Symbolic links are not followed.
        var pending = [""]
        var seen = 0
        while let folder = pending.popLast() {
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: bucketPath + "/" + folder) } catch { continue }
            for name in names {
                let key = folder + name
                var status = stat()
                guard lstat(bucketPath + "/" + key, &status) == 0 else { continue }
                switch status.st_mode & S_IFMT {
                case S_IFDIR:
                    // Only folders that can hold keys with the prefix.
                    let folderKey = key + "/"
                    if folderKey.hasPrefix(prefix) || prefix.hasPrefix(folderKey) { pending.append(folderKey) }
                case S_IFREG where key.hasPrefix(prefix):
                    keys.append(key)
                    seen += 1
                    guard seen <= Self.maximumListedObjects * 2 else {
                        throw StatesError(
                            name: StatesError.itemReaderFailed,
                            cause: "Bucket '\(bucket)' holds more than \(Self.maximumListedObjects * 2) objects under prefix '\(prefix)', more than stepd lists")
                    }
                default:
                    continue
                }
            }
        }
        // S3 orders keys by their UTF-8 bytes.
        keys.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        if limit.map({ $0 <= 0 }) ?? true, keys.count > Self.maximumListedObjects {
            throw StatesError(
                name: StatesError.itemReaderFailed,
                cause: "Bucket '\(bucket)' holds \(keys.count) objects under prefix '\(prefix)', more than stepd lists for one map run (\(Self.maximumListedObjects); MaxItems reads fewer)")
        }
        var objects: [JSONValue] = []
        objects.reserveCapacity(min(keys.count, cap))
        var budget = Self.maximumListedBytes
        for key in keys.prefix(cap) {
            guard let (digest, size, modified) = try digest(bucket: bucket, key: key, budget: &budget) else { continue }
            objects.append([
                "Etag": .string("\"\(digest)\""),
                "Key": .string(key),
                "LastModified": .number(Double(modified)),
                "Size": .number(Double(size)),
                "StorageClass": "STANDARD",
            ])
        }
        return objects
    }

    /// The MD5 of object `key` (hex), its size and when it was last changed, read a MiB at a
    /// time, taken from `budget`; nil when it is not a regular file (any more).
    private func digest(bucket: String, key: String, budget: inout Int) throws(StatesError) -> (String, Int, Int)? {
        let path = try objectPath(bucket: bucket, key: key, error: StatesError.itemReaderFailed)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        budget -= Int(status.st_size)
        guard budget >= 0 else {
            throw StatesError(
                name: StatesError.itemReaderFailed,
                cause: "The objects listed in bucket '\(bucket)' are more than \(Self.maximumListedBytes) bytes together, more than stepd reads for their Etags (MaxItems lists fewer)")
        }
        var hasher = Insecure.MD5()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var size = 0
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                if count == 0 { break }
                throw StatesError(name: StatesError.itemReaderFailed, cause: "The object '\(key)' of bucket '\(bucket)' cannot be read: \(Self.describe(errno))")
            }
            chunk.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
            size += count
        }
        let digest = hasher.finalize().map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        return (digest, size, Int(status.st_mtim.tv_sec))
    }

    // MARK: Writing

    /// A new object `key` of `bucket`, written piece by piece into a temporary file that
    /// `commit` renames into place (so that a reader never sees half of it); folders of the
    /// key are made.
    func create(bucket: String, key: String) throws(StatesError) -> ObjectWriter {
        let error = StatesError.resultWriterFailed
        let bucketPath = try self.bucketPath(bucket, error: error)
        let segments = try Self.segments(of: key, error: error)
        guard let resolvedBucket = Self.resolved(bucketPath) else {
            throw StatesError(name: error, cause: "The bucket '\(bucket)' does not exist (stepd's buckets are the folders of \(root))")
        }
        // Level by level, each checked to be inside the bucket before a folder is made in it:
        // a symbolic link on the way must not lead a new folder out.
        var folder = bucketPath
        for segment in segments.dropLast() {
            folder += "/" + segment
            if mkdir(folder, 0o755) != 0, errno != EEXIST {
                throw StatesError(name: error, cause: "The folder of key '\(key)' in bucket '\(bucket)' cannot be made: \(Self.describe(errno))")
            }
            guard let resolved = Self.resolved(folder), resolved.hasPrefix(resolvedBucket + "/") else {
                throw StatesError(name: error, cause: "The key '\(key)' leads outside bucket '\(bucket)'")
            }
        }
        let path = try objectPath(bucket: bucket, key: key, error: error)
        let temporary = path + ".stepd-partial"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            throw StatesError(name: error, cause: "The object '\(key)' of bucket '\(bucket)' cannot be written: \(Self.describe(errno))")
        }
        return ObjectWriter(descriptor: descriptor, temporaryPath: temporary, path: path, bucket: bucket, key: key)
    }

    /// An object `create` began in an earlier commit, to be written on from `size` bytes: what
    /// a commit that did not last wrote past them goes. One renamed into place by a commit that
    /// did not last is taken back.
    func reopen(bucket: String, key: String, size: Int) throws(StatesError) -> ObjectWriter {
        let error = StatesError.resultWriterFailed
        let path = try objectPath(bucket: bucket, key: key, error: error)
        let temporary = path + ".stepd-partial"
        if access(temporary, F_OK) != 0, access(path, F_OK) == 0 { rename(path, temporary) }
        let descriptor = open(temporary, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0, ftruncate(descriptor, off_t(size)) == 0, lseek(descriptor, off_t(size), SEEK_SET) >= 0 else {
            let reason = Self.describe(errno)
            if descriptor >= 0 { close(descriptor) }
            throw StatesError(name: error, cause: "The object '\(key)' of bucket '\(bucket)' cannot be written on: \(reason)")
        }
        var writer = ObjectWriter(descriptor: descriptor, temporaryPath: temporary, path: path, bucket: bucket, key: key)
        writer.size = size
        return writer
    }

    /// An object being written; `commit`, `pause` or `abandon` ends it.
    struct ObjectWriter {
        let descriptor: Int32
        let temporaryPath: String
        let path: String
        let bucket: String
        let key: String
        fileprivate(set) var size = 0

        fileprivate init(descriptor: Int32, temporaryPath: String, path: String, bucket: String, key: String) {
            self.descriptor = descriptor
            self.temporaryPath = temporaryPath
            self.path = path
            self.bucket = bucket
            self.key = key
        }

        mutating func append(_ text: String) throws(StatesError) {
            var text = text
            let result: Result<Int, StatesError> = text.withUTF8 { bytes in
                var written = 0
                while written < bytes.count {
                    let count = Glibc.write(descriptor, bytes.baseAddress.map { $0 + written }, bytes.count - written)
                    if count < 0, errno == EINTR { continue }
                    guard count > 0 else { return .failure(failure(errno)) }
                    written += count
                }
                return .success(written)
            }
            size += try result.get()
        }

        /// Makes what was written durable and closes the file, to be written on (`reopen`) later.
        func pause() throws(StatesError) {
            let synced = fsync(descriptor) == 0
            let code = errno
            close(descriptor)
            guard synced else { throw failure(code) }
        }

        /// Makes the object durable and visible under its key.
        func commit() throws(StatesError) {
            let synced = fsync(descriptor) == 0
            let code = errno
            close(descriptor)
            guard synced else {
                unlink(temporaryPath)
                throw failure(code)
            }
            guard rename(temporaryPath, path) == 0 else {
                let code = errno
                unlink(temporaryPath)
                throw failure(code)
            }
        }

        func abandon() {
            close(descriptor)
            unlink(temporaryPath)
        }

        private func failure(_ code: Int32) -> StatesError {
            StatesError(
                name: StatesError.resultWriterFailed, cause: "The object '\(key)' of bucket '\(bucket)' cannot be written: \(BucketFolder.describe(code))")
        }
    }

    // MARK: Names

    /// `<root>/<bucket>`, for a bucket name S3 takes (3–63 characters of lowercase letters,
    /// digits, dots and hyphens) whose folder exists within the root.
    private func bucketPath(_ bucket: String, error: String) throws(StatesError) -> String {
        let allowed = bucket.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
        }
        guard allowed, (3...63).contains(bucket.utf8.count), bucket != "..", !bucket.hasPrefix(".") else {
            throw StatesError(name: error, cause: "'\(bucket)' is not a bucket name (3 to 63 lowercase letters, digits, dots and hyphens)")
        }
        let path = root + "/" + bucket
        guard let resolved = Self.resolved(path), let resolvedRoot = Self.resolved(root), resolved.hasPrefix(resolvedRoot + "/") else {
            throw StatesError(name: error, cause: "The bucket '\(bucket)' does not exist (stepd's buckets are the folders of \(root))")
        }
        return path
    }

    /// The file of `key` in `bucket`, refused when its folders lead outside the bucket.
    private func objectPath(bucket: String, key: String, error: String) throws(StatesError) -> String {
        let bucketPath = try self.bucketPath(bucket, error: error)
        let segments = try Self.segments(of: key, error: error)
        let path = bucketPath + "/" + segments.joined(separator: "/")
        // The folder holding the file must resolve inside the bucket (the file itself is
        // opened with O_NOFOLLOW).
        let parent = segments.count > 1 ? bucketPath + "/" + segments.dropLast().joined(separator: "/") : bucketPath
        if let resolvedParent = Self.resolved(parent), let resolvedBucket = Self.resolved(bucketPath),
            resolvedParent != resolvedBucket, !resolvedParent.hasPrefix(resolvedBucket + "/")
        {
            throw StatesError(name: error, cause: "The key '\(key)' leads outside bucket '\(bucket)'")
        }
        return path
    }

    private static func segments(of key: String, error: String) throws(StatesError) -> [String] {
        let segments = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !key.isEmpty, key.utf8.count <= 1024, segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }),
            !key.utf8.contains(0)
        else {
            throw StatesError(
                name: error,
                cause: "'\(key)' is not a key stepd takes (1 to 1024 bytes; no empty, '.' or '..' segment between slashes)")
        }
        return segments
    }

    private static func resolved(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    private static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
