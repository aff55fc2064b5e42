// swift-tools-version: 6.0
import Foundation
import PackageDescription

// libFuzzer over rig's workflow loader and validator. Not part of the main package: it is built
// only by scripts/fuzz, with `--sanitize=fuzzer --sanitize=address`, where SwiftPM lets libFuzzer
// provide `main`.

/// rig's package identity is the name of the folder it was cloned into.
let rigPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "LoaderFuzzer",
    dependencies: [.package(path: "../..")],
    targets: [
        .executableTarget(
            name: "rig-fuzz-loader",
            dependencies: [
                .product(name: "RigKit", package: rigPackage),
                .product(name: "RigCLI", package: rigPackage),
            ]
        )
    ]
)
