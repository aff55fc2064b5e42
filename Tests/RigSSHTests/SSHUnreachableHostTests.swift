import Foundation
import RigKit
import RigModel
import RigSSH
import Testing

/// Hosts that go away: the failure names the host, its address and what to check; the other
/// hosts of the step carry on; a resumed run finishes only what the lost host left undone.
@Suite("Unreachable hosts")
struct SSHUnreachableHostTests {
    @Test func anSSHServerKilledMidRunFailsOnlyItsHostAndAResumeFinishesJustThatHost() throws {
        let bed = try EngineTestBed(servers: 3)
        let dir = bed.directory
        let marker = uniqueMarker("lost")
        try Data().write(to: URL(fileURLWithPath: bed.path("hang")))
        // host2 hangs (once) until its server is killed; host1 and host3 wait until then too, so
        // they are mid-command when host2 is lost, and must still finish.
        let (workflow, graph) = try bed.load(
            """
            name: lose-a-host
            steps:
              - id: prepare
                type: shell
                on: workers
                with:
                  run: |
                    echo ran >> \(dir)/count.prepare.${{ host.name }}
                    if [ ${{ host.name }} = host2 ]; then
                      if [ -e \(dir)/hang ]; then rm \(dir)/hang; touch \(dir)/hanging; sh -c 'sleep 120' \(marker); fi
                    else
                      for i in $(seq 600); do [ -e \(dir)/killed ] && break; sleep 0.05; done
                      echo "still here after host2 went away"
                    fi
              - id: finish
                type: shell
                needs: [prepare]
                on: workers
                with:
                  run: echo ran >> \(dir)/count.finish.${{ host.name }}
            """)
        let running = bed.start(workflow, graph)
        #expect(eventually { FileManager.default.fileExists(atPath: bed.path("hanging")) })
        #expect(eventually { allCommandLines().contains { $0.contains(marker) } })
        bed.fixture.stop(1)
        try Data().write(to: URL(fileURLWithPath: bed.path("killed")))
        let first = try running.wait()

        #expect(first.status == .failed)
        #expect(first.outcome("prepare", "host1") == .succeeded(.changed))
        #expect(first.outcome("prepare", "host3") == .succeeded(.changed))
        #expect(running.log(TaskID(step: "prepare", host: "host1")).contains("still here after host2 went away"))
        let server = bed.fixture.servers[1]
        guard case .failed(.unreachable(let host, let address, let reason))? = first.outcome("prepare", "host2") else {
            Issue.record("prepare@host2 should be unreachable: \(String(describing: first.outcome("prepare", "host2")))")
            return
        }
        #expect(host == "host2" && address == server.address)
        #expect(reason.contains("port \(server.port)") && reason.contains("lost") && reason.contains("rig resume"), "\(reason)")
        #expect(first.outcome("finish", "host1") == .skipped(.upstreamFailed("prepare@host2")))
        // The remote wrapper saw its stdin close and ended the command's process group.
        #expect(eventually { !allCommandLines().contains { $0.contains(marker) } })

        try bed.fixture.start(1)
        var prior: [TaskID: PriorResult] = [:]
        for (task, outcome) in first.outcomes where outcome.isSuccess { prior[task] = PriorResult(runID: "first") }
        let (second, _) = try bed.run(workflow, graph, priorResults: prior)

        #expect(second.status == .succeeded, "\(second.outcomes)")
        #expect(second.outcome("prepare", "host1") == .skipped(.alreadyDone(runID: "first")))
        #expect(second.outcome("prepare", "host3") == .skipped(.alreadyDone(runID: "first")))
        #expect(second.outcome("prepare", "host2") == .succeeded(.changed))
        #expect(bed.read("count.prepare.host1") == "ran\n")
        #expect(bed.read("count.prepare.host2") == "ran\nran\n")
        for name in ["host1", "host2", "host3"] { #expect(bed.read("count.finish.\(name)") == "ran\n") }
    }

    @Test func aHostThatRefusesConnectionsDoesNotStopTheOtherHostsOfItsStep() throws {
        let bed = try EngineTestBed(servers: 3)
        bed.fixture.stop(1)
        let (workflow, graph) = try bed.load(
            """
            name: one-down
            steps:
              - id: fan
                type: shell
                on: workers
                with: {run: "echo fine"}
              - id: elsewhere
                type: shell
                needs: [fan]
                on: host1
                with: {run: "true"}
            """)
        // One job: host3's task has not started when host2's fails.
        let (summary, _) = try bed.run(workflow, graph, jobs: 1)
        #expect(summary.outcome("fan", "host1") == .succeeded(.changed))
        #expect(summary.outcome("fan", "host3") == .succeeded(.changed))
        let server = bed.fixture.servers[1]
        guard case .failed(let failure)? = summary.outcome("fan", "host2"), case .unreachable = failure else {
            Issue.record("fan@host2 should be unreachable: \(String(describing: summary.outcome("fan", "host2")))")
            return
        }
        #expect(failure.description.contains("host host2 (\(server.address)) is unreachable"))
        #expect(failure.description.contains("connection refused by \(server.address) port \(server.port)"))
        #expect(failure.description.contains("is sshd running"))
        #expect(summary.outcome("elsewhere", "host1") == .skipped(.upstreamFailed("fan@host2")))
    }

    @Test func anyErrorsFatalStopsTheOtherHostsWhenOneIsUnreachable() throws {
        let bed = try EngineTestBed(servers: 3)
        bed.fixture.stop(0)
        let (workflow, graph) = try bed.load(
            """
            name: all-or-nothing
            steps:
              - id: fan
                type: shell
                on: workers
                any_errors_fatal: true
                with: {run: "echo fine"}
            """)
        let (summary, _) = try bed.run(workflow, graph, jobs: 1)
        guard case .failed(.unreachable)? = summary.outcome("fan", "host1") else {
            Issue.record("fan@host1 should be unreachable: \(summary.outcomes)")
            return
        }
        #expect(summary.outcome("fan", "host2") == .skipped(.upstreamFailed("fan@host1")))
        #expect(summary.outcome("fan", "host3") == .skipped(.upstreamFailed("fan@host1")))
    }

    @Test func aCommandThatOutlivesItsTimeoutFailsAsTimedOutAndIsKilledOnTheHost() throws {
        let bed = try EngineTestBed(servers: 1)
        let marker = uniqueMarker("slow")
        let (workflow, graph) = try bed.load(
            """
            name: slow
            steps:
              - id: slow
                type: shell
                on: host1
                timeout: 1s
                with: {run: "sh -c 'sleep 120' \(marker)"}
            """)
        let (summary, _) = try bed.run(workflow, graph)
        #expect(summary.outcome("slow", "host1") == .failed(.timedOut(after: .seconds(1))))
        #expect(eventually { !allCommandLines().contains { $0.contains(marker) } })
    }

    @Test func aFailingCommandReportsItsExitCodeAndOutput() throws {
        let bed = try EngineTestBed(servers: 1)
        let (workflow, graph) = try bed.load(
            """
            name: failing
            steps:
              - id: broken
                type: shell
                on: host1
                with: {run: "echo 'disk /dev/sdz not found' >&2; exit 3"}
            """)
        let (summary, _) = try bed.run(workflow, graph)
        guard case .failed(.commandFailed(let code, let message))? = summary.outcome("broken", "host1") else {
            Issue.record("broken@host1 should fail with its exit code: \(summary.outcomes)")
            return
        }
        #expect(code == 3)
        #expect(message.contains("disk /dev/sdz not found"))
    }

    @Test func aRetriedStepReconnectsToAHostThatCameBack() throws {
        let bed = try EngineTestBed(servers: 1)
        let dir = bed.directory
        // The first attempt takes the server down (like a reboot) and fails as unreachable; the
        // test brings it back, and the retry runs on a new connection.
        let (workflow, graph) = try bed.load(
            """
            name: flaky
            steps:
              - id: flaky
                type: shell
                on: host1
                retries: {count: 3, backoff: 1s}
                with:
                  run: |
                    echo attempt >> \(dir)/attempts
                    if [ ! -e \(dir)/back ]; then touch \(dir)/down-please; sleep 60; fi
            """)
        let running = bed.start(workflow, graph)
        #expect(eventually { FileManager.default.fileExists(atPath: bed.path("down-please")) })
        bed.fixture.stop(0)
        try Data().write(to: URL(fileURLWithPath: bed.path("back")))
        try bed.fixture.start(0)
        let summary = try running.wait()
        #expect(summary.outcome("flaky", "host1") == .succeeded(.changed), "\(summary.outcomes)")
        #expect(bed.read("attempts").split(separator: "\n").count >= 2)
    }
}
