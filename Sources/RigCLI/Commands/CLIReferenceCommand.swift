import ArgumentParser

/// `rig cli-reference`: prints docs/cli.md, generated from the commands' own help so the
/// reference cannot drift from the code (a test compares them).
struct CLIReferenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cli-reference",
        abstract: "Print the command reference (docs/cli.md) generated from the commands' help.",
        shouldDisplay: false
    )

    func run() {
        print(CLIReference.markdown(), terminator: "")
    }
}
