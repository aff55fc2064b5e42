// swift-tools-version: 6.0
// A package that holds a lab's rig workflows: `swift package rig-validate` checks them all and
// `swift package rig-graph` prints their step graphs (docs/plugins.md).
import PackageDescription

let package = Package(
    name: "lab-workflows",
    dependencies: [
        // In your own package: .package(url: "https://example.org/your/rig.git", from: "0.1.0")
        .package(name: "rig", path: "../../..")
    ],
    targets: []
)
