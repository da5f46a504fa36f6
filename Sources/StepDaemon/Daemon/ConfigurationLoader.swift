import Foundation
import JSON
import Logging
import StepAPI
import StepConfiguration

/// Applies the configuration folder (`--config`, /etc/stepd by default) at start and on
/// reload, the way `stepctl apply -f` applies a folder, through the daemon's own dispatcher.
///
/// Unlike `stepctl apply`, a file that fails does not stop the others: it is logged with its
/// name and the reason, and whatever it described before stays as it was. A missing folder
/// applies nothing.
struct ConfigurationLoader: Sendable {
    let directory: String
    let dispatcher: APIDispatcher
    let logger: Logger

    struct Summary: Sendable, Equatable {
        var applied = 0
        var failed = 0
    }

    @discardableResult
    func apply() async -> Summary {
        loadPolicy()
        let folder = ConfigurationFolder(path: directory, api: DaemonCaller(dispatcher: dispatcher))
        let files: [ConfigurationFile]
        do {
            files = try folder.files()
        } catch {
            if (error as NSError).code == NSFileReadNoSuchFileError || !FileManager.default.fileExists(atPath: directory) {
                logger.info("no configuration folder; nothing to apply", metadata: ["FOLDER": "\(directory)"])
                return Summary()
            } else {
                logger.error(
                    "cannot read the configuration folder; nothing applied",
                    metadata: ["FOLDER": "\(directory)", "REASON": "\(error.localizedDescription)"])
            }
            return Summary(failed: 1)
        }
        var summary = Summary()
        for file in files {
            do {
                let result = try await folder.apply(file)
                summary.applied += 1
                logger.log(
                    level: result.hasPrefix("unchanged") ? .debug : .info, "configuration file applied",
                    metadata: ["FILE": "\(file.name)", "RESULT": "\(result)"])
            } catch {
                summary.failed += 1
                logger.error(
                    "configuration file not applied", metadata: ["FILE": "\(file.url.path)", "REASON": "\(error.description)"])
            }
        }
        logger.notice(
            "configuration applied",
            metadata: ["FOLDER": "\(directory)", "FILES": "\(summary.applied)", "FAILED": "\(summary.failed)"])
        return summary
    }
}

extension ConfigurationLoader {
    /// The folder's `policy.json`, or the standard policy when there is none. A file that
    /// cannot be read or understood leaves the policy in force as it was.
    func loadPolicy(accounts: any AccountDirectory = SystemAccounts()) {
        let path = directory + "/" + AccessPolicy.fileName
        guard FileManager.default.fileExists(atPath: path) else {
            dispatcher.setPolicy(.standard(accounts: accounts))
            return
        }
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            var unresolved: [String] = []
            let policy = try AccessPolicy(json: text, accounts: accounts, unresolved: &unresolved)
            if !unresolved.isEmpty {
                logger.warning(
                    "access policy names users or groups that do not exist; left out",
                    metadata: ["FILE": "\(path)", "NAMES": "\(unresolved.joined(separator: ", "))"])
            }
            dispatcher.setPolicy(policy)
            logger.info("access policy applied", metadata: [
                "FILE": "\(path)", "ADMIN_USERS": "\(policy.admins.users.count)", "ADMIN_GROUPS": "\(policy.admins.groups.count)",
                "OPERATOR_USERS": "\(policy.operators.users.count)", "OPERATOR_GROUPS": "\(policy.operators.groups.count)",
            ])
        } catch {
            logger.error("access policy not applied; the one in force stays", metadata: ["FILE": "\(path)", "REASON": "\(error)"])
        }
    }
}

/// The daemon calling its own API, as its own user: what job definitions require.
struct DaemonCaller: APICaller {
    let dispatcher: APIDispatcher
    private let peer = PeerCredentials(pid: getpid(), uid: geteuid(), gid: getegid())

    init(dispatcher: APIDispatcher) {
        self.dispatcher = dispatcher
    }

    func call(_ target: String, _ body: JSONValue) async throws(APICallFailure) -> JSONValue {
        switch await dispatcher.handle(APIRequest(target: target, body: body, peer: peer)) {
        case .success(let answer): return answer
        case .failure(let error): throw .api(error)
        }
    }
}
