import Foundation
import Testing

/// Limits on `wait` intervals and inventory fields, checked by `rig validate` run as a user runs it.
@Suite struct SmallLimitsTests {
    @Test func aWaitIntervalUnder100msIsRefusedWhereItIsWritten() {
        let folder = TestFolder()
        folder.write(
            "wf.yaml",
            """
            name: w
            steps:
              - id: poll
                type: wait
                with:
                  until: "true"
                  interval: 0s

            """)
        let result = RigProcess.run(["validate", "wf.yaml"], in: folder.path)
        #expect(result.status == 2)
        #expect(result.output.contains("wf.yaml:7:17"))
        #expect(result.output.contains("step 'poll': `interval` is 0ms, shorter than the minimum of 100ms"))

        folder.write("ok.yaml", "name: w\nsteps:\n  - {id: poll, type: wait, with: {until: 'true', interval: 100ms}}\n")
        #expect(RigProcess.run(["validate", "ok.yaml"], in: folder.path).status == 0)
    }

    @Test func everyProblemOfAnInventoryComesInOneRunOfValidateWithItsLine() {
        let folder = TestFolder()
        folder.write("wf.yaml", "name: w\nhosts: inventory.yaml\nsteps:\n  - {id: s, type: noop, on: all}\n")
        folder.write(
            "inventory.yaml",
            """
            hosts:
              - name: web
                address: 10.0.0.1
                port: twenty-two
              - name: db
                address: -oProxyCommand=sh
              - name: cache
                address: 10.0.0.3
                user: "-oProxyCommand=touch /tmp/rig-pwned"
              - name: web
                address: 10.0.0.4

            """)
        let result = RigProcess.run(["validate", "wf.yaml"], in: folder.path)
        #expect(result.status == 2)
        let errors = result.stderr.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors.count == 4, "\(result.output)")
        for (line, text) in [
            (4, "'port' must be"), (6, "host 'db': '-oProxyCommand=sh' is neither an IP address nor a valid host name"),
            (9, "host 'cache': user '-oProxyCommand=touch /tmp/rig-pwned' is not a valid login name"),
            (10, "host 'web' is defined twice"),
        ] {
            #expect(errors.contains { $0.contains("inventory.yaml:\(line):") && $0.contains(text) }, "line \(line): \(result.output)")
        }
        #expect(result.output.contains("4 errors found"))
    }

    @Test func loginNamesAreCheckedLikeUseraddButAllowUpperCaseAndDomains() {
        let folder = TestFolder()
        folder.write("wf.yaml", "name: w\nhosts: inventory.yaml\nsteps:\n  - {id: s, type: noop, on: all}\n")
        let good = ["ubuntu", "_svc", "Admin", "deploy-bot.2", "backup$", "alice@corp.example.com"]
        let bad = ["-oProxyCommand=sh", "a b", "x;id", "$(id)", "1root", "", "a\tb", String(repeating: "u", count: 33)]
        for (i, user) in (good + bad).enumerated() {
            let yaml = "hosts:\n  - {name: h\(i), address: 10.0.0.\(i + 1), user: '\(user)', become: {user: root}}\n"
            folder.write("inventory.yaml", yaml)
            let status = RigProcess.run(["validate", "wf.yaml"], in: folder.path).status
            #expect(status == (good.contains(user) ? 0 : 2), "user '\(user)'")
        }
    }
}
