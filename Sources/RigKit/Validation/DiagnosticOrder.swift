import RigModel

extension Array where Element == Diagnostic {
    /// By file, line and column; diagnostics without a location last; otherwise in the order found.
    public func sortedByLocation() -> [Diagnostic] {
        enumerated().sorted { a, b in
            switch (a.element.location, b.element.location) {
            case let (l?, r?):
                if (l.file, l.line, l.column) != (r.file, r.line, r.column) {
                    return (l.file, l.line, l.column) < (r.file, r.line, r.column)
                }
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): break
            }
            return a.offset < b.offset
        }.map(\.element)
    }
}
