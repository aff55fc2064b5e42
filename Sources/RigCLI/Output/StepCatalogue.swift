import Foundation
import RigKit

/// Formats step types and their schemas for `rig steps`.
enum StepCatalogue {
    static func text(_ entries: [StepTypeRegistry.Entry]) -> String {
        var out = ""
        for entry in entries {
            out += "\(entry.type.name)  [\(entry.origin)]\n    \(entry.type.summary)\n"
            for p in entry.type.schema.parameters {
                var line = "    - \(p.name): \(p.kind)"
                if p.required { line += " (required)" }
                if let d = p.defaultValue { line += " = \(d)" }
                if p.secret { line += " [secret]" }
                out += line + "\n        \(p.description)\n"
            }
            out += "\n"
        }
        return out
    }

    private struct Described: Encodable {
        var name: String
        var origin: String
        var summary: String
        var schema: ParameterSchema
    }

    static func json(_ entries: [StepTypeRegistry.Entry]) throws -> String {
        let described = entries.map {
            Described(name: $0.type.name, origin: $0.origin.description, summary: $0.type.summary, schema: $0.type.schema)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(described), as: UTF8.self)
    }
}
