import JSON

/// `[start:stop:step]`, with Python's semantics: negative bounds count from the end, bounds past
/// either end are clamped, a missing bound means the whole way in the step's direction, and a
/// zero step is an invalid value. No bound or step, however large, overflows.
struct Slice {
    var start: Int?
    var stop: Int?
    var step: Int?

    func elements(of a: [JSON]) throws(JMESPathError) -> [JSON] {
        let step = step ?? 1
        guard step != 0 else { throw JMESPathError(kind: .invalidValue, message: "slice step cannot be 0") }
        let n = a.count
        /// A bound as a position in -1...n, as Python's `slice.indices` adjusts it.
        func adjusted(_ bound: Int?, default whole: Int) -> Int {
            guard let v = bound else { return whole }
            if v < 0 { return v >= -n ? n + v : (step < 0 ? -1 : 0) }
            return v < n ? v : (step < 0 ? n - 1 : n)
        }
        let first = adjusted(start, default: step < 0 ? n - 1 : 0)
        let end = adjusted(stop, default: step < 0 ? -1 : n)
        // The distance to cover, in the step's direction; both ends lie in -1...n.
        let span = step > 0 ? end - first : first - end
        guard span > 0 else { return [] }
        // The step's magnitude may be 2^63, which only UInt holds.
        let count = Int((UInt(span) - 1) / step.magnitude) + 1
        var out: [JSON] = []
        out.reserveCapacity(count)
        var i = first
        for k in 0..<count {
            out.append(a[i])
            if k + 1 < count { i += step }  // only ever to a position that is taken next
        }
        return out
    }
}
