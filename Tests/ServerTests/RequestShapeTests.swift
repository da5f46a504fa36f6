import JSON
import StepAPI
import Testing

/// The model checker itself: AWS's sentences, several errors in one message, sensitive
/// members unquoted, list elements by position, wrong types as SerializationException.
@Suite struct RequestShapeTests {
    static let shape = RequestShape.structure([
        "name": .required(.string([.length(min: 1, max: 5)])),
        "secret": .optional(.string([.length(min: 0, max: 3)], sensitive: true)),
        "payload": .optional(.string([.utf8Size(max: 4)], sensitive: true)),
        "maxResults": .optional(.integer([.range(min: 0, max: 10)])),
        "State": .optional(.string([.oneOf(["ON", "OFF"])])),
        "Id": .optional(.string([.characters("[A-Za-z0-9_]+", lettersDigitsAnd: "_")])),
        "Ids": .optional(.list(.string([.length(min: 1, max: 2)]), [.length(min: 1, max: 3)], summary: "[Id]")),
        "Targets": .optional(.list(
            .structure(["Id": .required(.string([.length(min: 1, max: 2)]))]), [.length(min: 1, max: 2)], summary: "[Target]")),
        "Item": .optional(.map(keys: [.length(min: 0, max: 2)], summary: "{AttributeName=AttributeValue}")),
    ])

    static func message(_ body: JSONValue) -> APIError? {
        do {
            try shape.validate(body)
            return nil
        } catch {
            return error
        }
    }

    static let prefix = "1 validation error detected: "

    @Test(arguments: [
        (["name": "abcde"], nil),
        (["name": "abcdef"], prefix + "Value 'abcdef' at 'name' failed to satisfy constraint: Member must have length less than or equal to 5"),
        (["name": ""], prefix + "Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1"),
        ([:], prefix + "Value null at 'name' failed to satisfy constraint: Member must not be null"),
        (["name": .null], prefix + "Value null at 'name' failed to satisfy constraint: Member must not be null"),
        // Characters are Unicode scalars; sizes are bytes of UTF-8.
        (["name": "ééééé"], nil),
        (["name": "a", "payload": "éé"], nil),
        (["name": "a", "payload": "ééé"],
         prefix + "Value at 'payload' failed to satisfy constraint: Member must have size less than or equal to 4 bytes in UTF-8 encoding"),
        (["name": "a", "secret": "four"],
         prefix + "Value at 'secret' failed to satisfy constraint: Member must have length less than or equal to 3"),
        (["name": "a", "maxResults": 11],
         prefix + "Value '11' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10"),
        (["name": "a", "maxResults": -1],
         prefix + "Value '-1' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 0"),
        (["name": "a", "State": "DIM"],
         prefix + "Value 'DIM' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ON, OFF]"),
        (["name": "a", "Id": "a b"],
         prefix + "Value 'a b' at 'id' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9_]+"),
        (["name": "a", "Ids": ["ab", "abc", ""]],
         prefix + "Value '[ab, abc, ]' at 'ids' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 2, Member must have length greater than or equal to 1]"),
        (["name": "a", "Ids": []],
         prefix + "Value '[]' at 'ids' failed to satisfy constraint: Member must have length greater than or equal to 1"),
        (["name": "a", "Targets": [["Id": "ok"], ["Id": "long"]]],
         prefix + "Value 'long' at 'targets.2.member.id' failed to satisfy constraint: Member must have length less than or equal to 2"),
        (["name": "a", "Targets": [["Id": "a"], ["Id": "b"], ["Id": "c"]]],
         prefix + "Value '[Target]' at 'targets' failed to satisfy constraint: Member must have length less than or equal to 2"),
        (["name": "a", "Targets": [[:]]],
         prefix + "Value null at 'targets.1.member.id' failed to satisfy constraint: Member must not be null"),
        (["name": "a", "Item": ["ab": ["S": "x"], "abc": ["S": "y"]]],
         prefix + "Value '{AttributeName=AttributeValue}' at 'item' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 2]"),
        (["name": "abcdef", "maxResults": 11],
         "2 validation errors detected: Value '11' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10; Value 'abcdef' at 'name' failed to satisfy constraint: Member must have length less than or equal to 5"),
    ] as [(JSONValue, String?)])
    func validation(body: JSONValue, message: String?) {
        #expect(Self.message(body) == message.map { APIError.validation($0) })
    }

    @Test(arguments: [
        (["name": 5], "'name' must be a string, not number"),
        (["name": "abcdef", "maxResults": "ten"], "'maxResults' must be an integer, not string"),
        (["name": "a", "maxResults": 1.5], "'maxResults' must be an integer, not number"),
        (["name": "a", "Targets": [["Id": 1]]], "'targets.1.member.id' must be a string, not number"),
        (["name": "a", "Ids": [1]], "'ids' must be an array of strings"),
        (["name": "a", "Item": []], "'item' must be an object, not array"),
    ] as [(JSONValue, String)])
    func aMemberOfTheWrongTypeIsASerializationException(body: JSONValue, message: String) {
        #expect(Self.message(body) == APIError.serialization(message))
    }
}
