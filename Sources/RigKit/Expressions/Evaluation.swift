import OrderedCollections
import RigModel

/// Evaluates expressions against a `RenderContext`, noting whether the result needed a
/// placeholder (a value only the run will know) or touched a secret.
struct Evaluation {
    enum Purpose {
        /// Render for the context's mode.
        case render
        /// Render what is known before the run; run-time values become placeholders and are noted.
        case beforeRun
    }

    let context: RenderContext
    let purpose: Purpose
    /// A placeholder stands in for a value only the run will know.
    private(set) var usedPlaceholder = false
    private(set) var usedSecret = false

    init(_ context: RenderContext, purpose: Purpose = .render) {
        self.context = context
        self.purpose = purpose
    }

    static let namespaces = ["inputs", "secrets", "hosts", "host", "roles", "steps", "workflow", "run"]
    static let hostFields = ["name", "address", "port", "user", "connection", "roles", "labels", "vars"]

    private var placeholdersAllowed: Bool { purpose == .beforeRun || context.mode == .display }

    private mutating func placeholder(_ text: String) -> Value {
        usedPlaceholder = true
        return .string("<\(text)>")
    }

    mutating func render(_ template: Template) throws(RenderError) -> Value {
        if let single = template.singleExpression { return try evaluate(single) }
        var text = ""
        for part in template.parts {
            switch part {
            case .text(let t): text += t
            case .expression(let e, _): text += try evaluate(e).text
            }
        }
        return .string(text)
    }

