// swift-tools-version: 6.0
// A lab's own rig: the standard CLI plus a step type written in Swift (docs/plugins.md).
import PackageDescription

let package = Package(
    name: "lab-rig",
    platforms: [.macOS(.v13)],
    dependencies: [
        // In your own package: .package(url: "https://example.org/your/rig.git", from: "0.1.0")
        .package(name: "rig", path: "../../..")
    ],
    targets: [
        .executableTarget(
            name: "lab-rig",
            dependencies: [.product(name: "RigKit", package: "rig"), .product(name: "RigCLI", package: "rig")]
        )
    ]
)
