import Foundation
import JSON
import StatesLanguage
import Testing

@testable import StepEngine

@Suite struct LocalARNTests {
    @Test(arguments: [
        ("hello", "hello"),
        ("Hello-World_42", "Hello-World_42"),
        ("arn:aws:states:local:000000000000:stateMachine:hello", "hello"),
        ("arn:aws:states:us-east-1:123456789012:stateMachine:hello", "hello"),
        ("arn:aws:states:eu-west-3:999999999999:stateMachine:call-job", "call-job"),
    ])
    func stateMachineNameAcceptsNamesAndARNsOfAnyRegionAndAccount(reference: String, name: String) throws {
        #expect(try LocalARN.stateMachineName(from: reference) == name)
    }

    @Test(arguments: [
        "arn:",
        "arn:aws:states:us-east-1:123456789012:stateMachine:",
        "arn:aws:states:us-east-1:123456789012:execution:hello:run1",
        "arn:aws:lambda:us-east-1:123456789012:function:hello",
        "arn:aws:states:us-east-1:123456789012:activity:hello",
        "arn:aws:states:us-east-1:123456789012:stateMachine:hello:v1:2",
        "arn:other:states:us-east-1:123456789012:stateMachine:hello",
    ])
    func malformedStateMachineARNsAreInvalidArn(reference: String) {
        #expect(throws: RequestError.self) { try LocalARN.stateMachineName(from: reference) }
        do {
            _ = try LocalARN.stateMachineName(from: reference)
        } catch {
            #expect(error as? RequestError == .invalidArn(reason: "'Resource type not valid in this context: \(reference)'"))
            #expect("\(error)".contains(reference))
        }
    }

    @Test(arguments: ["", "has space", "slash/name", "colon:name", "dot.name", "é", String(repeating: "a", count: 81)])
    func badBareNamesAreInvalidName(reference: String) {
        do {
            _ = try LocalARN.stateMachineName(from: reference)
            Issue.record("'\(reference)' was accepted")
        } catch {
            #expect(error as? RequestError == .invalidName(name: reference, what: "state machine name"))
        }
    }

    @Test func localARNsHaveTheLocalRegionAndAccount() {
        #expect(LocalARN.stateMachine("m") == "arn:aws:states:local:000000000000:stateMachine:m")
        #expect(LocalARN.execution(stateMachine: "m", name: "e") == "arn:aws:states:local:000000000000:execution:m:e")
        #expect(LocalARN.rule("r") == "arn:aws:events:local:000000000000:rule/r")
        #expect(LocalARN.table("t") == "arn:aws:dynamodb:local:000000000000:table/t")
    }

    @Test(arguments: [
        ("arn:aws:states:us-east-1:123456789012:execution:m:e", "arn:aws:states:local:000000000000:execution:m:e"),
        ("arn:aws:states:local:000000000000:execution:m:e", "arn:aws:states:local:000000000000:execution:m:e"),
    ])
    func executionARNsAreNormalizedToTheLocalForm(reference: String, local: String) throws {
        #expect(try LocalARN.normalizedExecution(reference) == local)
    }

    @Test(arguments: [
        "m:e", "arn:aws:states:us-east-1:1:stateMachine:m", "arn:aws:states:us-east-1:1:execution:m:",
        "arn:aws:states:us-east-1:1:execution::e", "arn:aws:states:us-east-1:1:execution:m:e:extra",
    ])
    func malformedExecutionARNsAreInvalidArn(reference: String) {
        do {
            _ = try LocalARN.normalizedExecution(reference)
            Issue.record("'\(reference)' was accepted")
        } catch {
            #expect(error == .invalidArn(reason: "'\(reference)' is not an execution ARN"))
        }
    }
}

@Suite struct ResourceNameTests {
    @Test(arguments: ["a", "A", "0", "_", "-", "abc-DEF_123", String(repeating: "x", count: 80)])
    func validNames(name: String) throws {
        try ResourceName.validate(name, what: "execution name")
    }

    @Test(arguments: [
        "", String(repeating: "x", count: 81), "a b", "a.b", "a:b", "a/b", "a*b", "<a>", "naïve", "tab\there", "a$b",
    ])
    func invalidNames(name: String) {
        do {
            try ResourceName.validate(name, what: "execution name")
            Issue.record("'\(name)' was accepted")
        } catch {
            #expect(error == .invalidName(name: name, what: "execution name"))
            #expect(error.description.contains("execution name"))
        }
    }
}

@Suite struct PaginationTests {
    @Test(arguments: [(nil, 100), (0, 100), (1, 1), (25, 25), (1000, 1000)] as [(Int?, Int)])
    func limitFromMaxResults(maxResults: Int?, limit: Int) throws {
        let page = try Pagination(maxResults: maxResults, nextToken: nil)
        #expect(page.limit == limit)
        #expect(page.after == nil)
    }

