import Foundation
import RigModel
import Yams

/// One YAML file being loaded: its text, its parsed tree, and how to locate things in it.
final class YAMLFile {
    /// The path as shown in messages.
    let path: String
    let text: String
    /// Keys renamed so a mapping with a duplicated key still parses (the duplicate is reported once);
    /// written into the YAML as the escape `\u0001`, so no real key can collide with it.
    static let duplicateKeyPrefix = "\u{1}rig-duplicate-"

    private init(path: String, text: String) {
        self.path = path
        self.text = text
    }

    /// Reads `path`; on failure adds a diagnostic and returns nil. `what` names the file's role
    /// ("workflow", "inventory") in messages.
    static func read(_ path: String, what: String, diagnostics: inout [Diagnostic], at reference: SourceLocation? = nil) -> YAMLFile? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            diagnostics.append(
                .error(
                    "\(what) file '\(path)' does not exist", at: reference,
                    hint:
                        "check the path; relative paths are taken from \(reference == nil ? "the current directory" : "the folder of the file that names it")"
                ))
            return nil
        }
        guard !isDirectory.boolValue else {
            diagnostics.append(.error("'\(path)' is a folder, not a \(what) file", at: reference, hint: "give the path of a YAML file"))
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            diagnostics.append(.error("cannot read \(what) file '\(path)'", at: reference, hint: "check the file's permissions"))
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            let bad = Self.firstInvalidUTF8(in: data)
            diagnostics.append(
                .error(
                    "\(what) file '\(path)' is not UTF-8 text: byte \(bad.offset + 1) is not valid UTF-8",
                    at: SourceLocation(file: path, line: bad.line, column: bad.column), hint: "save it as UTF-8"))
            return nil
        }
        return YAMLFile(path: path, text: text)
    }

    func location(_ mark: Mark?) -> SourceLocation {
        SourceLocation(file: path, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    func location(of node: Node) -> SourceLocation { location(node.mark) }

    /// The document's root node, or nil with diagnostics: merge-conflict markers, YAML syntax
    /// errors, duplicate keys (every one, with the rest of the file still parsed).
    func compose(diagnostics: inout [Diagnostic]) -> Node? {
        let conflicts = mergeConflictLines()
        guard conflicts.isEmpty else {
            for line in conflicts {
                diagnostics.append(
                    .error(
                        "unresolved merge conflict marker", at: SourceLocation(file: path, line: line, column: 1),
                        hint: "a merge left both versions here: keep the right lines and delete the <<<<<<<, ======= and >>>>>>> lines"))
            }
            return nil
        }
        if let overrun = AliasBudget.firstOverrun(in: text) {
            diagnostics.append(
                .error(
                    "YAML aliases expand to more than \(overrun.budget) nodes; the alias here crosses the limit",
                    at: SourceLocation(file: path, line: overrun.line, column: overrun.column),
                    hint:
                        "each alias (*NAME) copies everything its anchor (&NAME) holds, so anchors holding aliases multiply; write the repeated part out or nest fewer aliases (the limit is in docs/workflow-format.md, Limits)"
                ))
            return nil
        }
        var source = text
        // Each round renames one duplicated key, so a bounded number of rounds.
        for _ in 0..<100 {
            do {
                guard let root = try Yams.compose(yaml: source, Resolver.basic) else {
                    diagnostics.append(
                        .error(
                            "'\(path)' is empty", at: SourceLocation(file: path, line: 1, column: 1),
                            hint: "see docs/workflow-format.md for what the file holds"))
                    return nil
                }
                return root
            } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
                guard let key = duplicates.first,
                    let (line, column) = laterOccurrence(of: key, after: context.mark, in: source)
                else {
                    diagnostics.append(
                        .error(
                            "a key appears twice in one mapping: \(duplicates.map { "'\($0)'" }.joined(separator: ", "))",
                            at: location(context.mark), hint: "each key may appear once in a mapping; remove or merge the duplicates"))
                    return nil
                }
                diagnostics.append(
                    .error(
                        "duplicate key '\(key)'", at: SourceLocation(file: path, line: line, column: column),
                        hint:
                            "'\(key)' is already set at line \(context.mark.line); a key may appear once in a mapping, so remove or merge one of them"
                    ))
                source = renamingKey(at: line, column: column, length: key.unicodeScalars.count, in: source, index: diagnostics.count)
            } catch let error as YamlError {
                diagnostics.append(syntaxDiagnostic(error))
                return nil
            } catch {
                diagnostics.append(.error("cannot parse '\(path)': \(error)", at: SourceLocation(file: path, line: 1, column: 1)))
                return nil
            }
        }
        return nil
    }

    /// Lines of a conflict left by git (`<<<<<<<`, `=======`, `>>>>>>>`); none unless a `<<<<<<<` is there,
    /// since `=======` alone may be text in a block scalar.
    private func mergeConflictLines() -> [Int] {
        guard text.contains("<<<<<<<") else { return [] }
        var lines: [Int] = []
        var sawOpening = false
        var number = 0
        text.enumerateLines { line, _ in
            number += 1
            if line.hasPrefix("<<<<<<<") { sawOpening = true }
            if line.hasPrefix("<<<<<<<") || line.hasPrefix(">>>>>>>") || line == "=======" || line.hasPrefix("======= ") {
                lines.append(number)
            }
        }
        return sawOpening ? lines : []
    }

    /// The later occurrence of a duplicated block-mapping key: the first line after `mark` that
    /// starts with `key:` at the same column, before the mapping ends (a line indented less).
    private func laterOccurrence(of key: String, after mark: Mark, in source: String) -> (Int, Int)? {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let column = mark.column
        guard mark.line < lines.count else { return nil }
        for index in mark.line..<lines.count {
            let line = Array(lines[index].unicodeScalars)
            let indent = line.prefix { $0 == " " }.count
            if indent == line.count || line[indent] == "#" { continue }
            if indent + 1 < column {
                // `- key:` continues a sequence of mappings only at the mapping's own column.
                return nil
            }
            guard indent + 1 == column else { continue }
            let rest = String(String.UnicodeScalarView(line[indent...]))
            for candidate in [key, "\"\(key)\"", "'\(key)'"] where rest.hasPrefix(candidate) {
                let after = rest.dropFirst(candidate.count).drop { $0 == " " }
                if after.first == ":" { return (index + 1, column) }
            }
        }
        return nil
    }

    private func renamingKey(at line: Int, column: Int, length: Int, in source: String, index: Int) -> String {
        var lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var scalars = Array(lines[line - 1].unicodeScalars)
        var keyEnd = column - 1 + length
        if let quote = scalars.indices.contains(column - 1) ? scalars[column - 1] : nil, quote == "\"" || quote == "'" { keyEnd += 2 }
        scalars.replaceSubrange((column - 1)..<min(keyEnd, scalars.count), with: "\"\\u0001rig-duplicate-\(index)\"".unicodeScalars)
        lines[line - 1] = String(String.UnicodeScalarView(scalars))
        return lines.joined(separator: "\n")
    }

    private func syntaxDiagnostic(_ error: YamlError) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line))" }
            return .error(message, at: location(mark), hint: Self.syntaxHint(problem, line: lineText(mark.line)))
        case .reader(let problem, let offset, _, _):
            let line = offset.map { o in text.utf8.prefix(o).reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) } } ?? 1
            return .error(
                "invalid YAML: \(problem)", at: SourceLocation(file: path, line: line, column: 1),
                hint: "the file must be UTF-8 text without control characters")
        default:
            return .error("invalid YAML: \(error)", at: SourceLocation(file: path, line: 1, column: 1))
        }
    }

    private func lineText(_ line: Int) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return line >= 1 && line <= lines.count ? String(lines[line - 1]) : ""
    }

    static func syntaxHint(_ problem: String, line: String) -> String {
        if line.hasPrefix("\t") || line.contains(":\t") || problem.contains("tab") {
            return "YAML indents with spaces; replace the tab characters on this line with spaces"
        }
        if problem.contains("mapping values are not allowed") {
            return "a value that contains ': ' must be quoted, or this line is indented more than its siblings"
        }
        if problem.contains("did not find expected key") || problem.contains("did not find expected '-'") {
            return "this line's indentation does not match the lines around it"
        }
        if problem.contains("cannot start any token") {
            return "values starting with @, ` or % must be quoted"
        }
        if problem.contains("found unexpected end of stream") || problem.contains("found unexpected end") {
            return "a quote or bracket opened earlier is not closed"
        }
        return "check the indentation and quoting at this place"
    }

    // MARK: Locating text inside scalars

    private lazy var scalarLines: [[Unicode.Scalar]] =
        text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }

    /// Maps offsets in a scalar's value to where they are written, so a syntax error inside
    /// `${{ ... }}` points at its exact column even in quoted or block scalars: each `${{` of the
    /// value is matched with the next `${{` in the file after the scalar's start.
    func templateLocator(for node: Node, value: String) -> TemplateParser.Locator {
        let start = location(of: node)
        let valueScalars = Array(value.unicodeScalars)
        let contentStart = Self.contentStart(of: node, at: start)
        let fallback: TemplateParser.Locator = { TemplateParser.defaultLocator(text: valueScalars, at: contentStart)($0) }
        var anchors: [(valueOffset: Int, line: Int, column: Int)] = []
        let lines = scalarLines
        var line = start.line - 1
        var column = start.column - 1
        for offset in openingOffsets(valueScalars) {
            var found = false
            while line < lines.count, !found {
                let current = lines[line]
                while column + 2 < current.count {
                    if current[column] == "$", current[column + 1] == "{", current[column + 2] == "{" {
                        anchors.append((offset, line, column))
                        column += 3
                        found = true
                        break
                    }
                    column += 1
                }
                if !found {
                    line += 1
                    column = 0
                }
            }
            if !found { return fallback }
        }
        let file = path
        let found = anchors
        return { offset in
            guard let anchor = found.last(where: { $0.valueOffset <= offset }) else { return fallback(offset) }
            var line = anchor.line
            var column = anchor.column
            var remaining = offset - anchor.valueOffset
            while remaining > 0, line < lines.count {
                let room = lines[line].count - column
                if remaining <= room {
                    column += remaining
                    remaining = 0
                } else {
                    remaining -= room + 1
                    line += 1
                    column = lines.indices.contains(line) ? lines[line].prefix { $0 == " " }.count : 0
                }
            }
            return SourceLocation(file: file, line: line + 1, column: column + 1)
        }
    }

    /// For a quoted scalar the value starts one column after the mark.
    static func contentStart(of node: Node, at location: SourceLocation) -> SourceLocation {
        guard let style = node.scalar?.style, style == .singleQuoted || style == .doubleQuoted else { return location }
        return SourceLocation(file: location.file, line: location.line, column: location.column + 1)
    }

    private func openingOffsets(_ s: [Unicode.Scalar]) -> [Int] {
        var offsets: [Int] = []
        var i = 0
        while i + 2 < s.count {
            if s[i] == "$", s[i + 1] == "{", s[i + 2] == "{" {
                offsets.append(i)
                i += 3
            } else {
                i += 1
            }
        }
        return offsets
    }
}

extension YAMLFile {
    /// Where the first byte that is not valid UTF-8 stands (found by the loader fuzzer: the error
    /// had no location). Lines and columns count from 1; the column counts bytes.
    static func firstInvalidUTF8(in data: Data) -> (offset: Int, line: Int, column: Int) {
        let bytes = [UInt8](data)
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        var line = 1
        var lineStart = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
                if scalar == "\n" {
                    line += 1
                    lineStart = offset
                }
            case .emptyInput, .error:
                return (offset, line, offset - lineStart + 1)
            }
        }
    }
}
