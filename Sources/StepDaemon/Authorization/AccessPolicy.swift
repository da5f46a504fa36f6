import JSON

/// Who besides root and stepd's own user may do more than a user: `policy.json` in the
/// configuration folder, read at start and on reload.
///
/// ```json
/// {"Admins": {"Users": ["alice"], "Groups": ["stepd-admin"]},
///  "Operators": {"Users": [], "Groups": ["ops"]}}
/// ```
///
/// Names or numeric ids. Without the file the admins are the members of group `stepd-admin`
/// (if it exists) and there are no operators. A name that does not resolve is reported and
/// left out; a file that cannot be read leaves the policy in force as it was.
public struct AccessPolicy: Sendable, Equatable {
    public struct Members: Sendable, Equatable {
        public var users: Set<UInt32> = []
        public var groups: Set<UInt32> = []

        public init(users: Set<UInt32> = [], groups: Set<UInt32> = []) {
            self.users = users
            self.groups = groups
        }

        func include(uid: UInt32, groups memberOf: [UInt32]) -> Bool {
            users.contains(uid) || memberOf.contains(where: groups.contains)
        }
    }

    public static let fileName = "policy.json"
    public static let defaultAdminGroup = "stepd-admin"

    public var admins: Members
    public var operators: Members

    public init(admins: Members = Members(), operators: Members = Members()) {
        self.admins = admins
        self.operators = operators
    }

    /// The policy without a file.
    public static func standard(accounts: any AccountDirectory) -> AccessPolicy {
        AccessPolicy(admins: Members(groups: Set([accounts.gid(ofGroup: defaultAdminGroup)].compactMap { $0 })))
    }

    /// Reads `text`; `unresolved` collects the names that name nobody.
    public init(json text: String, accounts: any AccountDirectory, unresolved: inout [String]) throws(AccessPolicyError) {
        let json: JSONValue
        do { json = try JSONValue(parsing: text) } catch { throw AccessPolicyError("it is not JSON: \(error.message)") }
        guard case .object(let members) = json else { throw AccessPolicyError("it must be a JSON object") }
        for key in members.keys where key != "Admins" && key != "Operators" {
            throw AccessPolicyError("unknown member '\(key)' (Admins and Operators are known)")
        }
        admins = try Self.members(members["Admins"], what: "Admins", accounts: accounts, unresolved: &unresolved)
        operators = try Self.members(members["Operators"], what: "Operators", accounts: accounts, unresolved: &unresolved)
    }

    private static func members(
        _ json: JSONValue?, what: String, accounts: any AccountDirectory, unresolved: inout [String]
    ) throws(AccessPolicyError) -> Members {
        guard let json else { return Members() }
        guard case .object(let fields) = json else { throw AccessPolicyError("\(what) must be an object with Users and Groups") }
        for key in fields.keys where key != "Users" && key != "Groups" {
            throw AccessPolicyError("unknown member '\(what).\(key)' (Users and Groups are known)")
        }
        var result = Members()
        for (key, lookUp) in [("Users", accounts.uid(ofUser:)), ("Groups", accounts.gid(ofGroup:))] {
            guard let list = fields[key] else { continue }
            guard case .array(let names) = list, names.count <= 1_000 else {
                throw AccessPolicyError("\(what).\(key) must be an array of at most 1000 names or ids")
            }
            for name in names {
                guard let text = name.stringValue ?? name.intValue.map(String.init) else {
                    throw AccessPolicyError("\(what).\(key) holds \(name.serialized()): names and ids only")
                }
                if let id = UInt32(text) ?? lookUp(text) {
                    if key == "Users" { result.users.insert(id) } else { result.groups.insert(id) }
                } else {
                    unresolved.append("\(what).\(key): '\(text)'")
                }
            }
        }
        return result
    }

    /// The role of `uid`, a member of `groups`; stepd runs as `daemonUid`.
    func role(uid: UInt32, groups: [UInt32], daemonUid: UInt32) -> CallerRole {
        if uid == 0 || uid == daemonUid { return .daemon }
        if admins.include(uid: uid, groups: groups) { return .admin }
        if operators.include(uid: uid, groups: groups) { return .operator }
        return .user
    }
}

public struct AccessPolicyError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
