import Foundation
import JSON
import StatesLanguage
import StepStore

/// `aws-sdk:appflow:startFlow`: starts the job definition named `FlowName` as a child
/// process. The job is recorded here as an intent; the daemon spawns it once this
/// transaction is durable.
enum AppFlowIntegration {
    static func invoke(_ invocation: TaskInvocation, effects: inout TransitionEffects) throws(StatesError) -> TaskOutcome? {
        guard invocation.resource.action == "startFlow" else { return nil }
        let flowName = try Integrations.requiredString("FlowName", in: invocation.parameters, service: "AppFlow")
        do {
            guard try JobDefinitionRecord.find(invocation.db, key: flowName) != nil else {
                throw StatesError(name: "AppFlow.ResourceNotFoundException", cause: "Flow '\(flowName)' does not exist (no job definition of that name)")
            }
            let jobId = UUID.random().lowercasedString
            try JobRecord(
                id: jobId, jobName: flowName, executionArn: invocation.execution.arn, stateName: invocation.stateName,
                createdAt: invocation.now.timeIntervalSince1970
            ).insert(invocation.db)
            effects.jobsToStart.append(jobId)
            return .completed([
                "FlowArn": .string(LocalARN.flow(flowName)),
                "FlowStatus": "Active",
                "ExecutionId": .string(jobId),
            ])
        } catch let error as StatesError {
            throw error
        } catch {
            throw StatesError(name: StatesError.runtime, cause: "\(error)")
        }
    }
}
