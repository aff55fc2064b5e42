import Foundation
import RigKit
import RigModel
import RigSSH
import Testing

/// A step `on: workers` through the real engine and the SSH transport: one task per host, run
/// together, within `--jobs`, the per-host limit and `serial:` batches.
@Suite("Fan-out over SSH hosts")
struct SSHFanOutTests {
    @Test func aStepOnARoleRunsOneTaskPerHostAllAtOnceEachWithItsOwnLog() throws {
        let bed = try EngineTestBed(servers: 3)
        let dir = bed.directory
        // Each task waits until all three have arrived: only a run that has the three tasks
        // going at the same time can succeed.
        let (workflow, graph) = try bed.load(
            """
            name: fan-out
            steps:
              - id: meet
                type: shell
                on: workers
                with:
                  run: |
                    echo "task on ${{ host.name }} via $SSH_CONNECTION"
                    touch \(dir)/arrived.${{ host.name }}
                    for i in $(seq 400); do
                      [ "$(ls \(dir) | grep -c '^arrived\\.')" -ge 3 ] && exit 0
                      sleep 0.05
                    done
                    echo "the other hosts never arrived" >&2; exit 1
            """)
        #expect(graph.taskCount == 3)
        let running = bed.start(workflow, graph)
        let summary = try running.wait()
        #expect(summary.status == .succeeded, "\(summary.outcomes)")
        for server in bed.fixture.servers {
            let log = running.log(TaskID(step: "meet", host: server.name))
            #expect(log.contains("task on \(server.name) via"))
            // $SSH_CONNECTION: client address, client port, server address, server port.
            let words = log.split(separator: "\n").first { $0.hasPrefix("task on") }?.split(separator: " ") ?? []
            #expect(words.count == 8 && words[6] == Substring(server.address) && words[7] == Substring(String(server.port)))
        }
    }

    @Test func jobsBoundsHowManyHostsWorkAtOnce() throws {
        let bed = try EngineTestBed(servers: 4)
        let dir = bed.directory
        let (workflow, graph) = try bed.load(
            """
            name: bounded
            steps:
              - id: work
                type: shell
                on: workers
                with:
                  run: |
                    mkdir \(dir)/running.${{ host.name }}
                    ls -d \(dir)/running.* | wc -l >> \(dir)/at-once
                    sleep 0.3
                    rmdir \(dir)/running.${{ host.name }}
            """)
        let (summary, _) = try bed.run(workflow, graph, jobs: 2)
        #expect(summary.status == .succeeded, "\(summary.outcomes)")
        let counts = bed.read("at-once").split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        #expect(counts.count == 4)
        #expect(counts.allSatisfy { $0 >= 1 && $0 <= 2 }, "seen at once: \(counts)")
    }

    @Test func aRemoteHostRunsOneTaskAtATimeByDefault() throws {
        let bed = try EngineTestBed(servers: 2)
        let dir = bed.directory
        // Three independent steps on every host: the default per-host limit (one) keeps them
        // from overlapping on a host, which the lock folder would catch.
        let steps = (1...3).map { n in
            """
              - id: s\(n)
                type: shell
                on: workers
                with:
                  run: |
                    mkdir \(dir)/lock.${{ host.name }} || { echo "another task holds ${{ host.name }}" >&2; exit 1; }
                    sleep 0.2
                    rmdir \(dir)/lock.${{ host.name }}
            """
        }.joined(separator: "\n")
        let (workflow, graph) = try bed.load("name: per-host\nsteps:\n" + steps)
        let (summary, _) = try bed.run(workflow, graph, jobs: 8)
        #expect(summary.status == .succeeded, "\(summary.outcomes)")
        #expect(summary.outcomes.count == 6)
    }

    @Test func serialBatchesRollOutInOrderEachBatchTogether() throws {
        let bed = try EngineTestBed(servers: 3)
        let dir = bed.directory
        // 50% of 3 hosts, rounded up: batches {host1, host2} and {host3}. The first two meet each other.
        let (workflow, graph) = try bed.load(
            """
            name: rolling
            steps:
              - id: roll
                type: shell
                on: workers
                serial: 50%
                with:
                  run: |
                    echo "start ${{ host.name }}" >> \(dir)/order
                    touch \(dir)/arrived.${{ host.name }}
                    for i in $(seq 400); do
                      [ "$(ls \(dir) | grep -c '^arrived\\.')" -ge 2 ] && break
                      sleep 0.05
                    done
                    echo "end ${{ host.name }}" >> \(dir)/order
            """)
        let (summary, _) = try bed.run(workflow, graph)
        #expect(summary.status == .succeeded, "\(summary.outcomes)")
        let order = bed.read("order").split(separator: "\n").map(String.init)
        let startThird = try #require(order.firstIndex(of: "start host3"))
        let endFirst = try #require(order.firstIndex(of: "end host1"))
        let endSecond = try #require(order.firstIndex(of: "end host2"))
        #expect(startThird > endFirst && startThird > endSecond, "\(order)")
    }
}
