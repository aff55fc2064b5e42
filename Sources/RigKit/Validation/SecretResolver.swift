import Foundation
import OrderedCollections
import RigModel
import Yams

/// Finds the value of every declared secret: the environment variable `RIG_SECRET_<name>`
/// first, then the secrets file, then the prompt (the CLI passes one that reads without echo
/// on a terminal). Values never appear in any message.
public enum SecretResolver {
    /// The command-line option that names a secrets file, for hints.
    public static let fileOption = "--secrets"

    public static func resolve(
        _ workflow: Workflow, environment: [String: String], secretsFile: String?,
        prompt: ((String) -> String?)?
    ) throws(ValidationFailure) -> SecretValues {
        let problems = DiagnosticCollector()
        var fromFile: [String: String] = [:]
        if let secretsFile { fromFile = readFile(secretsFile, problems: problems) }
        if problems.hasErrors { throw ValidationFailure(problems.diagnostics) }

        var values = OrderedDictionary<String, String>()
        for secret in workflow.secrets {
            if let value = environment[secret.environmentVariable] ?? fromFile[secret.name]
                ?? (secret.optional ? nil : prompt?(secret.name))
            {
                values[secret.name] = value
            } else if !secret.optional {
                let misspelt =
                    Suggestion.closest(to: secret.name, in: fromFile.keys)
                    .map { " The secrets file has '\($0)': is it misspelt?" } ?? ""
                problems.error(
                    "secret '\(secret.name)' has no value", at: secret.location,
                    hint: "set the environment variable \(secret.environmentVariable), or add `\(secret.name): VALUE` "
                        + "to a secrets file (chmod 600) given with \(fileOption) FILE." + misspelt)
            }
        }
        if problems.hasErrors { throw ValidationFailure(problems.diagnostics.sortedByLocation()) }
        return SecretValues(values)
    }

    /// A map of names to text values, from a file only its owner can read.
    private static func readFile(_ path: String, problems: DiagnosticCollector) -> [String: String] {
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & 0o077 != 0 {
            problems.error(
                "secrets file '\(path)' can be read by other users (mode \(String(info.st_mode & 0o777, radix: 8)))", at: nil,
                hint: "restrict it to its owner with `chmod 600 \(path)`, then run again")
            return [:]
        }
        var diagnostics: [Diagnostic] = []
        defer { problems.append(contentsOf: diagnostics) }
        guard let file = YAMLFile.read(path, what: "secrets", diagnostics: &diagnostics),
            let root = file.compose(diagnostics: &diagnostics)
        else { return [:] }
        let reader = NodeReader(file: file, problems: problems)
        var values: [String: String] = [:]
        for entry in reader.mapping(root, "a secrets file", hint: "write one `name: value` line per secret") ?? [] {
            guard case .scalar(let scalar) = entry.value, NodeReader.value(of: scalar) != .null else {
                problems.error(
                    "secret '\(entry.key)' in the secrets file must be a text value", at: reader.location(entry.value),
                    hint: "write `\(entry.key): VALUE`, quoting the value if it contains ': ' or starts with a special character")
                continue
            }
            values[entry.key] = scalar.string
        }
        return values
    }
}
