import EventPatterns
import Foundation
import JSON

/// The report a job should have written and did not: an "AppFlow End Flow Run Report" with a
/// failure status, so the rules that route the job's outcome see it.
enum JobFailureReport {
    static func envelope(jobId: String, jobName: String, description: String, at now: Date) -> EventEnvelope {
        let time = RFC3339.format(now)
        return EventEnvelope(
            id: "stepd-job-exit-\(jobId)",
            detailType: "AppFlow End Flow Run Report",
            source: "aws.appflow",
            account: LocalARN.account,
            time: now,
            region: LocalARN.region,
            resources: [LocalARN.flow(jobName)],
            detail: [
                "flow-name": .string(jobName),
                "flow-arn": .string(LocalARN.flow(jobName)),
                "execution-id": .string(jobId),
                "status": "Execution Failed",
                "num-of-records-processed": "0",
                "end-time": .string(time),
                "error": .string("The job \(description) without reporting its outcome"),
            ])
    }
}
