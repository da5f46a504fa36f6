import JSON
import Testing

@testable import StatesLanguage

/// The input of the AWS "InputPath, Parameters and ResultSelector" example.
private let productInput: JSONValue = [
    "comment": "Example for Parameters.",
    "product": [
        "details": ["color": "blue", "size": "small", "material": "cotton"],
        "availability": "in stock",
        "sku": "2317",
        "cost": "$23",
    ],
]

private let context: EvaluationContext = [
    "Execution": ["Id": "arn:aws:states:us-east-1:123456789012:execution:sm:exec1", "Name": "exec1"],
    "State": ["Name": "MyState", "EnteredTime": "2019-03-26T20:14:13.192Z", "RetryCount": 0],
]

@Suite struct PayloadTemplateTests {
    @Test(arguments: [
        // AWS: Parameters selecting from the product input.
        (
            [
                "comment": "Selecting what I care about.",
                "MyDetails": ["size.$": "$.product.details.size", "exists.$": "$.product.availability", "StaticValue": "foo"],
            ],
            [
                "comment": "Selecting what I care about.",
                "MyDetails": ["size": "small", "exists": "in stock", "StaticValue": "foo"],
            ]
        ),
        // AWS: the context object in Parameters.
        (
            ["comment": "Selecting what I care about.", "MyStateName.$": "$$.State.Name"],
            ["comment": "Selecting what I care about.", "MyStateName": "MyState"]
        ),
        // Paths inside arrays, whole input, literals that look like paths stay literal.
        (
            ["list": [["sku.$": "$.product.sku"], "$.not.a.path", 3], "all.$": "$", "literal": "$.product"],
            ["list": [["sku": "2317"], "$.not.a.path", 3], "all": productInput, "literal": "$.product"]
        ),
        // Intrinsic functions.
        (
            ["message.$": "States.Format('{} costs {}', $.product.sku, $.product.cost)"],
            ["message": "2317 costs $23"]
        ),
        // Non-definite paths give arrays.
        (["values.$": "$.product.details.*"], ["values": ["blue", "cotton", "small"]]),
        // Not an object at all.
        (["a", ["b.$": "$.product.sku"]], ["a", ["b": "2317"]]),
    ] as [(JSONValue, JSONValue)])
    func evaluatesTheTemplate(template: JSONValue, expected: JSONValue) throws {
        let compiled = try PayloadTemplate(json: template, field: "Parameters")
        #expect(try compiled.evaluate(input: productInput, context: context) == expected)
    }

    @Test(arguments: [
        (["a.$": 1], "must be a string"),
        (["a.$": "product.sku"], "must be a JSONPath"),
        (["a.$": "$.a.length()"], "not a valid JSONPath"),
        (["a.$": "States.Nope()"], "'States.Nope' is not an intrinsic function"),
        (["a.$": "States.ArrayLength($.a, 2)"], "takes 1 argument"),
        (["a": 1, "a.$": "$.a"], "has both 'a' and 'a.$'"),
        (["outer": ["inner.$": "nope"]], "Parameters.outer"),
    ] as [(JSONValue, String)])
    func rejectsBadTemplates(template: JSONValue, fragment: String) {
        let error = #expect(throws: DefinitionError.self) { try PayloadTemplate(json: template, field: "Parameters") }
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
    }

    @Test func missingPathFailsNamingTheKeyAndPath() throws {
        let compiled = try PayloadTemplate(json: ["x.$": "$.product.weight"], field: "Parameters")
        let error = #expect(throws: StatesError.self) { try compiled.evaluate(input: productInput, context: context) }
        #expect(error?.name == StatesError.runtime)
        #expect(
            error?.cause.hasPrefix(
                "The JSONPath '$.product.weight' specified for the field 'x.$' could not be found in the input") == true)
    }
}
