// swift-tools-version:6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "stepd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "stepd", targets: ["stepd"]),
        .executable(name: "stepctl", targets: ["stepctl"]),
        .executable(name: "stepd-example-flow", targets: ["stepd-example-flow"]),
        // For the libFuzzer package in fuzz/ (docs/reliability.md), which depends on this one by
        // path and can only use products. Not an API: nothing else should depend on them.
        .library(name: "StepdFuzzing", targets: ["JSON", "StatesLanguage", "EventPatterns"]),
        .library(name: "StepdFuzzingEngine", targets: ["StepAPI", "StepEngine", "StepDaemon", "TestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // Pure modules: no I/O, no other project target but the JSON value type (swift-crypto for States.Hash).
        .target(name: "JSON", swiftSettings: strictSettings),
        .target(
            name: "StatesLanguage",
            dependencies: ["JSON", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings),
        .target(name: "EventPatterns", dependencies: ["JSON"], swiftSettings: strictSettings),

        // A VFS that writes SQLite's log in one call per commit instead of two per page.
        .target(name: "SQLiteLogWriteBuffer", linkerSettings: [.linkedLibrary("sqlite3")]),
        // SQLite settings made once per process, before SQLite is first used.
        .target(name: "SQLiteProcessSettings", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(
            name: "StepStore",
            dependencies: [
                "JSON", "SQLiteLogWriteBuffer", "SQLiteProcessSettings", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings),
        .target(
            name: "StepEngine",
            dependencies: [
                "JSON", "StatesLanguage", "EventPatterns", "StepStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings),
        .target(name: "StepAPI", dependencies: ["JSON"], swiftSettings: strictSettings),
        // Applying a folder of definitions: shared by `stepctl apply` and stepd's configuration folder.
        .target(name: "StepConfiguration", dependencies: ["JSON", "StepAPI"], swiftSettings: strictSettings),
        // Linux process calls Swift's Glibc module hides (it is built without _GNU_SOURCE).
        .target(name: "CLinuxProcess"),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .target(
            name: "StepDaemon",
            dependencies: [
                "JSON", "StatesLanguage", "EventPatterns", "StepStore", "StepEngine", "StepAPI", "StepConfiguration", "CSystemd",
                "CLinuxProcess",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strictSettings),
        .target(
            name: "StepClient",
            dependencies: [
                "JSON", "StepAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings),

        .executableTarget(
            name: "stepd",
            dependencies: [
                "StepDaemon", "StepClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings),
        .executableTarget(
            name: "stepctl",
            dependencies: [
                // StatesLanguage and StepEngine for `stepctl validate`, which needs no daemon.
                "JSON", "StatesLanguage", "StepAPI", "StepClient", "StepConfiguration", "StepEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings),
        .executableTarget(
            name: "stepd-example-flow",
            dependencies: [
                "JSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings),

        .executableTarget(
            name: "stepd-bench",
            dependencies: [
                "JSON", "StepClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings),

        // What the test targets share (bounded waits, a manual clock, captured logs); it
        // depends on nothing of stepd's, so that any test target can use it.
        .target(
            name: "TestSupport", dependencies: [.product(name: "Logging", package: "swift-log")], path: "Tests/TestSupport",
            swiftSettings: strictSettings),
        // Tests only: a VFS that cuts the power at a chosen sync (the crash-consistency tests).
        .target(name: "SQLiteCrashTestVFS", path: "Tests/SQLiteCrashTestVFS", linkerSettings: [.linkedLibrary("sqlite3")]),
        .testTarget(name: "TestSupportTests", dependencies: ["TestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "JSONTests", dependencies: ["JSON"], swiftSettings: strictSettings),
        .testTarget(name: "StatesLanguageTests", dependencies: ["JSON", "StatesLanguage"], swiftSettings: strictSettings),
        .testTarget(name: "EventPatternsTests", dependencies: ["JSON", "EventPatterns"], swiftSettings: strictSettings),
        .testTarget(
            name: "StepEngineTests",
            dependencies: [
                "JSON", "StatesLanguage", "StepStore", "StepEngine", "EventPatterns", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "StepStoreTests",
            dependencies: ["StepStore", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings),
        .testTarget(
            name: "CrashConsistencyTests",
            dependencies: [
                "JSON", "StatesLanguage", "StepStore", "StepEngine", "SQLiteCrashTestVFS", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "SpoolTests",
            dependencies: ["StepDaemon", "TestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings),
        .testTarget(
            name: "JobsTests",
            dependencies: ["StepDaemon", "TestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings),
        .testTarget(
            name: "JournalTests",
            dependencies: ["StepDaemon", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "JSON", "StepAPI", "StepDaemon", "StepEngine", "StepClient", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "StepConfigurationTests", dependencies: ["JSON", "StepAPI", "StepConfiguration"],
            swiftSettings: strictSettings),
        .testTarget(name: "ExampleFlowTests", dependencies: ["JSON", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["JSON", "StepAPI", "StepClient", "TestSupport"],
            swiftSettings: strictSettings),
    ]
)
