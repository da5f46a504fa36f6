import Foundation
import JSON
import Logging
import StepAPI
import Testing

@testable import StepDaemon

/// Users and groups of a made-up system, for the policy's lookups.
struct FakeAccounts: AccountDirectory {
    var users: [String: UInt32] = ["alice": 1001, "bob": 1002, "carol": 1003]
    var groupIds: [String: UInt32] = ["stepd-admin": 2001, "ops": 2002]
    var memberships: [UInt32: [UInt32]] = [1001: [1001, 2001], 1002: [1002], 1003: [1003, 2002]]

    func uid(ofUser name: String) -> UInt32? { users[name] }
    func gid(ofGroup name: String) -> UInt32? { groupIds[name] }
    func groups(ofUid uid: UInt32) -> [UInt32] { memberships[uid] ?? [] }
}

@Suite("who may do what: the access policy and the actions' roles")
struct AccessPolicyTests {
    @Test(arguments: [
        ("AWSStepFunctions.CreateStateMachine", CallerRole.admin), ("AWSStepFunctions.DeleteStateMachine", .admin),
        ("AWSEvents.PutRule", .admin), ("AWSEvents.PutTargets", .admin), ("DynamoDB_20120810.GetItem", .admin),
        ("Stepd.PutJobDefinition", .admin), ("AWSStepFunctions.StartExecution", .user), ("AWSStepFunctions.DescribeExecution", .user),
        ("AWSStepFunctions.SendTaskSuccess", .user), ("AWSEvents.PutEvents", .user), ("AWSStepFunctions.ListStateMachines", .user),
        ("Stepd.Health", .user), ("Stepd.DescribeJobDefinition", .user), ("AWSStepFunctions.ValidateStateMachineDefinition", .user),
        ("AWSStepFunctions.TagResource", .admin), ("AWSStepFunctions.UntagResource", .admin),
        ("AWSStepFunctions.ListTagsForResource", .user), ("AWSStepFunctions.DescribeStateMachineForExecution", .user),
        ("AWSStepFunctions.StartSyncExecution", .user),
    ])
    func actionRoles(target: String, role: CallerRole) {
        #expect(ActionPermissions.minimumRole(for: target) == role)
    }

    @Test(arguments: [
        ("AWSStepFunctions.StartExecution", "states:StartExecution"), ("AWSEvents.PutRule", "events:PutRule"),
        ("DynamoDB_20120810.PutItem", "dynamodb:PutItem"), ("Stepd.PutJobDefinition", "stepd:PutJobDefinition"),
    ])
    func iamNames(target: String, name: String) {
        #expect(ActionPermissions.iamName(of: target) == name)
    }

    @Test func theStandardPolicyMakesGroupStepdAdminAdmins() {
        let policy = AccessPolicy.standard(accounts: FakeAccounts())
        #expect(policy.role(uid: 1001, groups: [1001, 2001], daemonUid: 999) == .admin)
        #expect(policy.role(uid: 1002, groups: [1002], daemonUid: 999) == .user)
        #expect(policy.role(uid: 999, groups: [], daemonUid: 999) == .daemon)
        #expect(policy.role(uid: 0, groups: [], daemonUid: 999) == .daemon)
        #expect(AccessPolicy.standard(accounts: FakeAccounts(groupIds: [:])) == AccessPolicy(), "no such group: no admins")
    }

    @Test func aPolicyFileNamesAdminsAndOperatorsByNameOrId() throws {
        var unresolved: [String] = []
        let policy = try AccessPolicy(
            json: #"{"Admins": {"Users": ["bob", 1234]}, "Operators": {"Groups": ["ops", "nobody-group"]}}"#,
            accounts: FakeAccounts(), unresolved: &unresolved)
        #expect(policy.admins == AccessPolicy.Members(users: [1002, 1234]))
        #expect(policy.operators == AccessPolicy.Members(groups: [2002]))
        #expect(unresolved == ["Operators.Groups: 'nobody-group'"])
        #expect(policy.role(uid: 1002, groups: [1002], daemonUid: 999) == .admin)
        #expect(policy.role(uid: 1003, groups: [1003, 2002], daemonUid: 999) == .operator)
        #expect(policy.role(uid: 1001, groups: [1001, 2001], daemonUid: 999) == .user, "the file replaces the standard admins")
    }

    @Test(arguments: [
        ("[]", "a JSON object"), ("{", "not JSON"), (#"{"Admin": {}}"#, "unknown member 'Admin'"),
        (#"{"Admins": []}"#, "Admins must be an object"), (#"{"Admins": {"Users": "alice"}}"#, "Admins.Users must be an array"),
        (#"{"Admins": {"Users": [true]}}"#, "names and ids only"), (#"{"Operators": {"Roles": []}}"#, "unknown member 'Operators.Roles'"),
    ])
    func badPolicyFilesAreRefusedWithTheReason(text: String, reason: String) {
        var unresolved: [String] = []
        #expect {
            _ = try AccessPolicy(json: text, accounts: FakeAccounts(), unresolved: &unresolved)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }
}
