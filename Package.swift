// swift-tools-version: 6.0
import PackageDescription

// Dependencies point one way: rig (executable) → RigCLI → TatorSteps / RigSSH / RigVersioning / RigLab
// → RigKit (engine) → RigModel (values). The engine never imports Tator, SSH or CLI code.
let package = Package(
    name: "rig",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rig", targets: ["rig"]),
        .library(name: "RigKit", targets: ["RigKit"]),
        .library(name: "RigCLI", targets: ["RigCLI"]),
        // `swift package rig-validate` / `rig-graph` in a package holding workflows (docs/plugins.md).
        .plugin(name: "RigValidate", targets: ["RigValidate"]),
        .plugin(name: "RigGraph", targets: ["RigGraph"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // Tests only: property-based checks of the invariants examples miss.
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // Value types: workflows, steps, hosts, expressions, diagnostics.
        .target(
            name: "RigModel",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]
        ),
        // Process spawning with a new process group and a parent-death signal (posix_spawn cannot set one).
        .target(name: "CRigSpawn"),
        // The engine: loading, validation, expressions, graph, scheduler/executor, state, transports, generic steps.
        .target(
            name: "RigKit",
            dependencies: [
                "RigModel", "CRigSpawn",
                .product(name: "Yams", package: "Yams"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The OpenSSH-client transport.
        .target(name: "RigSSH", dependencies: ["RigKit"]),
        // libgit2 from Debian's libgit2-dev.
        .systemLibrary(name: "CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        // The revision store: every run's files versioned with libgit2.
        .target(name: "RigVersioning", dependencies: ["RigKit", "CGit2"]),
        // Tator's multi-node tutorial, one step type per stage.
        .target(name: "TatorSteps", dependencies: ["RigKit", .product(name: "Crypto", package: "swift-crypto")]),
        // `rig lab`: simulated Ubuntu hosts in network namespaces with real sshd.
        .target(
            name: "RigLab", dependencies: ["RigKit", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Resources/tools"), .copy("Resources/tator-standin")]),
        // The command line, as a library so a Swift package can start it with its own step types.
        .target(
            name: "RigCLI",
            dependencies: [
                "RigKit", "RigSSH", "RigVersioning", "TatorSteps", "RigLab",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Test helpers shared by test targets (real sshd servers on loopback); only test targets depend on it.
        .target(name: "RigTestSupport", dependencies: ["RigModel"]),
        .executableTarget(name: "rig", dependencies: ["RigCLI"]),
        .executableTarget(name: "rig-bench", dependencies: ["RigKit", "RigVersioning", "RigSSH", "RigTestSupport"]),
        // Thin forwarders to the `rig` executable (a plugin cannot depend on libraries).
        .plugin(
            name: "RigValidate",
            capability: .command(intent: .custom(verb: "rig-validate", description: "Validate the package's rig workflows")),
            dependencies: ["rig"]
        ),
        .plugin(
            name: "RigGraph",
            capability: .command(intent: .custom(verb: "rig-graph", description: "Print the step graph of the package's rig workflows")),
            dependencies: ["rig"]
        ),

        .testTarget(name: "RigModelTests", dependencies: ["RigModel"]),
        .testTarget(
            name: "RigKitTests",
            dependencies: ["RigKit", "RigTestSupport", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "RigSSHTests", dependencies: ["RigSSH", "RigTestSupport"]),
        .testTarget(name: "RigVersioningTests", dependencies: ["RigVersioning", "RigTestSupport"]),
        .testTarget(
            name: "TatorStepsTests",
            dependencies: [
                "TatorSteps", .product(name: "Yams", package: "Yams"), .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Goldens"]),
        .testTarget(name: "RigLabTests", dependencies: ["RigLab", "RigKit"], exclude: ["Support"]),
        .testTarget(
            name: "RigCLITests",
            dependencies: [
                "RigCLI", "RigKit", "RigVersioning", "RigTestSupport",
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]),
    ]
)
