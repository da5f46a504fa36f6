import Foundation
import JSON

/// Nearest-rank percentiles of samples in milliseconds.
struct Distribution {
    var samples: [Double] = []

    mutating func add(_ milliseconds: Double) { samples.append(milliseconds) }

    func percentile(_ p: Double) -> Double {
        guard !samples.isEmpty else { return .nan }
        let sorted = samples.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    var json: JSONValue {
        [
            "samples": .number(Double(samples.count)),
            "p50": .number(Self.rounded(percentile(50))),
            "p99": .number(Self.rounded(percentile(99))),
            "max": .number(Self.rounded(samples.max() ?? .nan)),
        ]
    }

    static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}

/// Monotonic time in milliseconds.
func monotonicMilliseconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1_000_000
}
