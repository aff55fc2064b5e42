import Foundation
import RigKit
import RigModel

// rig-bench: how much the engine costs per step, and how close to the critical-path bound it
// schedules, side by side with ninja on the same DAGs. Not a test: it prints figures.
//
//   swift run -c release rig-bench [--sizes 100,1000,10000] [--jobs 8] [--quick]
//   swift run -c release rig-bench state        (journal, planner and no-op check costs)
//   swift run -c release rig-bench checkpoint   (10,000 steps with/without checkpoint vs ninja; no-op resume vs null build)
//   swift run -c release rig-bench versioning [--revisions 1000]

if CommandLine.arguments.dropFirst().first == "versioning" {
    VersioningBenchmarks.main(Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "checkpoint" {
    CheckpointBenchmarks.main(Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "state" {
    StateBenchmarks.main(Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "ssh" {
    SSHBenchmarks.main(Array(CommandLine.arguments.dropFirst(2)))
    Bench.removeFiles()
    exit(0)
}

let options = BenchOptions(CommandLine.arguments.dropFirst())
let ninja = options.ninja ? Ninja.find() : nil
print(
    "rig-bench: jobs \(options.jobs), sizes \(options.sizes.map(String.init).joined(separator: ", ")), "
        + (ninja.map { "ninja \($0.version)" } ?? "ninja not found (no comparison)"))
print("")
let floor = Bench.transportFloor(runs: 500)
print(
    String(
        format: "floor: one `true` through LocalTransport on one thread: %.0f µs direct exec, %.0f µs via bash",
        floor.direct * 1e6, floor.bash * 1e6))
print("")
print("DAGs of local `true` steps (rig exec's `true` directly; ninja runs `sh -c 'true && touch $out'`)")
print(Row.header)
for size in options.sizes {
    for shape in options.shapes {
        let dag = DAG.make(shape, size: size, seed: 42)
        let rig = Bench.rig(dag, command: "true", jobs: options.jobs)
        let ninjaTouch = ninja.map { $0.run(dag, command: "true && touch $out", jobs: options.jobs) }
        let ninjaTrue = ninja.map { $0.run(dag, command: "true", jobs: options.jobs) }
        print(Row(shape: shape, size: size, rig: rig, ninjaTouch: ninjaTouch, ninjaTrue: ninjaTrue).text)
    }
}

guard options.sleepDAG else {
    Bench.removeFiles()
    exit(0)
}
print("")
let sleepDAG = DAG.sleepBenchmark(seed: 42)
let sleep = 0.05
print("DAG of `sleep \(sleep)` steps: \(sleepDAG.parents.count) steps, critical path \(sleepDAG.criticalPathSteps) steps")
print("jobs   bound s   rig s   rig/bound   ninja s   ninja/bound   rig/ninja")
for jobs in options.sleepJobs {
    let bound = max(Double(sleepDAG.criticalPathSteps) * sleep, Double(sleepDAG.parents.count) * sleep / Double(jobs))
    let rig = Bench.rig(sleepDAG, command: "sleep \(sleep)", jobs: jobs)
    let theirs = ninja.map { $0.run(sleepDAG, command: "sleep \(sleep) && touch $out", jobs: jobs) }
    let cells = [
        String(jobs).leftPadding(4), String(format: "%.3f", bound).leftPadding(9), String(format: "%.3f", rig).leftPadding(7),
        String(format: "%.3f", rig / bound).leftPadding(11),
        (theirs.map { String(format: "%.3f", $0) } ?? "-").leftPadding(9),
        (theirs.map { String(format: "%.3f", $0 / bound) } ?? "-").leftPadding(13),
        (theirs.map { String(format: "%.2f", rig / $0) } ?? "-").leftPadding(11),
    ]
    print(cells.joined(separator: " "))
}
Bench.removeFiles()
