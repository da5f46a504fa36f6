import Foundation
import TestSupport
import Testing

@testable import StepEngine

/// The buckets folder's objects written over several commits (a map run's results files).
@Suite struct BucketFolderTests {
    @Test func anObjectWrittenOverSeveralCommitsDropsWhatACommitThatDidNotLastWrote() throws {
        let root = try ScratchFolder.make("stepd-buckets")
        try FileManager.default.createDirectory(atPath: root + "/b-1", withIntermediateDirectories: true)
        let buckets = BucketFolder(root: root)
        let path = root + "/b-1/dir/object"
        var first = try buckets.create(bucket: "b-1", key: "dir/object")
        try first.append("abc")
        try first.pause()
        // The commit that recorded 2 bytes lasted; the third was written after it.
        var second = try buckets.reopen(bucket: "b-1", key: "dir/object", size: 2)
        try second.append("X")
        try second.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "abX")
        // The rename was done by a commit that did not last: the object is taken back.
        var third = try buckets.reopen(bucket: "b-1", key: "dir/object", size: 3)
        try third.append("Y")
        try third.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "abXY")
        #expect(!FileManager.default.fileExists(atPath: path + ".stepd-partial"))
    }
}
