import Foundation
import JSON

/// The "AppFlow End Flow Run Report" event for one run, in the EventBridge envelope and with
/// the detail fields and value formats Amazon AppFlow uses (all detail values are strings;
/// times like `2023-08-29T12:55:23.835Z[UTC]`). See "Flow notifications" in the Amazon
/// AppFlow User Guide.
struct RunReport {
    static let account = "000000000000"
    static let region = "local"
    static let successStatus = "Execution Successful"
    static let failureStatus = "Execution Failed"

    var flowName: String
    var executionId: String
    var sourceObject: String
    var destinationObject: String
    var startTime: Date
    var endTime: Date
    var outcome: FlowOutcome

    var status: String {
        if case .succeeded = outcome { Self.successStatus } else { Self.failureStatus }
    }

    func event(id: String) -> JSONValue {
        var detail: [String: JSONValue] = [
            "flow-name": .string(flowName),
            "flow-arn": .string("arn:aws:appflow:\(Self.region):\(Self.account):flow/\(flowName)"),
            "source": "LOCAL_FILES",
            "destination": "LOCAL_FILES",
            "source-object": .string(sourceObject),
            "destination-object": .string(destinationObject),
            "trigger-type": "ONDEMAND",
            "execution-id": .string(executionId),
            "num-of-records-filtered": "0",
            "num-of-documents-processed": "0",
            "num-of-record-failures": "0",
            "start-time": .string(Self.appFlowTime(startTime)),
            "end-time": .string(Self.appFlowTime(endTime)),
            "status": .string(status),
        ]
        switch outcome {
        case .succeeded(let records, let bytes):
            detail["num-of-records-processed"] = .string(String(records))
            detail["data-processed"] = .string(String(bytes))
        case .failed(let message):
            // Nothing is written when a run fails.
            detail["num-of-records-processed"] = "0"
            detail["data-processed"] = "0"
            detail["error"] = .string(message)
        }
        return [
            "version": "0",
            "id": .string(id),
            "detail-type": "AppFlow End Flow Run Report",
            "source": "aws.appflow",
            "account": .string(Self.account),
            "time": .string(Self.eventTime(endTime)),
            "region": .string(Self.region),
            "resources": [],
            "detail": .object(detail),
        ]
    }

    /// EventBridge's `time`: `2021-08-24T09:06:21Z`.
    static func eventTime(_ date: Date) -> String {
        format(date, "yyyy-MM-dd'T'HH:mm:ss'Z'")
    }

    /// AppFlow's `start-time` / `end-time`: `2021-08-24T09:02:47.643Z[UTC]`.
    static func appFlowTime(_ date: Date) -> String {
        format(date, "yyyy-MM-dd'T'HH:mm:ss.SSS'Z[UTC]'")
    }

    private static func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }
}
