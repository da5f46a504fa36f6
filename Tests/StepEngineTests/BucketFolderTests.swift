import Foundation
import StatesLanguage
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

    @Test func aFolderOfAKeyIsNotMadeThroughALinkOutOfTheBucket() throws {
        let root = try ScratchFolder.make("stepd-buckets")
        let outside = try ScratchFolder.make("stepd-outside")
        try FileManager.default.createDirectory(atPath: root + "/b-1", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/b-1/link", withDestinationPath: outside)
        let buckets = BucketFolder(root: root)
        #expect(throws: StatesError.self) { _ = try buckets.create(bucket: "b-1", key: "link/new/object") }
        #expect(!FileManager.default.fileExists(atPath: outside + "/new"))
    }
}
