import OrderedCollections
import RigModel
import Yams

/// Gives every declared input its value: the default, then `--inputs` files in order, then
/// `--input k=v` flags, each typed and checked against the declaration.
public enum InputResolver {
    public static func resolve(_ workflow: Workflow, assignments: [String], files: [String]) throws(ValidationFailure) -> OrderedDictionary<
        String, Value
    > {
        let problems = DiagnosticCollector()
        var given: [String: Value] = [:]
        // Names given a value that did not check out: reported once, not again as missing.
        var rejected = Set<String>()
        for declaration in workflow.inputs {
            if let value = declaration.defaultValue { given[declaration.name] = value }
        }
        for path in files {
            readFile(path, workflow: workflow, into: &given, rejected: &rejected, problems: problems)
        }
        for assignment in assignments {
            readAssignment(assignment, workflow: workflow, into: &given, rejected: &rejected, problems: problems)
        }
        var values = OrderedDictionary<String, Value>()
        for declaration in workflow.inputs {
            if let value = given[declaration.name] {
                values[declaration.name] = value
            } else if declaration.required, !rejected.contains(declaration.name) {
                problems.error(
                    "input '\(declaration.name)' is required but was not given", at: declaration.location,
                    hint:
                        "give it with `--input \(declaration.name)=VALUE`, or a line `\(declaration.name): VALUE` in a file passed with --inputs"
                        + (declaration.description.map { " (\($0))" } ?? ""))
            } else {
                values[declaration.name] = .null
            }
        }
        if problems.hasErrors { throw ValidationFailure(problems.diagnostics.sortedByLocation()) }
        return values
    }

    private static func readFile(
        _ path: String, workflow: Workflow, into given: inout [String: Value], rejected: inout Set<String>,
        problems: DiagnosticCollector
    ) {
        var diagnostics: [Diagnostic] = []
        defer { problems.append(contentsOf: diagnostics) }
        guard let file = YAMLFile.read(path, what: "inputs", diagnostics: &diagnostics),
            let root = file.compose(diagnostics: &diagnostics)
        else { return }
        let reader = NodeReader(file: file, problems: problems)
        for entry in reader.mapping(root, "an inputs file", hint: "write one `name: value` line per input") ?? [] {
            guard let declaration = declaration(entry.key, in: workflow, problems: problems, at: reader.location(entry.keyNode), flag: nil)
            else { continue }
            do {
                let value = try InputValues.convert(NodeReader.value(of: entry.value), as: declaration.type)
                try InputValues.check(value, against: declaration)
                given[declaration.name] = value
            } catch {
                rejected.insert(declaration.name)
                problems.error(
                    "input '\(declaration.name)': \(error.message)", at: reader.location(entry.value),
                    hint: error.hint ?? "input '\(declaration.name)' is \(declaration.type.article) \(declaration.type)")
            }
        }
    }

    private static func readAssignment(
        _ assignment: String, workflow: Workflow, into given: inout [String: Value], rejected: inout Set<String>,
        problems: DiagnosticCollector
    ) {
        let flag = "--input \(assignment)"
        guard let equals = assignment.firstIndex(of: "=") else {
            problems.error(
                "\(flag): expected NAME=VALUE", at: nil, hint: "write the input's name, '=' and its value: `--input domain=tator.lan`")
            return
        }
        let name = String(assignment[..<equals]).trimmingSpaces
        let text = String(assignment[assignment.index(after: equals)...])
        guard let declaration = declaration(name, in: workflow, problems: problems, at: nil, flag: flag) else { return }
        do {
            let value = try InputValues.parse(text, as: declaration.type)
            try InputValues.check(value, against: declaration)
            given[name] = value
        } catch {
            rejected.insert(name)
            problems.error(
                "\(flag): \(error.message)", at: nil,
                hint: error.hint ?? "input '\(name)' is \(declaration.type.article) \(declaration.type)"
                    + (declaration.type.isList ? "; separate the items with commas" : ""))
        }
    }

    private static func declaration(
        _ name: String, in workflow: Workflow, problems: DiagnosticCollector,
        at location: SourceLocation?, flag: String?
    ) -> InputDeclaration? {
        if let declaration = workflow.input(name) { return declaration }
        let names = workflow.inputs.map(\.name)
        let known = names.isEmpty ? "the workflow declares no inputs" : "its inputs are: " + names.joined(separator: ", ")
        problems.error(
            (flag.map { "\($0): " } ?? "") + "workflow '\(workflow.name)' has no input named '\(name)'", at: location,
            hint: Suggestion.didYouMean(name, in: names).map { "\($0) \(known)" } ?? known)
        return nil
    }
}
