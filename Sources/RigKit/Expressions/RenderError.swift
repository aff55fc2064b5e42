import RigModel

/// An expression or parameter that could not be rendered.
public enum RenderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A reference to something that does not exist.
    case unknownReference(String, at: SourceLocation?, hint: String?)
    /// A value known only during the run (a step output, a secret, the run id) is not there.
    case unavailable(String, at: SourceLocation?, hint: String?)
    /// A filter or lookup got a value it cannot handle.
    case invalidValue(String, at: SourceLocation?, hint: String?)
    /// A `with:` parameter that does not fit the step type's schema.
    case invalidParameter(step: String, parameter: String, problem: String, at: SourceLocation?, hint: String?)

    public var location: SourceLocation? {
        switch self {
        case .unknownReference(_, let l, _), .unavailable(_, let l, _), .invalidValue(_, let l, _),
            .invalidParameter(_, _, _, let l, _):
            return l
        }
    }

    public var message: String {
        switch self {
        case .unknownReference(let m, _, _), .unavailable(let m, _, _), .invalidValue(let m, _, _): return m
        case .invalidParameter(let step, let parameter, let problem, _, _):
            return "step '\(step)': parameter '\(parameter)' \(problem)"
        }
    }

    public var hint: String? {
        switch self {
        case .unknownReference(_, _, let h), .unavailable(_, _, let h), .invalidValue(_, _, let h),
            .invalidParameter(_, _, _, _, let h):
            return h
        }
    }

    public var diagnostic: Diagnostic { .error(message, at: location, hint: hint) }

    public var description: String { diagnostic.description }
}
