import JSON

/// Where an alias sends its starts: one or two published versions, each with a weight, the
/// weights adding up to 100 (AWS's `routingConfiguration`).
struct AliasRouting: Sendable, Equatable {
    struct Route: Sendable, Equatable {
        let version: Int64
        let weight: Int
    }

    let routes: [Route]

    init(routes: [Route]) { self.routes = routes }

    /// The stored form, `[{"version": N, "weight": W}]`.
    init(text: String) throws {
        guard let list = try JSONValue(parsing: text).arrayValue else { throw RequestError.invalid(reason: "an alias's routing is not a list") }
        routes = try list.map { item in
            guard let version = item["version"]?.numberValue, let weight = item["weight"]?.numberValue else {
                throw RequestError.invalid(reason: "an alias's route has no version or weight")
            }
            return Route(version: Int64(exactly: version) ?? 0, weight: Int(exactly: weight) ?? 0)
        }
    }

    var text: String {
        JSONValue.array(routes.map { ["version": .number(Double($0.version)), "weight": .number(Double($0.weight))] }).serialized()
    }

    /// Draws the version of one start: version A with probability weight(A) / 100.
    /// `draw` is in 0..<100.
    func version(forDraw draw: Int) -> Int64? {
        var below = 0
        for route in routes {
            below += route.weight
            if draw < below { return route.version }
        }
        return routes.last(where: { $0.weight > 0 })?.version
    }

    /// AWS's checks of a routing configuration given as (version ARN, weight) pairs, for the
    /// state machine the first names; returns that state machine's name and the routing.
    /// The texts are the ones AWS answers.
    static func validated(_ given: [(arn: String, weight: Int)]) throws -> (stateMachine: String, routing: AliasRouting) {
        let shownArns = "[" + given.map(\.arn).joined(separator: ", ") + "]"
        var stateMachine: String?
        var routes: [Route] = []
        for (arn, weight) in given {
            guard case let (name, .version(number))? = try? LocalARN.qualifiedStateMachine(from: arn), arn.hasPrefix("arn:") else {
                throw RequestError.invalid(reason: "Routing configuration must contain state machine version ARNs. Received: \(shownArns)")
            }
            if let stateMachine, stateMachine != name {
                throw RequestError.invalid(
                    reason: "Routing configuration must contain state machine version ARNs of the same state machine. Received: \(shownArns)")
            }
            stateMachine = name
            routes.append(Route(version: number, weight: weight))
        }
        guard let stateMachine, !routes.isEmpty else {
            throw RequestError.invalid(reason: "Routing configuration must contain state machine version ARNs. Received: \(shownArns)")
        }
        if Set(routes.map(\.version)).count != routes.count {
            throw RequestError.invalid(reason: "Routing configuration must contain distinct state machine version ARNs. Received: \(shownArns)")
        }
        if routes.map(\.weight).reduce(0, +) != 100 {
            throw RequestError.invalid(
                reason: "Sum of routing configuration weights must equal 100. Received: [\(routes.map { String($0.weight) }.joined(separator: ", "))]")
        }
        return (stateMachine, AliasRouting(routes: routes))
    }
}
