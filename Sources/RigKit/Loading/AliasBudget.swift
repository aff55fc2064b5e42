import CYaml
import RigModel

/// Refuses YAML whose aliases would expand beyond a budget, before anything is expanded.
///
/// Yams shares an anchor's node between its aliases, but everything that walks the tree (the
/// loader, duplicate-key hashing, `Value` conversion) visits each alias in full, so anchors that
/// nest lists of aliases ("billion laughs") turn a few hundred bytes into billions of nodes. This
/// pass reads libyaml's events only, keeps the expanded size of each anchor, and stops at the
/// alias that crosses the budget.
enum AliasBudget {
    /// Nodes that aliases may add when the file is small.
    static let minimumNodes = 100_000
    /// Nodes that aliases may add per node written in the file, for large files.
    static let nodesPerWrittenNode = 10

    /// The alias that crosses the budget and the budget it crossed.
    struct Overrun: Equatable {
        var line: Int
        var column: Int
        var budget: Int
    }

    /// The first alias that makes the expanded document exceed the budget, or nil. A document
    /// libyaml cannot parse gives nil: the composer reports the syntax error with its location.
    static func firstOverrun(in text: String) -> Overrun? {
        guard text.utf8.contains(UInt8(ascii: "*")) else { return nil }
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            let totals = scan(buffer, budget: nil)
            let budget = budget(written: totals.written)
            guard totals.added > budget else { return nil }
            return scan(buffer, budget: budget).overrun
        }
    }

    static func budget(written: Int) -> Int { max(minimumNodes, nodesPerWrittenNode * written) }

    /// Counts the nodes written and the nodes aliases add (saturating); with a `budget`, stops at
    /// the alias that crosses it.
    private static func scan(_ buffer: UnsafeMutableBufferPointer<UInt8>, budget: Int?) -> (
        written: Int, added: Int, overrun: Overrun?
    ) {
        let cap = Int.max / 4
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return (0, 0, nil) }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)

        var anchorSizes: [String: Int] = [:]
        // Expanded sizes of the collections being read, innermost last, with their anchors.
        var open: [(size: Int, anchor: String?)] = []
        var written = 0
        var added = 0
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { return (written, 0, nil) }
            defer { yaml_event_delete(&event) }
            var finished: (size: Int, anchor: String?)?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return (written, added, nil)
            case YAML_DOCUMENT_START_EVENT:
                anchorSizes = [:]
            case YAML_SCALAR_EVENT:
                written += 1
                finished = (1, name(event.data.scalar.anchor))
            case YAML_SEQUENCE_START_EVENT:
                written += 1
                open.append((1, name(event.data.sequence_start.anchor)))
            case YAML_MAPPING_START_EVENT:
                written += 1
                open.append((1, name(event.data.mapping_start.anchor)))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                finished = open.popLast()
            case YAML_ALIAS_EVENT:
                let anchor = name(event.data.alias.anchor) ?? ""
                let size = anchorSizes[anchor] ?? 1
                added = min(added + size, cap)
                if let budget, added > budget {
                    let mark = event.start_mark
                    let overrun = Overrun(line: Int(mark.line) + 1, column: Int(mark.column) + 1, budget: budget)
                    return (written, added, overrun)
                }
                finished = (size, nil)
            default:
                break
            }
            guard let finished else { continue }
            if let anchor = finished.anchor { anchorSizes[anchor] = finished.size }
            if let last = open.indices.last { open[last].size = min(open[last].size + finished.size, cap) }
        }
    }

    private static func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
