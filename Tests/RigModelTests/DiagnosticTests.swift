import RigModel
import Testing

@Test func diagnosticNamesFileLineColumnAndHint() {
    let d = Diagnostic.error(
        "unknown step 'nfs'", at: SourceLocation(file: "w.yaml", line: 4, column: 12), hint: "did you mean 'nfs-server'?")
    #expect(d.description == "w.yaml:4:12: error: unknown step 'nfs'\n    hint: did you mean 'nfs-server'?")
}
