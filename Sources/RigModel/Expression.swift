/// The syntax tree of a `${{ ... }}` expression. Parsing and evaluation live in RigKit.
public indirect enum Expression: Sendable, Hashable {
    /// A dotted reference such as `inputs.domain`, `hosts.master.address` or `steps.init.outputs.x`.
    case reference([String], SourceLocation?)
    case literal(Value)
    case not(Expression)
    case binary(BinaryOperator, Expression, Expression)
    /// `value | filter(args...)`, e.g. `inputs.msg | shell`.
    case filter(Expression, name: String, arguments: [Expression], SourceLocation?)

    public enum BinaryOperator: String, Sendable, Hashable {
        case equal = "=="
        case notEqual = "!="
        case and = "&&"
        case or = "||"
    }

    /// Every dotted reference in the expression, in order of appearance.
    public var references: [(path: [String], location: SourceLocation?)] {
        switch self {
        case .reference(let path, let loc): return [(path, loc)]
        case .literal: return []
        case .not(let e): return e.references
        case .binary(_, let l, let r): return l.references + r.references
        case .filter(let e, _, let args, _): return e.references + args.flatMap(\.references)
        }
    }
}

/// A string that may embed expressions: `kubeadm init --apiserver-advertise-address=${{ hosts.master.address }}`.
public struct Template: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case text(String)
        case expression(Expression, source: String)
    }

    public var parts: [Part]
    /// The template as written, for display.
    public var source: String
    public var location: SourceLocation?

    public init(parts: [Part], source: String, location: SourceLocation?) {
        self.parts = parts
        self.source = source
        self.location = location
    }

    /// A template without expressions.
    public init(literal: String, location: SourceLocation? = nil) {
        self.init(parts: literal.isEmpty ? [] : [.text(literal)], source: literal, location: location)
    }

    /// The template is exactly one expression, so it keeps the expression's type when rendered.
    public var singleExpression: Expression? {
        if parts.count == 1, case .expression(let e, _) = parts[0] { return e }
        return nil
    }

    public var expressions: [Expression] {
        parts.compactMap { if case .expression(let e, _) = $0 { return e } else { return nil } }
    }
}
