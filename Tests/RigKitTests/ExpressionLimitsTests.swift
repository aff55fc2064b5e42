import Foundation
import RigKit
import RigModel
import Testing

private let here = SourceLocation(file: "w.yaml", line: 3, column: 10)

private func bareError(_ text: String) -> TemplateSyntaxError? {
    do {
        _ = try TemplateParser.parseExpression(text, location: here)
        return nil
    } catch {
        return error
    }
}

private func templateError(_ text: String) -> TemplateSyntaxError? {
    do {
        _ = try TemplateParser.parse(text, location: here)
        return nil
    } catch {
        return error
    }
}

private let context = RenderContext(inputs: ["name": .string("Tator")], mode: .execute, workflowName: "w", runID: "run-1")

private func template(_ expression: RigModel.Expression) -> Template {
    Template(parts: [.expression(expression, source: "")], source: "", location: here)
}

/// Expressions of any length are refused with a located error or evaluated; none exhausts the stack.
@Suite struct ExpressionLimitsTests {
    @Test func aHundredThousandOrTermsAreRefusedAsTooLong() {
        let text = "true" + String(repeating: " || true", count: 100_000)
        let bare = bareError(text)
        #expect(bare?.message == "the expression is 800004 characters long, more than the limit of 10000")
        #expect(bare?.location == here)
        let embedded = templateError("x ${{ \(text) }}")
        #expect(embedded?.message == "the expression is 800006 characters long, more than the limit of 10000")
        #expect(embedded?.location == SourceLocation(file: "w.yaml", line: 3, column: 12))
        #expect(embedded?.hint?.contains("steps.ID.outputs.NAME") == true)
    }

    @Test func thirtyThousandFiltersAreRefusedAsTooLong() {
        let text = "${{ inputs.name" + String(repeating: " | lower", count: 30_000) + " }}"
        let error = templateError(text)
        #expect(error?.message.hasPrefix("the expression is 240013 characters long, more than the limit of 10000") == true)
    }

    @Test func aChainLongerThanTheLimitIsRefusedAtTheOperatorThatCrossesIt() {
        // 1,000 terms fit in 10,000 characters, so the chain's own limit refuses them.
        let text = "a" + String(repeating: "||a", count: 999)
        let error = bareError(text)
        #expect(error?.message == "the expression chains more than 256 operators and filters")
        // The 257th `||` starts at offset 1 + 256 * 3.
        #expect(error?.location == SourceLocation(file: "w.yaml", line: 3, column: 10 + 1 + 256 * 3))

        let filters = "${{ a" + String(repeating: "|lower", count: 1_000) + " }}"
        #expect(
            templateError(filters)?.message
                == "the expression chains more than 256 operators and filters")

        let mixed = "${{ " + (0..<300).map { "a == \($0) && !b | upper" }.joined(separator: " || ") + " }}"
        #expect(
            templateError(mixed)?.message
                == "the expression chains more than 256 operators and filters")
    }

    @Test func theLongestChainAllowedEvaluatesOnASmallStack() throws {
        let ors = try TemplateParser.parseExpression("false" + String(repeating: " || false", count: 255) + " || true", location: here)
        let filters = try TemplateParser.parse("${{ inputs.name" + String(repeating: " | lower", count: 256) + " }}", location: here)
        // A thread with a 256 KiB stack, far less than the main thread's or a pool thread's.
        let results = onSmallStack {
            (try? Renderer.render(template(ors), in: context), try? Renderer.render(filters, in: context))
        }
        #expect(results.0 == .bool(true))
        #expect(results.1 == .string("tator"))
    }

    @Test func randomExpressionsParseOrFailWithALocation() {
        var generator = SystemRandomNumberGenerator()
        let atoms = ["true", "false", "inputs.name", "\"x\"", "1", "null"]
        let operators = [" || ", " && ", " == ", " != ", " | lower", " | default(1)", " | join(\",\")"]
        for _ in 0..<300 {
            var text = ""
            var open = 0
            let terms = Int.random(in: 1...2_000, using: &generator)
            for _ in 0..<terms {
                if Bool.random(using: &generator), open < 100 {
                    text += String(repeating: "(", count: Int.random(in: 1...3, using: &generator))
                    open += 1
                }
                if Int.random(in: 0..<5, using: &generator) == 0 { text += "!" }
                text += atoms.randomElement(using: &generator)!
                if open > 0, Bool.random(using: &generator) {
                    text += ")"
                    open -= 1
                }
                text += operators.randomElement(using: &generator)!
            }
            text += "true"
            do {
                let expression = try TemplateParser.parseExpression(text, location: here)
                _ = onSmallStack { try? Renderer.render(template(expression), in: context) }
            } catch {
                #expect(error.location != nil, "\(error.message)")
            }
        }
    }
}

/// Runs `body` on a new thread with a 256 KiB stack and returns its result.
private func onSmallStack<T>(_ body: @escaping () -> T) -> T {
    let box = ResultBox(body)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        box.run()
        done.signal()
    }
    thread.stackSize = 256 * 1024
    thread.start()
    done.wait()
    return box.result!
}

private final class ResultBox<T>: @unchecked Sendable {
    let body: () -> T
    var result: T?
    init(_ body: @escaping () -> T) { self.body = body }
    func run() { result = body() }
}
