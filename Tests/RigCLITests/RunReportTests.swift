import Foundation
import OrderedCollections
import Testing

@testable import RigCLI
@testable import RigKit

@Suite struct RunReportTests {
    private func report(_ outcomes: OrderedDictionary<TaskID, TaskOutcome>) -> String {
        let summary = RunSummary(status: .failed, outcomes: outcomes, timings: [:], startedAt: Date(), duration: .seconds(3))
        return RunReport(summary: summary, logDirectory: "/logs", addresses: ["worker1": "192.168.1.22"]).text
    }

    @Test func aFailedCommandOnAnSSHHostNamesItsAddressAndWhatToDoNext() {
        let text = report([
            TaskID(step: "join", host: "worker1"): .failed(.commandFailed(exitCode: 1, message: "kubeadm join refused"))
        ])
        #expect(text.contains("✗ join@worker1 (192.168.1.22) failed: command exited with status 1: kubeadm join refused"))
        #expect(text.contains("full log: /logs/join@worker1.log"))
        #expect(text.contains("next: fix what the log shows on worker1 (192.168.1.22), then `rig resume`"))
    }

    @Test func aTimeoutSaysToLookAtWhatItWaitedForOrRaiseTheTimeout() {
        let text = report([TaskID(step: "build", host: "worker1"): .failed(.timedOut(after: .seconds(60)))])
        #expect(text.contains("✗ build@worker1 (192.168.1.22) failed: timed out after 60.0 seconds"))
        #expect(text.contains("raise the step's `timeout:`"))
    }

    @Test func anUnreachableHostIsNamedOnceByItsOwnMessage() {
        let text = report([
            TaskID(step: "join", host: "worker1"): .failed(
                .unreachable(host: "worker1", address: "192.168.1.22", reason: "connection refused by 192.168.1.22 port 22"))
        ])
        #expect(text.contains("✗ join@worker1 failed: host worker1 (192.168.1.22) is unreachable: connection refused"))
        #expect(!text.contains("next:"))
    }

    @Test func aLocalTaskHasNoAddress() {
        let text = report([TaskID(step: "hello", host: "local"): .failed(.commandFailed(exitCode: 2, message: ""))])
        #expect(text.contains("✗ hello@local failed: command exited with status 2"))
        #expect(text.contains("next: fix what the log shows on local, then"))
    }
}
