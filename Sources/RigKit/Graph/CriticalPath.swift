/// Longest weighted paths to a sink, the priority that makes the scheduler start long chains first.
enum CriticalPath {
    /// - Parameters:
    ///   - order: a topological order (needs before dependents).
    /// - Returns: for each step, its weight plus the largest value among its dependents.
    static func lengths(order: [Int], dependents: [[Int]], weights: [Int]) -> [Int] {
        var length = weights
        for s in order.reversed() {
            var longest = 0
            for d in dependents[s] where length[d] > longest { longest = length[d] }
            length[s] = weights[s] + longest
        }
        return length
    }
}
