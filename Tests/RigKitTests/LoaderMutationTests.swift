import Foundation
import RigKit
import RigModel
import RigTestSupport
import Testing

@Suite struct LoaderMutations {
    static let fragments = [
        "${{", "}}", ":", "- ", "  ", "\t", "\"", "'", "[", "]", "{", "}", "|", "&a", "*a", "#", "\n", "<<<<<<< x\n",
        "${{ inputs.", " | shell", "!", "==", "needs: x", "on: all", "((", "))", "\\", "\u{0}", "é",
    ]

    @Test func mangledWorkflowsAreRejectedWithLocatedProblemsNeverACrash() throws {
        let original = LoaderReadsEveryKey.full
        var generator = SplitMix64(seed: 2026)
        let scalars = Array(original.unicodeScalars)
        var rejected = 0
        for _ in 0..<300 {
            var mutated = scalars
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let at = Int.random(in: 0..<mutated.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: mutated.remove(at: at)
                case 1: mutated.insert(contentsOf: Self.fragments.randomElement(using: &generator)!.unicodeScalars, at: at)
                default:
                    mutated.replaceSubrange(
                        at..<min(at + 3, mutated.count), with: Self.fragments.randomElement(using: &generator)!.unicodeScalars)
                }
            }
            let text = String(String.UnicodeScalarView(mutated))
            do {
                let workflow = try loadWorkflow(text)
                let problems = Validator(registry: fakeRegistry()).validate(workflow, inputs: nil)
                #expect(problems.allSatisfy { $0.location != nil }, "\(problems)")
            } catch {
                rejected += 1
                #expect(!error.diagnostics.isEmpty)
                #expect(error.diagnostics.allSatisfy { $0.location != nil }, "\(error)")
            }
        }
        #expect(rejected > 100, "most mutations break the file")
    }
}

/// Inputs the loader fuzzer found (Tests/LoaderFuzzer/Regressions): each is rejected with a located error.
@Suite struct LoaderFuzzRegressions {
    @Test func aFileThatIsNotUTF8IsRejectedAtTheLineAndColumnOfTheBadByte() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("LoaderFuzzer/Regressions/not-utf8-in-a-description.yaml")
        #expect(throws: ValidationFailure.self) { try WorkflowLoader(registry: fakeRegistry()).load(workflowAt: url.path) }
        do {
            _ = try WorkflowLoader(registry: fakeRegistry()).load(workflowAt: url.path)
        } catch {
            let problem = try #require(error.diagnostics.first)
            #expect(problem.location?.file == url.path)
            #expect(problem.location?.line == 13)
            #expect(problem.message.contains("not valid UTF-8"))
        }
    }
}
