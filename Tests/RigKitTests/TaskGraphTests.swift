import RigModel
import Testing

@testable import RigKit

@Suite struct TaskGraphTests {
    typealias F = EngineFixtures

    @Test func expandsEachStepIntoOneTaskPerHostWithStepLevelEdges() throws {
        let workflow = Workflow(
            name: "w", inventory: F.remoteHosts("h1", "h2"),
            steps: [F.step("a", on: ["all"]), F.step("b", needs: ["a"], on: ["h1", "h2", "h1"])])
        let graph = try F.graph(workflow)
        #expect(
            graph.tasks == [
                TaskID(step: "a", host: "h1"), TaskID(step: "a", host: "h2"),
                TaskID(step: "b", host: "h1"), TaskID(step: "b", host: "h2"),
            ])
        #expect(graph.steps[1].needs == [0])
        #expect(graph.steps[0].dependents == [1])
        #expect(graph.hosts.map(\.name) == ["h1", "h2"])
        #expect(graph.index(of: TaskID(step: "b", host: "h2")) == 3)
    }

    @Test func priorityIsTheWeightedCriticalPathToTheEnd() throws {
        let workflow = Workflow(
            name: "w",
            steps: [
                F.step("a"), F.step("b", needs: ["a"]), F.step("c", needs: ["b"]), F.step("d"), F.step("e", needs: ["a", "d"]),
            ])
        let graph = try F.graph(workflow)
        #expect(graph.steps.map(\.criticalPath) == [3, 2, 1, 2, 1])
        let weighted = try TaskGraph(
            workflow: workflow, hostsForStep: { _ in [.local] }, weight: { $0.id == "e" ? 10 : 1 })
        #expect(weighted.steps.map(\.criticalPath) == [11, 2, 1, 11, 10])
        #expect(weighted.criticalPathLength == 11)
    }

    @Test func reportsACycleWithItsPath() {
        let workflow = Workflow(
            name: "w",
            steps: [
                F.step("start"), F.step("a", needs: ["start", "c"]), F.step("b", needs: ["a"]), F.step("c", needs: ["b"]),
            ])
        #expect(throws: TaskGraphError.self) { try F.graph(workflow) }
        do {
            _ = try F.graph(workflow)
        } catch let error as TaskGraphError {
            guard case .cycle(let path) = error else {
                Issue.record("expected a cycle, got \(error)")
                return
            }
            #expect(path.first == path.last)
            #expect(Set(path) == ["a", "b", "c"])
            #expect(path.count == 4)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func rejectsUnknownNeedsAndDuplicateIds() {
        #expect(throws: TaskGraphError.unknownNeed(step: "a", need: "ghost")) {
            try F.graph(Workflow(name: "w", steps: [F.step("a", needs: ["ghost"])]))
        }
        #expect(throws: TaskGraphError.duplicateStep("a")) {
            try F.graph(Workflow(name: "w", steps: [F.step("a"), F.step("a")]))
        }
    }

    @Test func buildsHundredThousandStepChainsAndFansWithoutRecursion() throws {
        let n = 100_000
        let chain = Workflow(name: "chain", steps: (0..<n).map { F.step("s\($0)", needs: $0 == 0 ? [] : ["s\($0 - 1)"]) })
        let chainGraph = try F.graph(chain)
        #expect(chainGraph.taskCount == n)
        #expect(chainGraph.priority(ofTask: 0) == n)
        #expect(chainGraph.priority(ofTask: n - 1) == 1)

        let fan = Workflow(name: "fan", steps: [F.step("root")] + (1..<n).map { F.step("s\($0)", needs: ["root"]) })
        let fanGraph = try F.graph(fan)
        #expect(fanGraph.steps[0].dependents.count == n - 1)
        #expect(fanGraph.priority(ofTask: 0) == 2)
    }
}
