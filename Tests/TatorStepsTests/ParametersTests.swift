import OrderedCollections
import RigKit
import RigModel
import Testing

@testable import TatorSteps

@Suite struct ParametersTests {
    @Test func readsDurationsInEveryWrittenForm() {
        for (text, seconds) in [
            ("90", 90), ("90s", 90), ("20m", 1200), ("1h30m", 5400), ("2d", 172_800), ("1.5s", 2), ("500ms", 1), ("3h", 10_800),
        ] {
            #expect(Parameters.parseSeconds(text) == seconds, "\(text)")
        }
        for bad in ["", "m", "5x", "1h30", "-5s"] { #expect(Parameters.parseSeconds(bad) == nil, "\(bad)") }
    }

    @Test func fallsBackToSchemaDefaultsAndAcceptsTextForBoolsIntsAndLists() {
        let schema = ParameterSchema([
            .init("flag", .bool, default: "true", description: "d"),
            .init("count", .int, default: "3", description: "d"),
            .init("names", .list(.string), default: "a, b", description: "d"),
            .init("wait", .duration, default: "10m", description: "d"),
        ])
        let bare = Parameters(Fixtures.invocation("x", PreflightStep(), host: "master1", with: [:]), schema)
        #expect(bare.bool("flag") && bare.int("count") == 3 && bare.list("names") == ["a", "b"] && bare.seconds("wait") == 600)
        let given = Parameters(
            Fixtures.invocation(
                "x", PreflightStep(), host: "master1",
                with: [
                    "flag": .string("false"), "count": .int(7), "names": .list([.string("z")]), "wait": .string("600s"),
                ]), schema)
        #expect(!given.bool("flag") && given.int("count") == 7 && given.list("names") == ["z"] && given.seconds("wait") == 600)
        let null = Parameters(Fixtures.invocation("x", PreflightStep(), host: "master1", with: ["count": .null]), schema)
        #expect(null.int("count") == 3)
    }
}