    @Test(arguments: [-1, 1001, Int.max])
    func maxResultsOutOfRangeIsAValidationError(maxResults: Int) {
        do {
            _ = try Pagination(maxResults: maxResults, nextToken: nil)
            Issue.record("\(maxResults) was accepted")
        } catch {
            #expect(error == .invalid(reason: "maxResults must be between 0 and 1000"))
        }
    }

    @Test func nextTokenCarriesTheLastKey() throws {
        let page = try Pagination(maxResults: 7, nextToken: Pagination.token(after: "42"))
        #expect(page.after == "42")
        #expect(try page.afterId() == 42)
        let named = try Pagination(maxResults: 7, nextToken: Pagination.token(after: "my-machine"))
        #expect(named.after == "my-machine")
        #expect(throws: RequestError.self) { try named.afterId() }
    }

    @Test(arguments: [
        "", "not base64!", Data("after:".utf8).base64EncodedString(), Data("offset:3".utf8).base64EncodedString(),
        Data("page:3".utf8).base64EncodedString(),
    ])
    func foreignTokensAreInvalidToken(token: String) {
        do {
            _ = try Pagination(maxResults: nil, nextToken: token)
            Issue.record("'\(token)' was accepted")
        } catch {
            #expect(error == .invalidPageToken(reason: "the nextToken '\(token)' was not issued by this server"))
        }
    }
}

@Suite struct TaskResourceTests {
    struct Case: Sendable, CustomStringConvertible {
        let arn: String
        let resourceType: String
        let resource: String
        let service: String
        let action: String
        let isSDK: Bool
        let pattern: TaskResource.Pattern
        var description: String { arn }
    }

    @Test(arguments: [
        Case(arn: "arn:aws:states:::dynamodb:putItem", resourceType: "dynamodb", resource: "putItem", service: "dynamodb",
             action: "putItem", isSDK: false, pattern: .requestResponse),
        Case(arn: "arn:aws:states:::aws-sdk:dynamodb:getItem", resourceType: "aws-sdk:dynamodb", resource: "getItem",
             service: "dynamodb", action: "getItem", isSDK: true, pattern: .requestResponse),
        Case(arn: "arn:aws:states:::states:startExecution", resourceType: "states", resource: "startExecution",
             service: "states", action: "startExecution", isSDK: false, pattern: .requestResponse),
        Case(arn: "arn:aws:states:::states:startExecution.waitForTaskToken", resourceType: "states",
             resource: "startExecution.waitForTaskToken", service: "states", action: "startExecution", isSDK: false,
             pattern: .waitForTaskToken),
        Case(arn: "arn:aws:states:::dynamodb:putItem.waitForTaskToken", resourceType: "dynamodb",
             resource: "putItem.waitForTaskToken", service: "dynamodb", action: "putItem", isSDK: false, pattern: .waitForTaskToken),
        Case(arn: "arn:aws:states:::states:startExecution.sync", resourceType: "states", resource: "startExecution.sync",
             service: "states", action: "startExecution", isSDK: false, pattern: .sync),
        Case(arn: "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess", resourceType: "aws-sdk:sfn", resource: "sendTaskSuccess",
             service: "sfn", action: "sendTaskSuccess", isSDK: true, pattern: .requestResponse),
        Case(arn: "arn:aws:states:::aws-sdk:appflow:startFlow", resourceType: "aws-sdk:appflow", resource: "startFlow",
             service: "appflow", action: "startFlow", isSDK: true, pattern: .requestResponse),
    ])
    func parsesServiceIntegrationARNs(_ expected: Case) throws {
        let resource = try TaskResource(expected.arn)
        #expect(resource.resourceType == expected.resourceType)
        #expect(resource.resource == expected.resource)
        #expect(resource.service == expected.service)
        #expect(resource.action == expected.action)
        #expect(resource.isSDK == expected.isSDK)
        #expect(resource.pattern == expected.pattern)
    }

    /// AWS's resource for a nested execution that returns parsed JSON output is `startExecution.sync:2`.
    @Test func parsesTheSync2Suffix() throws {
        let resource = try TaskResource("arn:aws:states:::states:startExecution.sync:2")
        #expect(resource.pattern == .sync)
        #expect(resource.action == "startExecution")
        #expect(resource.resource == "startExecution.sync:2")
    }

    @Test(arguments: [
        "arn:aws:lambda:us-east-1:123456789012:function:hello",
        "arn:aws:states:us-east-1:123456789012:activity:work",
        "arn:aws:states:::dynamodb",
        "arn:aws:states:::dynamodb:",
        "arn:aws:states:::aws-sdk:sfn",
        "arn:aws:states:::a:b:c",
        "putItem",
    ])
    func otherResourcesAreRuntimeErrorsNamingTheResource(arn: String) {
        do {
            _ = try TaskResource(arn)
            Issue.record("'\(arn)' was accepted")
        } catch {
            #expect(error.name == StatesError.runtime)
            #expect(error.cause.contains(arn))
        }
    }
}
