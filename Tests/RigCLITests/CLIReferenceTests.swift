import Foundation
import Testing

@testable import RigCLI

@Suite struct CLIReferenceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func docsCLIMatchesTheCommandsHelp() throws {
        let committed = try String(contentsOf: Self.root.appendingPathComponent("docs/cli.md"), encoding: .utf8)
        #expect(committed == CLIReference.markdown(), "docs/cli.md is stale: run scripts/generate-docs and commit it")
    }

    @Test func theReferenceCoversEveryVisibleCommand() {
        let text = CLIReference.markdown()
        for (path, _) in CLIReference.commands() {
            #expect(text.contains("## `\(path.joined(separator: " "))`"))
        }
        #expect(!text.contains("## `rig cli-reference`"), "the hidden generator is not part of the reference")
    }
}
