import Foundation
import RigModel
import Testing

@testable import RigKit

/// `extends:`: a user's workflow adds, orders, changes and disables steps of a shipped one.
@Suite struct OverlayTests {
    static let base = """
        name: base
        inputs:
          domain: {type: string, default: lab.example}
        secrets:
          token: {optional: true}
        steps:
          - id: prepare
            type: shell
            with: {run: echo prepare, env: {A: "1", B: "2"}}
          - id: dns
            type: shell
            needs: prepare
            with: {run: echo dns}
          - id: values
            type: shell
            needs: prepare
            with: {run: echo values}
          - id: build
            type: shell
            needs: [dns, values]
            with: {run: echo build}
        """

    /// Loads `overlay` as `site.yaml` beside `base.yaml`; returns the workflow and the folder.
    private func load(_ overlay: String, base: String = OverlayTests.base) throws(ValidationFailure) -> (Workflow, TemporaryFolder) {
        let folder = TemporaryFolder()
        folder.write("base.yaml", base)
        let path = folder.write("site.yaml", overlay)
        return (try WorkflowLoader(registry: fakeRegistry()).load(workflowAt: path), folder)
    }

    private func problems(_ overlay: String, base: String = OverlayTests.base) -> [Diagnostic] {
        do {
            let (workflow, _) = try load(overlay, base: base)
            return Validator(registry: fakeRegistry()).validate(workflow, inputs: nil).filter { $0.severity == .error }
        } catch {
            return error.diagnostics
        }
    }

    @Test func anAddedStepNeedsExistingStepsAndBeforeMakesTheLaterStepNeedIt() throws {
        let (w, folder) = try load(
            """
            extends: base.yaml
            steps:
              - id: mount-disk
                type: shell
                needs: prepare
                before: values
                with: {run: mount /dev/sdb /data}
            """)
        #expect(w.steps.map(\.id) == ["prepare", "dns", "values", "build", "mount-disk"])
        #expect(w.step("mount-disk")?.needs == ["prepare"])
        #expect(w.step("values")?.needs == ["prepare", "mount-disk"])
        #expect(w.step("mount-disk")?.location?.file == folder.path + "/site.yaml")
        #expect(w.step("values")?.location?.file == folder.path + "/base.yaml")
        #expect(w.sourceFiles == [folder.path + "/base.yaml", folder.path + "/site.yaml"])
        #expect(StepGraph(w).waves() == [["prepare"], ["dns", "mount-disk"], ["values"], ["build"]])
        #expect(Validator(registry: fakeRegistry()).validate(w, inputs: nil).filter { $0.severity == .error }.isEmpty)
    }

