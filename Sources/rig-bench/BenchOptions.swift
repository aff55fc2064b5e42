import Foundation

/// `--sizes 100,1000,10000`, `--jobs 8`, `--quick` (sizes 100 and 1,000 only), `--shapes`,
/// `--no-ninja`, `--no-sleep`.
struct BenchOptions {
    var sizes = [100, 1_000, 10_000]
    var jobs = 8
    var sleepJobs = [2, 8]
    var shapes = Shape.allCases
    var ninja = true
    var sleepDAG = true

    init<S: Sequence<String>>(_ arguments: S) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--quick":
                sizes = [100, 1_000]
            case "--sizes":
                sizes = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }
            case "--jobs":
                jobs = iterator.next().flatMap { Int($0) } ?? jobs
            case "--shapes":
                shapes = (iterator.next() ?? "").split(separator: ",").compactMap { Shape(rawValue: String($0)) }
            case "--no-ninja":
                ninja = false
            case "--no-sleep":
                sleepDAG = false
            case "--help", "-h":
                print(
                    "usage: rig-bench [--sizes 100,1000,10000] [--jobs N] [--quick] [--shapes chain,wide,layered] [--no-ninja] [--no-sleep]"
                )
                exit(0)
            default:
                print("rig-bench: unknown argument '\(argument)'; see --help")
                exit(2)
            }
        }
    }
}
