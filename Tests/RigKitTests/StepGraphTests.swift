import RigKit
import RigModel
import Testing

private func graph(_ edges: [(String, [String])]) -> StepGraph {
    StepGraph(steps: edges.map { Step(id: $0.0, type: "noop", needs: $0.1) })
}

@Suite struct StepGraphOrdering {
    // a → b, a → c, b,c → d, e alone
    let diamond = graph([("d", ["b", "c"]), ("b", ["a"]), ("c", ["a"]), ("a", []), ("e", [])])

    @Test func topologicalOrderPutsNeedsFirstAndFileOrderAmongReady() {
        #expect(diamond.topologicalOrder() == ["a", "b", "c", "d", "e"])
        #expect(graph([("x", []), ("y", ["x"]), ("z", [])]).topologicalOrder() == ["x", "y", "z"])
    }

    @Test func wavesAreLevelSets() {
        #expect(diamond.waves() == [["a", "e"], ["b", "c"], ["d"]])
    }

    @Test func ancestorsAndDescendants() {
        #expect(diamond.ancestors(of: ["d"]) == ["a", "b", "c"])
        #expect(diamond.descendants(of: ["a"]) == ["b", "c", "d"])
        #expect(diamond.descendants(of: ["a", "b"]) == ["b", "c", "d"], "a root another root leads to counts")
        #expect(diamond.descendants(of: ["e"]) == [])
        #expect(diamond.isAncestor("a", of: "d") && !diamond.isAncestor("d", of: "a") && !diamond.isAncestor("e", of: "d"))
        #expect(diamond.dependencies(of: "d") == ["b", "c"] && diamond.dependents(of: "a") == ["b", "c"])
    }

    @Test func unknownAndRepeatedNeedsAreIgnored() {
        let g = graph([("a", []), ("b", ["a", "a", "ghost"])])
        #expect(g.dependencies(of: "b") == ["a"])
        #expect(g.topologicalOrder() == ["a", "b"])
    }

    @Test func cyclesAreFoundWithTheirPath() {
        let g = graph([("a", ["c"]), ("b", ["a"]), ("c", ["b"]), ("d", ["a"]), ("s", ["s"]), ("x", ["y"]), ("y", ["x"])])
        #expect(g.topologicalOrder() == nil)
        #expect(g.findCycle() == ["a", "c", "b", "a"])
        #expect(g.cycles() == [["a", "c", "b", "a"], ["s", "s"], ["x", "y", "x"]])
        #expect(g.waves() == [], "every step is on or after a cycle")
        #expect(diamond.findCycle() == nil && diamond.cycles() == [])
    }

    @Test func theShortestCycleThroughTheFirstStep() {
        // a needs b and c; c needs a (short way back); b needs d, d needs a (long way).
        let g = graph([("a", ["b", "c"]), ("b", ["d"]), ("c", ["a"]), ("d", ["a"])])
        #expect(g.findCycle() == ["a", "c", "a"])
    }
}

@Suite struct StepGraphScale {
    static let n = 100_000

    @Test func aChainOfOneHundredThousandSteps() {
        let ids = (0..<Self.n).map { "s\($0)" }
        let g = StepGraph(steps: ids.enumerated().map { i, id in Step(id: id, type: "noop", needs: i == 0 ? [] : [ids[i - 1]]) })
        #expect(g.topologicalOrder() == ids)
        #expect(g.findCycle() == nil)
        let waves = g.waves()
        #expect(waves.count == Self.n && waves.last == [ids.last!])
        #expect(g.descendants(of: [ids[0]]).count == Self.n - 1)
        #expect(g.ancestors(of: [ids.last!]).count == Self.n - 1)
        #expect(g.isAncestor(ids[0], of: ids.last!))
    }

    @Test func aChainClosedIntoOneHugeCycle() {
        let ids = (0..<Self.n).map { "s\($0)" }
        let g = StepGraph(steps: ids.enumerated().map { i, id in Step(id: id, type: "noop", needs: [ids[(i + Self.n - 1) % Self.n]]) })
        let cycle = g.findCycle()
        #expect(cycle?.count == Self.n + 1)
        #expect(cycle?.first == "s0" && cycle?.last == "s0" && cycle?[1] == ids.last)
    }

    @Test func aFanOutAndInOfOneHundredThousandSteps() {
        let middle = (0..<Self.n).map { "m\($0)" }
        let steps =
            [Step(id: "root", type: "noop")]
            + middle.map { Step(id: $0, type: "noop", needs: ["root"]) }
            + [Step(id: "join", type: "noop", needs: middle)]
        let g = StepGraph(steps: steps)
        #expect(g.waves().map(\.count) == [1, Self.n, 1])
        #expect(g.topologicalOrder()?.first == "root" && g.topologicalOrder()?.last == "join")
        #expect(g.descendants(of: ["root"]).count == Self.n + 1)
        #expect(g.ancestors(of: ["join"]).count == Self.n + 1)
        #expect(g.cycles() == [])
    }
}
