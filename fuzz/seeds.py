#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/) from the repository's
fixtures: the definitions, rules and tables of examples/, and the string literals of the
Swift tests (JSON documents, definitions, paths, templates, intrinsic calls, event
patterns, raw HTTP). Run it again after the fixtures change: `python3 fuzz/seeds.py`.

Each seed is a file named by the SHA-1 of its contents (as libFuzzer names what it adds), so
running it twice changes nothing, and it never removes a file (what the fuzzer found and was
kept stays). The two-part targets read "expression NEWLINE document"; fuzz-engine reads
"definition NEWLINE input" when its input starts with '{'.
"""

import hashlib
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
# libFuzzer's own default for -max_len when a corpus is given is the largest seed; keep them small.
MAXIMUM_SEED_BYTES = 4096


def swift_literals(text):
    """The string literals of a Swift source: raw #"..."#, multi-line, and plain (unescaped)."""
    found = []
    for match in re.finditer(r'#"(.*?)"#', text):
        found.append(match.group(1))
    for match in re.finditer(r'"""\n(.*?)\n(\s*)"""', text, re.S):
        indent = match.group(2)
        lines = [line[len(indent):] if line.startswith(indent) else line.strip() for line in match.group(1).split("\n")]
        found.append("\n".join(lines))
    for match in re.finditer(r'(?<![#"\\])"((?:[^"\\\n]|\\.)*)"(?!#)', text):
        raw = match.group(1)
        if "\\(" in raw:  # interpolation: not a literal
            continue
        found.append(raw.replace('\\"', '"').replace("\\n", "\n").replace("\\r", "\r").replace("\\t", "\t").replace("\\\\", "\\"))
    return found


def test_literals(*folders):
    literals = []
    for folder in folders:
        for path in sorted((ROOT / "Tests" / folder).glob("*.swift")):
            literals += swift_literals(path.read_text())
    return literals


