import RigModel

extension RetryPolicy {
    /// The wait before retry number `retry` (1 for the first retry): `backoff · 2^(retry-1)`,
    /// capped at `maxDelay`, then spread over [d/2, d] when `jitter` is on.
    public func delay<R: RandomNumberGenerator>(beforeRetry retry: Int, using random: inout R) -> Duration {
        let base = backoff.seconds
        let capped = min(maxDelay.seconds, base * pow2(max(0, retry - 1)))
        let seconds = jitter && capped > 0 ? Double.random(in: (capped / 2)...capped, using: &random) : capped
        return .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

    public func delay(beforeRetry retry: Int) -> Duration {
        var random = SystemRandomNumberGenerator()
        return delay(beforeRetry: retry, using: &random)
    }

    private func pow2(_ n: Int) -> Double { n >= 1023 ? .infinity : Double(sign: .plus, exponent: n, significand: 1) }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
