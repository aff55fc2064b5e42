import Testing

@testable import RigKit

/// For random documents of anchored lists holding scalars and aliases of earlier anchors, the
/// alias budget refuses exactly those whose expansion (computed here from the model) exceeds it,
/// at the alias that crosses it.
@Suite struct AliasBudgetProperties {
    @Test func theBudgetRefusesExactlyTheDocumentsThatExpandBeyondIt() {
        var generator = SystemRandomNumberGenerator()
        var refused = 0
        for _ in 0..<300 {
            let anchors = Int.random(in: 1...12, using: &generator)
            var text = "name: w\n"
            var sizes: [Int] = []
            // The root map, `name` and its value.
            var written = 3
            var added = 0
            var crossing: (line: Int, column: Int)?
            var aliasAdds: [(size: Int, line: Int, column: Int)] = []
            for index in 0..<anchors {
                let line = index + 2
                var item = "k\(index): &a\(index) ["
                written += 2
                var size = 1
                let count = Int.random(in: 1...10, using: &generator)
                for position in 0..<count {
                    if position > 0 { item += "," }
                    if !sizes.isEmpty, Int.random(in: 0..<4, using: &generator) > 0 {
                        let target = Int.random(in: max(0, sizes.count - 3)..<sizes.count, using: &generator)
                        aliasAdds.append((sizes[target], line, item.count + 1))
                        item += "*a\(target)"
                        size += sizes[target]
                    } else {
                        item += "x"
                        written += 1
                        size += 1
                    }
                }
                sizes.append(min(size, Int.max / 4))
                text += item + "]\n"
            }
            let budget = AliasBudget.budget(written: written)
            for add in aliasAdds {
                added = min(added + add.size, Int.max / 4)
                if added > budget, crossing == nil { crossing = (add.line, add.column) }
            }
            let overrun = AliasBudget.firstOverrun(in: text)
            #expect(overrun.map { [$0.line, $0.column] } == crossing.map { [$0.line, $0.column] }, "\(text)")
            if overrun != nil { refused += 1 }
        }
        #expect(refused > 0)
    }
}
