import RigKit

if CommandLine.arguments.dropFirst().first == "state" {
    StateBenchmarks.main(Array(CommandLine.arguments.dropFirst(2)))
}
