// swift-tools-version:6.1
import PackageDescription

// libFuzzer targets for stepd: `make fuzz` and `make fuzz-smoke` build and run them
// (fuzz/run.sh; docs/reliability.md, "Fuzzing").
//
// A package of its own, depending on stepd by path, so that the main package's build and
// tests never see these executables: they have no `main` of their own (libFuzzer brings it)
// and only link with `swift build --sanitize=fuzzer` (SwiftPM then leaves out the renamed
// entry point it gives other executables on Linux).
let package = Package(
    name: "stepd-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        // The name keeps `package: "stepd"` valid whatever the clone's folder is called.
        .package(name: "stepd", path: ".."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // What the targets share: splitting an input into parts, the checks that stop the fuzzer.
        .target(name: "FuzzSupport", dependencies: [.product(name: "StepdFuzzing", package: "stepd")]),
        // The engine the whole-engine and HTTP targets drive, on a scratch database and a manual clock.
        .target(
            name: "FuzzEngineSupport",
            dependencies: [
                "FuzzSupport",
                .product(name: "StepdFuzzingEngine", package: "stepd"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(name: "fuzz-json", dependencies: ["FuzzSupport"], path: "Sources/FuzzJSON"),
        .executableTarget(name: "fuzz-definition", dependencies: ["FuzzSupport"], path: "Sources/FuzzDefinition"),
        .executableTarget(name: "fuzz-paths", dependencies: ["FuzzSupport"], path: "Sources/FuzzPaths"),
        .executableTarget(name: "fuzz-intrinsics", dependencies: ["FuzzSupport"], path: "Sources/FuzzIntrinsics"),
        .executableTarget(name: "fuzz-event-patterns", dependencies: ["FuzzSupport"], path: "Sources/FuzzEventPatterns"),
        .executableTarget(
            name: "fuzz-http",
            dependencies: [
                "FuzzSupport", "FuzzEngineSupport",
                .product(name: "StepdFuzzingEngine", package: "stepd"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/FuzzHTTP"),
        .executableTarget(
            name: "fuzz-engine",
            dependencies: [
                "FuzzSupport", "FuzzEngineSupport",
                .product(name: "StepdFuzzingEngine", package: "stepd"),
            ],
            path: "Sources/FuzzEngine"),
    ]
)

for target in package.targets {
    target.swiftSettings = [.enableUpcomingFeature("ExistentialAny")]
}