    @Test func anOverrideMergesWithOverTheBaseAndRecordsWhereItChanged() throws {
        let (w, folder) = try load(
            """
            extends: base.yaml
            steps:
              - id: prepare
                with: {env: {B: "20", C: "3"}}
                timeout: 5m
            """)
        let prepare = try #require(w.step("prepare"))
        #expect(prepare.type == "shell")
        #expect(prepare.with["run"] != nil)
        guard case .map(let env, _)? = prepare.with["env"] else {
            Issue.record("env is not a map")
            return
        }
        #expect(Array(env.keys) == ["A", "B", "C"])
        if case .template(let b)? = env["B"] { #expect(b.source == "20") } else { Issue.record("B is not text") }
        #expect(prepare.timeout == .seconds(300))
        #expect(prepare.changes.map(\.file) == [folder.path + "/site.yaml"])
        #expect(prepare.fieldLocations["timeout"]?.file == folder.path + "/site.yaml")
        #expect(prepare.fieldLocations["type"]?.file == folder.path + "/base.yaml")
    }

    @Test func aDisabledStepIsRemovedAndItsDependentsWaitForWhatItNeeded() throws {
        for overlay in ["extends: base.yaml\ndisable: [dns]\n", "extends: base.yaml\nsteps:\n  - id: dns\n    disabled: true\n"] {
            let (w, _) = try load(overlay)
            #expect(w.step("dns") == nil)
            #expect(w.step("build")?.needs == ["prepare", "values"])
            #expect(w.disabledSteps["dns"]?.line == 2 || w.disabledSteps["dns"]?.line == 4)
            #expect(Validator(registry: fakeRegistry()).validate(w, inputs: nil).filter { $0.severity == .error }.isEmpty)
        }
    }

    @Test func inputsSecretsAndNameAreInheritedAndOverridable() throws {
        let (w, _) = try load(
            """
            extends: base.yaml
            name: my-lab
            inputs:
              domain: {type: string, default: my.example}
              extra: {type: int, default: 3}
            """)
        #expect(w.name == "my-lab")
        #expect(w.inputs.map(\.name) == ["domain", "extra"])
        #expect(w.input("domain")?.defaultValue == .string("my.example"))
        #expect(w.secrets.map(\.name) == ["token"])
        #expect(w.steps.count == 4)
    }

    @Test func anOverlayOfAnOverlayAppliesBothInOrder() throws {
        let folder = TemporaryFolder()
        folder.write("base.yaml", Self.base)
        folder.write("team.yaml", "extends: base.yaml\nsteps:\n  - id: lint\n    type: shell\n    before: build\n    with: {run: lint}\n")
        let path = folder.write("site.yaml", "extends: team.yaml\ndisable: [lint]\n")
        let w = try WorkflowLoader(registry: fakeRegistry()).load(workflowAt: path)
        #expect(w.step("lint") == nil)
        #expect(w.step("build")?.needs == ["dns", "values"])
        #expect(w.sourceFiles.map { ($0 as NSString).lastPathComponent } == ["base.yaml", "team.yaml", "site.yaml"])
    }

    @Test func anOverlaysOwnHostsReplaceTheBasesWhoseInventoryIsNeverRead() throws {
        let folder = TemporaryFolder()
        folder.write("base.yaml", "hosts: inventory.example.yaml\n" + Self.base)  // that file does not exist
        folder.write("inventory.yaml", "hosts:\n  - {name: master1, address: 10.0.0.1, roles: [master]}\n")
        let path = folder.write("site.yaml", "extends: base.yaml\nhosts: inventory.yaml\n")
        let w = try WorkflowLoader(registry: fakeRegistry()).load(workflowAt: path)
        #expect(w.inventory.hosts.map(\.name) == ["master1"])
        #expect(w.sourceFiles.map { ($0 as NSString).lastPathComponent } == ["base.yaml", "site.yaml", "inventory.yaml"])
    }

    @Test func aBareNameIsFoundInTheWorkflowsFolderBesideOrAboveTheFile() throws {
        let folder = TemporaryFolder()
        folder.write("workflows/tator-multinode.yaml", Self.base)
        let path = folder.write(
            "labs/north/site.yaml", "extends: tator-multinode\nsteps:\n  - id: extra\n    type: noop\n    needs: build\n")
        let w = try WorkflowLoader(registry: fakeRegistry()).load(workflowAt: path)
        #expect(w.step("extra")?.needs == ["build"])
        #expect(w.sourceFiles.first == folder.path + "/workflows/tator-multinode.yaml")
    }

    // MARK: Conflicts, each naming the overlay's file and line

    @Test func aNewIdAddedTwiceIsAnErrorAtTheSecond() {
        let found = problems(
            """
            extends: base.yaml
            steps:
              - id: extra
                type: noop
              - id: extra
                type: noop
            """)
        #expect(found.count == 1)
        #expect(found.first?.message.contains("'extra' is added twice") == true)
        #expect(found.first?.location?.file.hasSuffix("/site.yaml") == true && found.first?.location?.line == 5)
    }

    @Test func changingAnUnknownStepIsAnErrorWithADidYouMean() {
        let found = problems("extends: base.yaml\nsteps:\n  - id: valuez\n    with: {run: x}\n")
        #expect(found.count == 1)
        #expect(found.first?.message.contains("'valuez' is not a step of the extended workflow") == true)
        #expect(found.first?.hint?.contains("values") == true)
        #expect(found.first?.location?.file.hasSuffix("/site.yaml") == true && found.first?.location?.line == 3)
    }

    @Test func changingAStepsTypeDisablingAnUnknownStepAndBeforeAnUnknownStepAreErrors() {
        let found = problems(
            """
            extends: base.yaml
            disable: [nope]
            steps:
              - id: dns
                type: noop
              - id: extra
                type: noop
                before: buidl
            """)
        #expect(found.map(\.location?.line) == [2, 5, 8])
        #expect(found.allSatisfy { $0.location?.file.hasSuffix("/site.yaml") == true })
        #expect(found[0].message.contains("cannot disable 'nope'"))
        #expect(found[1].message.contains("cannot change its type"))
        #expect(found[2].message.contains("'buidl', which is not a step") && found[2].hint?.contains("build") == true)
    }

    @Test func aCycleThroughBeforePointsAtTheOverlaysBeforeLine() {
        let found = problems(
            """
            extends: base.yaml
            steps:
              - id: extra
                type: noop
                needs: build
                before: prepare
            """)
        let cycle = found.first { $0.message.contains("cycle") }
        #expect(cycle != nil)
        #expect(cycle?.location?.file.hasSuffix("/site.yaml") == true)
        #expect(cycle?.location?.line == 6)
    }

    @Test func aParameterErrorInAnOverrideNamesTheOverlayFile() {
        let found = problems("extends: base.yaml\nsteps:\n  - id: dns\n    with: {rum: typo}\n")
        #expect(found.count == 1)
        #expect(found.first?.location?.file.hasSuffix("/site.yaml") == true && found.first?.location?.line == 4)
    }

    @Test func aMissingBaseAndAnExtendsLoopAreErrorsAtTheExtendsLine() {
        let missing = problems("extends: nowhere.yaml\n")
        #expect(missing.count == 1 && missing.first?.location?.line == 1)
        #expect(missing.first?.message.contains("'nowhere.yaml' (extends)") == true)

        let folder = TemporaryFolder()
        folder.write("a.yaml", "extends: b.yaml\n")
        folder.write("b.yaml", "extends: a.yaml\n")
        do {
            _ = try WorkflowLoader(registry: fakeRegistry()).load(workflowAt: folder.path + "/a.yaml")
            Issue.record("a loop loaded")
        } catch {
            #expect(error.diagnostics.count == 1)
            #expect(error.diagnostics.first?.message.contains("a.yaml -> b.yaml -> a.yaml") == true)
        }
    }

    @Test func beforeAndDisableOutsideAnOverlayAreErrorsWithAHint() {
        let found = loadProblems(
            """
            disable: [x]
            steps:
              - id: a
                type: noop
                before: b
              - id: b
                type: noop
            """)
        #expect(found.map(\.position) == ["1:1", "5:5"])
        #expect(found.allSatisfy { $0.message.contains("only allowed in a workflow that extends another") })
    }
}

extension OverlayTests {
    @Test func usingTheOutputsOfADisabledStepIsAnErrorNamingWhereItWasDisabled() {
        let base = """
            steps:
              - id: token
                type: shell
                with: {run: echo}
                outputs: [value]
              - id: use
                type: shell
                needs: token
                with: {run: "echo ${{ steps.token.outputs.value }}"}
            """
        let found = problems("extends: base.yaml\ndisable: [token]\n", base: base)
        #expect(found.count == 1)
        #expect(found.first?.message.contains("'token' is disabled at") == true)
        #expect(found.first?.message.contains("site.yaml:2") == true)
    }
}