    mutating func render(_ node: ParameterNode) throws(RenderError) -> Value {
        switch node {
        case .literal(let value, _): return value
        case .template(let template): return try render(template)
        case .list(let items, _):
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try render(item)) }
            return .list(values)
        case .map(let entries, _):
            var values = OrderedDictionary<String, Value>()
            for (key, item) in entries { values[key] = try render(item) }
            return .map(values)
        }
    }

    /// One step up a left-leaning chain: `… || right` or `… | filter(arguments)`.
    private enum ChainLink {
        case binary(Expression.BinaryOperator, Expression)
        case filter(String, [Expression], SourceLocation?)
    }

    /// Walks a chain such as `a || b || c` or `x | lower | upper` with a loop rather than one call
    /// per link, so the stack holds only parentheses, `!` and precedence levels.
    mutating func evaluate(_ expression: Expression) throws(RenderError) -> Value {
        var links: [ChainLink] = []
        var leftmost = expression
        while true {
            switch leftmost {
            case .binary(let op, let left, let right):
                links.append(.binary(op, right))
                leftmost = left
                continue
            case .filter(let inner, let name, let arguments, let location):
                links.append(.filter(name, arguments, location))
                leftmost = inner
                continue
            default:
                break
            }
            break
        }
        var value = try evaluateLeaf(leftmost)
        for link in links.reversed() {
            switch link {
            case .binary(.and, let right): value = value.isTruthy ? try evaluate(right) : value
            case .binary(.or, let right): value = value.isTruthy ? value : try evaluate(right)
            case .binary(.equal, let right): value = .bool(Self.equal(value, try evaluate(right)))
            case .binary(.notEqual, let right): value = .bool(!Self.equal(value, try evaluate(right)))
            case .filter(let name, let arguments, let location):
                value = try applyFilter(name, to: value, arguments: arguments, at: location)
            }
        }
        return value
    }

    private mutating func evaluateLeaf(_ expression: Expression) throws(RenderError) -> Value {
        switch expression {
        case .literal(let value):
            return value
        case .reference(let path, let location):
            return try resolve(path, at: location)
        case .not(let inner):
            return .bool(!(try evaluate(inner).isTruthy))
        case .binary, .filter:
            return try evaluate(expression)
        }
    }

    /// Equality that lets a string equal the text of a number or bool (`inputs.port == "22"`).
    static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.int(let x), .double(let y)), (.double(let y), .int(let x)): return Double(x) == y
        case (.string(let s), .int), (.string(let s), .bool), (.string(let s), .double): return s == b.text
        case (.int, .string(let s)), (.bool, .string(let s)), (.double, .string(let s)): return s == a.text
        default: return a == b
        }
    }

    private mutating func applyFilter(_ name: String, to value: Value, arguments: [Expression], at location: SourceLocation?)
        throws(RenderError) -> Value
    {
        switch ExpressionFilter(rawValue: name) {
        case .shell, .quote:
            if case .list(let items) = value { return .string(items.map { shellQuote($0.text) }.joined(separator: " ")) }
            return .string(shellQuote(value.text))
        case .default:
            if value == .null || value == .string("") { return try evaluate(arguments[0]) }
            return value
        case .json:
            return .string(value.jsonText)
        case .join:
            let separator = try arguments.first.map { (e) throws(RenderError) in try evaluate(e).text } ?? ","
            if case .list(let items) = value { return .string(items.map(\.text).joined(separator: separator)) }
            return .string(value.text)
        case .lower:
            return .string(value.text.lowercased())
        case .upper:
            return .string(value.text.uppercased())
        case nil:
            throw .invalidValue("unknown filter '\(name)'", at: location, hint: nil)
        }
    }

    // MARK: References

    private mutating func resolve(_ path: [String], at location: SourceLocation?) throws(RenderError) -> Value {
        let dotted = path.joined(separator: ".")
        switch path[0] {
        case "inputs":
            guard path.count >= 2 else { throw incomplete(dotted, "inputs.NAME", location) }
            guard let value = context.inputs[path[1]] else {
                if purpose == .beforeRun { return placeholder(dotted) }
                throw .unknownReference(
                    "no input named '\(path[1])'", at: location,
                    hint: Suggestion.didYouMean(path[1], in: context.inputs.keys))
            }
            return try lookUp(path[2...], in: value, dotted: dotted, at: location)
        case "secrets":
            guard path.count == 2 else { throw incomplete(dotted, "secrets.NAME", location) }
            usedSecret = true
            if placeholdersAllowed { return placeholder("secret:\(path[1])") }
            guard let secrets = context.secrets else {
                throw .unavailable("secret '\(path[1])' is needed but secrets were not loaded", at: location, hint: nil)
            }
            return secrets.value(path[1]).map(Value.string) ?? .null
        case "hosts":
            guard path.count >= 3 else { throw incomplete(dotted, "hosts.NAME.FIELD", location) }
            guard let host = context.inventory.host(named: path[1]) else {
                throw .unknownReference(
                    "no host named '\(path[1])' in the inventory", at: location,
                    hint: Suggestion.didYouMean(path[1], in: context.inventory.hosts.map(\.name)))
            }
            return try field(path[2...], of: host, dotted: dotted, at: location)
        case "host":
            guard path.count >= 2 else { throw incomplete(dotted, "host.FIELD", location) }
            guard let host = context.host else {
                if placeholdersAllowed { return placeholder(dotted) }
                throw .unavailable("'\(dotted)' is only known inside a task on a host", at: location, hint: nil)
            }
            return try field(path[1...], of: host, dotted: dotted, at: location)
        case "roles":
            guard path.count >= 3 else { throw incomplete(dotted, "roles.ROLE.FIELD", location) }
            let members = context.inventory.hosts(withRole: path[1])
            guard let first = members.first else {
                throw .unknownReference(
                    "no host has the role '\(path[1])'", at: location,
                    hint: Suggestion.didYouMean(path[1], in: context.inventory.roles))
            }
            switch path[2] {
            case "hosts": return try lookUp(path[3...], in: .list(members.map { .string($0.name) }), dotted: dotted, at: location)
            case "addresses": return try lookUp(path[3...], in: .list(members.map { .string($0.address) }), dotted: dotted, at: location)
            default: return try field(path[2...], of: first, dotted: dotted, at: location)
            }
        case "steps":
            guard path.count == 4, path[2] == "outputs" else { throw incomplete(dotted, "steps.ID.outputs.NAME", location) }
            if let value = context.outputs.value(step: path[1], name: path[3], host: context.host?.name) {
                return .string(value)
            }
            if placeholdersAllowed { return placeholder(dotted) }
            throw .unavailable(
                "step '\(path[1])' has not published the output '\(path[3])'", at: location,
                hint: "the step must write a line '\(path[3])=VALUE' to the file named by $RIG_OUTPUT")
        case "workflow":
            guard path == ["workflow", "name"] else { throw incomplete(dotted, "workflow.name", location) }
            return .string(context.workflowName)
        case "run":
            guard path == ["run", "id"] else { throw incomplete(dotted, "run.id", location) }
            if let id = context.runID { return .string(id) }
            if placeholdersAllowed { return placeholder(dotted) }
            throw .unavailable("run.id is only known during a run", at: location, hint: nil)
        default:
            throw .unknownReference(
                "unknown name '\(path[0])' in '\(dotted)'", at: location,
                hint: (Suggestion.didYouMean(path[0], in: Self.namespaces).map { $0 + " " } ?? "")
                    + "references start with " + Self.namespaces.joined(separator: ", "))
        }
    }

    private func incomplete(_ dotted: String, _ form: String, _ location: SourceLocation?) -> RenderError {
        .unknownReference("'\(dotted)' is not a valid reference", at: location, hint: "write it as \(form)")
    }

    /// `hosts.X.<field>`, `host.<field>`, `roles.R.<field>`.
    private func field(_ rest: ArraySlice<String>, of host: InventoryHost, dotted: String, at location: SourceLocation?) throws(RenderError)
        -> Value
    {
        let value: Value
        switch rest.first! {
        case "name": value = .string(host.name)
        case "address": value = .string(host.address)
        case "port": value = host.port.map(Value.int) ?? (host.connection == .ssh ? .int(22) : .null)
        case "user": value = host.user.map(Value.string) ?? .null
        case "connection": value = .string(host.connection.rawValue)
        case "roles": value = .list(host.roles.map(Value.string))
        case "labels": value = .map(host.labels.mapValues(Value.string))
        case "vars": value = .map(host.vars)
        default:
            throw .unknownReference(
                "hosts have no field '\(rest.first!)' (in '\(dotted)')", at: location,
                hint: (Suggestion.didYouMean(rest.first!, in: Self.hostFields).map { $0 + " " } ?? "")
                    + "fields are " + Self.hostFields.joined(separator: ", "))
        }
        return try lookUp(rest.dropFirst(), in: value, dotted: dotted, at: location)
    }

    /// Follows the remaining path segments into maps (by key) and lists (by index).
    private func lookUp(_ rest: ArraySlice<String>, in value: Value, dotted: String, at location: SourceLocation?) throws(RenderError)
        -> Value
    {
        var current = value
        for segment in rest {
            switch current {
            case .map(let entries):
                guard let next = entries[segment] else {
                    throw .unknownReference(
                        "'\(dotted)': there is no key '\(segment)'", at: location,
                        hint: Suggestion.didYouMean(segment, in: entries.keys))
                }
                current = next
            case .list(let items):
                guard let index = Int(segment), items.indices.contains(index) else {
                    throw .unknownReference(
                        "'\(dotted)': '\(segment)' is not an index of a list of \(items.count)", at: location, hint: nil)
                }
                current = items[index]
            default:
                throw .invalidValue("'\(dotted)': cannot look up '\(segment)' in a \(current.kindName)", at: location, hint: nil)
            }
        }
        return current
    }
}