def parses(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def write(target, seeds):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for seed in dict.fromkeys(seeds):  # unique, in order
        data = seed.encode() if isinstance(seed, str) else seed
        if not data or len(data) > MAXIMUM_SEED_BYTES:
            continue
        (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)
        written += 1
    print(f"{target}: {written} seeds")


def example_files(suffix):
    return [json.loads(path.read_text()) for path in sorted((ROOT / "examples").rglob(f"*{suffix}"))]


# A document with the fields the tests' paths and intrinsic calls read.
DOCUMENT = {
    "name": "Arnav", "escapedJsonString": "{\"foo\": \"bar\"}", "unescapedJson": {"foo": "bar"},
    "someJson": {"random": "abcdefg"}, "inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9], "lookingFor": 5, "index": 5,
    "input": "Data to encode", "base64": "RGF0YSB0byBlbmNvZGU=", "Data": "input data", "Algorithm": "SHA-1",
    "json1": {"a": {"a1": 1, "a2": 2}, "b": 2}, "json2": {"a": {"a3": 1, "a4": 2}, "c": 3}, "value1": 111, "step": -1,
    "inputString": "1,2,3,4,5", "splitter": ",", "x": 42, "arn": "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/myrecipe/1.2.3",
    "list": [{"id": 1}, {"id": 2}, {"name": 3}], "a": {"b": {"c": [10, 20, {"d": None}]}}, "store": {"book": [
        {"title": "one", "price": 8.95}, {"title": "two", "price": 12.99}]}, "when": "2016-03-14T01:59:00Z", "flag": True,
}


def main():
    definitions = example_files(".asl.json")
    rules = example_files(".rule.json")
    tables = example_files(".table.json")
    jobs = example_files(".job.json")

    language = test_literals("StatesLanguageTests")
    engine = test_literals("StepEngineTests", "IntegrationTests", "StepConfigurationTests")
    json_literals = [text for text in test_literals("JSONTests") + language + engine if parses(text) is not None]
    definition_texts = [text for text in language + engine if '"StartAt"' in text]

    # fuzz-json: the JSON tests' texts (valid or not), every JSON literal, the examples, timestamps.
    jsons = [text for text in test_literals("JSONTests") if text.strip()]
    jsons += json_literals[:80] + [compact(value) for value in definitions + rules + tables + jobs]
    jsons += [text for text in test_literals("JSONTests", "EventPatternsTests") if re.match(r"\d{4}-\d\d-\d\d", text)]
    write("json", jsons)

    # fuzz-definition: every definition literal (many refused on purpose) and the examples.
    write("definition", definition_texts + [json.dumps(value, indent=2) for value in definitions])

    # fuzz-paths: paths and templates from the tests, each with the document.
    document = compact(DOCUMENT)
    paths = [text for text in language if re.match(r"^\$", text) and "\n" not in text]
    templates = [text for text in language if parses(text) is not None and isinstance(parses(text), dict) and ".$" in text]
    templates += [compact(state["Parameters"]) for value in definitions for state in value["States"].values() if "Parameters" in state]
    write("paths", [f"{text}\n{document}" for text in paths + [compact(parses(t)) for t in templates]])

    # fuzz-intrinsics: the intrinsic calls of the tests, with the document.
    calls = [text for text in language if text.startswith("States.") and "(" in text and "\n" not in text]
    write("intrinsics", [f"{text}\n{document}" for text in calls])

    # fuzz-event-patterns: each pattern of the tests with each event of the tests (a few each).
    pattern_literals = test_literals("EventPatternsTests")
    patterns = [compact(parses(text)) for text in pattern_literals if isinstance(parses(text), dict)]
    patterns += [compact(rule["EventPattern"]) for rule in rules]
    events = [compact(value) for value in (parses(text) for text in pattern_literals)
              if isinstance(value, dict) and ("source" in value or "Source" in value)]
    events += [compact({"source": "aws.appflow", "detail-type": "AppFlow End Flow Run Report",
                        "detail": {"flow-name": "example-flow", "status": "Execution Successful"}})]
    write("event-patterns", [f"{pattern}\n{events[index % len(events)]}" for index, pattern in enumerate(patterns)])

    # fuzz-http: one request per action with a plausible body, some pipelined, and the raw tests.
    definition = compact(definitions[0]) if definitions else "{}"
    machine = "arn:aws:states:local:000000000000:stateMachine:seed"
    execution = "arn:aws:states:local:000000000000:execution:seed:run"
    item = {"TableName": "Items", "Item": {"Id": {"S": "one"}, "Count": {"N": "1"}}}
    calls = [
        ("AWSStepFunctions.CreateStateMachine", {"name": "seed", "definition": definition, "roleArn": "arn:aws:iam::000000000000:role/r"}),
        ("AWSStepFunctions.StartExecution", {"stateMachineArn": machine, "name": "run", "input": "{\"a\":1}"}),
        ("AWSStepFunctions.DescribeExecution", {"executionArn": execution}),
        ("AWSStepFunctions.ListExecutions", {"stateMachineArn": machine, "statusFilter": "RUNNING", "maxResults": 10}),
        ("AWSStepFunctions.GetExecutionHistory", {"executionArn": execution, "reverseOrder": True}),
        ("AWSStepFunctions.StopExecution", {"executionArn": execution, "error": "E", "cause": "C"}),
        ("AWSStepFunctions.SendTaskSuccess", {"taskToken": "A" * 64, "output": "{}"}),
        ("AWSStepFunctions.ListStateMachines", {"maxResults": 1, "nextToken": "x"}),
        ("AWSStepFunctions.UpdateStateMachine", {"stateMachineArn": machine, "definition": definition}),
        ("AWSStepFunctions.DeleteStateMachine", {"stateMachineArn": machine}),
        ("AWSEvents.PutRule", {"Name": "r", "EventPattern": compact(rules[0]["EventPattern"]) if rules else "{}", "State": "ENABLED"}),
        ("AWSEvents.PutTargets", {"Rule": "r", "Targets": [{"Id": "t", "Arn": machine}]}),
        ("AWSEvents.PutEvents", {"Entries": [{"Source": "aws.appflow", "DetailType": "AppFlow End Flow Run Report",
                                              "Detail": "{\"flow-name\":\"example-flow\"}", "Time": 1700000000}]}),
        ("AWSEvents.ListRules", {"NamePrefix": "r"}),
        ("AWSEvents.DeleteRule", {"Name": "r", "Force": True}),
        ("DynamoDB_20120810.CreateTable", tables[0] if tables else {}),
        ("DynamoDB_20120810.PutItem", item),
        ("DynamoDB_20120810.GetItem", {"TableName": "Items", "Key": {"Id": {"S": "one"}}, "ProjectionExpression": "Id, Count"}),
        ("DynamoDB_20120810.DeleteItem", {"TableName": "Items", "Key": {"Id": {"S": "one"}}, "ReturnValues": "ALL_OLD"}),
        ("Stepd.PutJobDefinition", jobs[0] if jobs else {}),
        ("Stepd.Health", {}),
    ]

    def request(target, body, extra=""):
        text = compact(body)
        return (f"POST / HTTP/1.1\r\nHost: stepd\r\nX-Amz-Target: {target}\r\n"
                f"Content-Type: application/x-amz-json-1.0\r\n{extra}Content-Length: {len(text.encode())}\r\n\r\n{text}")

    requests = [request(target, body) for target, body in calls]
    requests += [request(calls[0][0], calls[0][1]) + request(*calls[1]) + request(*calls[2])]
    # Versions and aliases: publish on create, an alias to the version, a start through it.
    requests += [request("AWSStepFunctions.CreateStateMachine", {"name": "seed", "definition": definition, "publish": True,
                                                                 "versionDescription": "v1"})
                 + request("AWSStepFunctions.CreateStateMachineAlias", {"name": "PROD", "routingConfiguration": [
                     {"stateMachineVersionArn": machine + ":1", "weight": 100}]})
                 + request("AWSStepFunctions.StartExecution", {"stateMachineArn": machine + ":PROD", "name": "run"})
                 + request("AWSStepFunctions.ListExecutions", {"stateMachineArn": machine + ":1"})]
    requests += [request("Stepd.Health", {}, "Expect: 100-continue\r\n"), request("Stepd.Health", {}, "Connection: close\r\n")]
    requests += ["POST / HTTP/1.0\r\nX-Amz-Target: Stepd.Health\r\nContent-Length: 2\r\n\r\n{}"]
    requests += ["POST / HTTP/1.1\r\nHost: stepd\r\nX-Amz-Target: Stepd.Health\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n1\r\n}\r\n0\r\n\r\n"]
    requests += [text for text in test_literals("ServerTests", "IntegrationTests") if re.match(r"^[A-Z]+ \S+ HTTP/", text)]
    write("http", requests)

    # fuzz-engine: the definitions that are valid JSON, on one line, with an input; and a few
    # byte strings for its generator.
    texts = [compact(value) for value in (parses(text) for text in definition_texts) if isinstance(value, dict)]
    texts += [compact(value) for value in definitions]
    inputs = ["{}", compact({"a": 1, "list": [1, 2, 3], "n": 5, "token": "t", "seconds": 2}), compact(DOCUMENT)]
    write("engine", [f"{text}\n{inputs[index % len(inputs)]}" for index, text in enumerate(texts)]
          + [bytes(range(seed, seed + 40)) for seed in range(0, 200, 25)])


if __name__ == "__main__":
    main()
