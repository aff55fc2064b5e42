import Foundation
import RigKit

/// `rig-bench checkpoint [--size N] [--jobs J]`: the cost of checkpointing a run of `true`
/// steps (with vs without the journal, vs ninja), and the no-op `rig resume` of the finished
/// run through the real `rig` executable vs ninja's null build.
enum CheckpointBenchmarks {
    static func main(_ arguments: [String]) -> Never {
        var size = 10_000
        var jobs = 8
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--size": size = iterator.next().flatMap { Int($0) } ?? size
            case "--jobs": jobs = iterator.next().flatMap { Int($0) } ?? jobs
            default:
                print("usage: rig-bench checkpoint [--size 10000] [--jobs 8]")
                exit(2)
            }
        }
        let dag = DAG.make(.layered, size: size, seed: 42)
        let ninja = Ninja.find()
        print(
            "checkpointing: \(size) `true` steps (layered DAG), jobs \(jobs)"
                + (ninja.map { ", ninja \($0.version)" } ?? ", ninja not found"))
        let plain = Bench.rig(dag, command: "true", jobs: jobs)
        let journaled = Bench.rig(dag, command: "true", jobs: jobs, checkpoint: true)
        let built = ninja?.build(dag, command: "true && touch $out", jobs: jobs)
        func ratio(_ a: Double, _ b: Double?) -> String { b.map { String(format: "%.2f×", a / $0) } ?? "-" }
        print(String(format: "  rig without checkpoint: %7.3f s", plain))
        print(String(format: "  rig with checkpoint:    %7.3f s  (%@ of without)", journaled, ratio(journaled, plain)))
        if let built {
            print(
                String(
                    format: "  ninja:                  %7.3f s  → checkpointed rig / ninja = %@", built.seconds,
                    ratio(journaled, built.seconds)))
        }

        // The no-op resume, end to end: the `rig` executable beside this one.
        let rig = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("rig").path
        guard FileManager.default.isExecutableFile(atPath: rig) else {
            print("  \(rig) not built: no no-op resume figure (swift build -c release --product rig)")
            Bench.removeFiles()
            exit(0)
        }
        let dir = Bench.temporaryDirectory("noop")
        var yaml = "name: bench\nsteps:\n"
        for (i, parents) in dag.parents.enumerated() {
            yaml += "  - id: s\(i)\n    type: shell\n    on: local\n"
            if !parents.isEmpty { yaml += "    needs: [\(parents.map { "s\($0)" }.joined(separator: ", "))]\n" }
            yaml += "    with: {run: \"true\"}\n"
        }
        try! yaml.write(toFile: dir + "/w.yaml", atomically: true, encoding: .utf8)
        let full = time { precondition(Bench.spawnQuietly(rig, ["run", dir + "/w.yaml", "--jobs", String(jobs)]) == 0, "rig run failed") }
        print(String(format: "  `rig run` of the workflow (whole process, YAML included): %.3f s", full))
        let noOp = median(11) { precondition(Bench.spawnQuietly(rig, ["resume", dir + "/w.yaml"]) == 0, "rig resume failed") }
        print(String(format: "  no-op `rig resume` (whole process): %7.1f ms", noOp * 1000))
        if let built, let ninja {
            let null = median(11) { _ = ninja.nullBuild(in: built.directory, jobs: jobs) }
            print(
                String(
                    format: "  ninja null build:                   %7.1f ms  → rig no-op / ninja null = %@", null * 1000, ratio(noOp, null))
            )
        }
        Bench.removeFiles()
        exit(0)
    }

    private static func time(_ body: () -> Void) -> Double {
        let start = ContinuousClock.now
        body()
        return (ContinuousClock.now - start).seconds
    }

    private static func median(_ runs: Int, _ body: () -> Void) -> Double {
        (0..<runs).map { _ in time(body) }.sorted()[runs / 2]
    }
}
