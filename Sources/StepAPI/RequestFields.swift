import JSON

/// Reading members of a request body with AWS-style validation messages.
extension JSONValue {
    public func requiredString(_ member: String) throws(APIError) -> String {
        guard let value = self[member] else {
            throw APIError.validation("1 validation error detected: Value null at '\(member)' failed to satisfy constraint: Member must not be null")
        }
        guard let text = value.stringValue else {
            throw APIError.serialization("'\(member)' must be a string, not \(value.typeName)")
        }
        return text
    }

    public func optionalString(_ member: String) throws(APIError) -> String? {
        guard let value = self[member], !value.isNull else { return nil }
        guard let text = value.stringValue else { throw APIError.serialization("'\(member)' must be a string, not \(value.typeName)") }
        return text
    }

    public func optionalInt(_ member: String) throws(APIError) -> Int? {
        guard let value = self[member], !value.isNull else { return nil }
        guard let number = value.intValue else { throw APIError.serialization("'\(member)' must be an integer, not \(value.typeName)") }
        return number
    }

    public func optionalBool(_ member: String) throws(APIError) -> Bool? {
        guard let value = self[member], !value.isNull else { return nil }
        guard let flag = value.boolValue else { throw APIError.serialization("'\(member)' must be a boolean, not \(value.typeName)") }
        return flag
    }

    public func requiredArray(_ member: String) throws(APIError) -> [JSONValue] {
        guard let value = self[member] else {
            throw APIError.validation("1 validation error detected: Value null at '\(member)' failed to satisfy constraint: Member must not be null")
        }
        guard let array = value.arrayValue else { throw APIError.serialization("'\(member)' must be an array, not \(value.typeName)") }
        return array
    }
}
