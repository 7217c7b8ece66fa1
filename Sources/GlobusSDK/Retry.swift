#if canImport(Glibc)
    import Glibc
#endif

/// When and how long to retry, as the Python SDK's `RetryConfig`: network errors and
/// 429/500/502/503/504, backoff `(0.25 + 0.5·random)·2^attempt` capped at 10 s, and an integer
/// `Retry-After` honoured for 429 and 503.
public struct RetryPolicy: Sendable {
    /// Retries after the first attempt, at most.
    public var maxRetries = 5
    /// The longest wait between attempts, in seconds.
    public var maxSleep = 10.0
    /// Statuses retried.
    public var transientStatuses: Set<Int> = [429, 500, 502, 503, 504]
    /// Statuses whose `Retry-After` is honoured.
    public var retryAfterStatuses: Set<Int> = [429, 503]
    /// Transfer does not retry errors whose code says the fault is at the endpoint.
    public var noRetryCodes: [String] = []

    /// The Python SDK's defaults.
    public init() {}

    /// Transfer's policy: `ExternalError` and `EndpointError` answers are not retried (the fault
    /// is at an endpoint, as the Python SDK's Transfer transport judges).
    public static var transfer: RetryPolicy { var p = RetryPolicy(); p.noRetryCodes = ["ExternalError", "EndpointError"]; return p }

    /// No retries at all.
    public static var none: RetryPolicy { var p = RetryPolicy(); p.maxRetries = 0; return p }

    /// The delay before retry number `attempt` (0-based) after `response`, or nil for "do not retry".
    public func delay(attempt: Int, status: Int?, retryAfter: String?, errorCode: String?) -> Double? {
        guard attempt < maxRetries else { return nil }
        if let status {
            // In the Python SDK's order: a Retry-After on 429/503 is honoured whatever the body
            // says; otherwise transient statuses retry unless the error code is one not to retry.
            if retryAfterStatuses.contains(status), let ra = retryAfter.flatMap({ Int($0.trimmingCharacters(" ")) }), ra >= 0 {
                return min(Double(ra), maxSleep)
            }
            guard transientStatuses.contains(status) else { return nil }
            if let c = errorCode, noRetryCodes.contains(where: { c.contains($0) }) { return nil }
        }
        let backoff = (0.25 + 0.5 * Double.random(in: 0..<1)) * pow(2, Double(attempt))
        return min(backoff, maxSleep)
    }
}

/// Sleeps up to `seconds`, waking early when cancelled. Returns false if cancelled.
func interruptibleSleep(_ seconds: Double, isCancelled: () -> Bool) -> Bool {
    var left = seconds
    while left > 0 {
        if isCancelled() { return false }
        let step = min(left, 0.01)
        usleep(UInt32(step * 1_000_000))
        left -= step
    }
    return !isCancelled()
}

/// Seconds on the monotonic clock (for timeouts and waits, never for token expiry).
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
