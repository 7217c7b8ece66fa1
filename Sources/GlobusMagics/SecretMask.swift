import Escaping
import JSON

#if canImport(Glibc)
    import Glibc
#endif

/// The secrets this kernel holds (its stored access and refresh tokens, the client secret, the
/// values of secret-looking variables), found by value: in anything about to be shown, in a
/// result about to be kept, in a file about to be sent. A service that echoes the request's
/// `Authorization` header, or a filter that picks `access_token` out of an answer, shows
/// `<hidden>` instead of the token.
struct SecretMask {
    /// The secrets' UTF-8 bytes, longest first (so a secret inside a longer one is masked whole),
    /// then in byte order.
    private let secrets: [[UInt8]]
    /// No text shorter than this can hold a secret (most strings of a listing are skipped at once).
    private let shortest: Int
    /// Where each pair of bytes occurs in the secrets' first `indexedPrefix` bytes, for the
    /// search (see `holdsSecret`): `pairs` is a set of 65,536 bits, one per pair that occurs;
    /// `places`, in the order of their pairs, are the (pair, secret, offset) at which each does.
    private let pairs: [UInt64]
    private let places: [(pair: Int32, secret: Int32, offset: Int32)]
    /// How far apart the places the search looks at are: every occurrence of a secret covers
    /// one of them with a pair from its indexed prefix.
    private let stride: Int
    /// How much of each secret's start is indexed (enough to look at one place in 60, and the
    /// index stays small however many secrets there are).
    static let indexedPrefix = 64
    /// The secrets that `HTML.escape` changes, as it writes them (nil when it changes none).
    private let escapedForms: Forms?
    static let replacement = "<hidden>"

    /// A mask held by reference (a mask cannot hold another by value).
    private final class Forms: Sendable {
        let mask: SecretMask
        init(_ mask: SecretMask) { self.mask = mask }
    }

    /// Secrets shorter than `minimumLength` are left out: they would mask ordinary words. None
    /// is shorter than two bytes, whatever `minimumLength` says.
    init(_ values: some Sequence<String>, minimumLength: Int = 8) {
        self.init(values, minimumLength: minimumLength, findsEscaped: true)
    }

    /// With `findsEscaped`, also the secrets as `HTML.escape` writes them, for `holdsInMarkup`.
    private init(_ values: some Sequence<String>, minimumLength: Int, findsEscaped: Bool) {
        let kept = Set(values.filter { $0.utf8.count >= max(2, minimumLength) })
        secrets = kept.map { Array($0.utf8) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.lexicographicallyPrecedes($1) }
        // Most secrets (tokens) have nothing to escape: then markup is searched for them as they are.
        let escaped = findsEscaped ? kept.map(HTML.escape).filter { !kept.contains($0) } : []
        escapedForms = escaped.isEmpty ? nil : Forms(SecretMask(escaped, minimumLength: 0, findsEscaped: false))
        shortest = secrets.last?.count ?? Int.max
        stride = max(1, min(shortest, SecretMask.indexedPrefix) - 1)
        var places: [(pair: Int32, secret: Int32, offset: Int32)] = []
        var pairs = [UInt64](repeating: 0, count: 1024)
        for (i, secret) in secrets.enumerated() {
            for k in 0..<(min(secret.count, SecretMask.indexedPrefix) - 1) {
                let pair = Int(secret[k]) << 8 | Int(secret[k + 1])
                pairs[pair >> 6] |= 1 << UInt64(pair & 63)
                places.append((Int32(pair), Int32(i), Int32(k)))
            }
        }
        places.sort { $0.pair < $1.pair }
        self.pairs = pairs
        self.places = places
    }

    var isEmpty: Bool { secrets.isEmpty }

    /// Whether `text` holds a secret.
    func contains(_ text: String) -> Bool {
        guard text.utf8.count >= shortest else { return false }
        var text = text
        return text.withUTF8 { holdsSecret($0) }
    }

    /// Whether `bytes` holds a secret. The pair of bytes at every `stride`-th place is looked up:
    /// a secret at `p` covers one of those places, `j`, with the pair at its offset `j - p`
    /// (within its indexed prefix); each (secret, offset) where that pair occurs is compared in
    /// full. A listing of 2 MB is 2 MB / `stride` lookups, nearly all of them misses.
    private func holdsSecret(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= shortest, let base = bytes.baseAddress else { return false }
        let count = bytes.count
        return pairs.withUnsafeBufferPointer { pairs in
            places.withUnsafeBufferPointer { places in
                var j = 0
                while j < count - 1 {
                    let pair = Int(base[j]) << 8 | Int(base[j + 1])
                    if pairs[pair >> 6] & (1 << UInt64(pair & 63)) != 0 {
                        var p = firstPlace(of: Int32(pair), in: places)
                        while p < places.count, places[p].pair == pair {
                            let at = j - Int(places[p].offset)
                            let secret = secrets[Int(places[p].secret)]
                            p += 1
                            guard at >= 0, secret.count <= count - at else { continue }
                            if secret.withUnsafeBufferPointer({ memcmp(base + at, $0.baseAddress!, $0.count) == 0 }) { return true }
                        }
                    }
                    j += stride
                }
                return false
            }
        }
    }

    /// The index of the first of `places` with `pair` (binary search; there is one, since the
    /// pair is in `pairs`).
    private func firstPlace(of pair: Int32, in places: UnsafeBufferPointer<(pair: Int32, secret: Int32, offset: Int32)>) -> Int {
        var low = 0, high = places.count
        while low < high {
            let mid = (low + high) / 2
            if places[mid].pair < pair { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// `text` with every secret replaced by `replacement`.
    func masked(_ text: String, replacement: String = SecretMask.replacement) -> String {
        guard contains(text) else { return text }
        return String(decoding: masked(bytes: Array(text.utf8), replacement: replacement), as: UTF8.self)
    }

    /// `bytes` (UTF-8 text, or anything else) with every secret replaced by `replacement`.
    func masked(bytes: [UInt8], replacement: String = SecretMask.replacement) -> [UInt8] {
        guard !isEmpty, bytes.count >= shortest, bytes.withUnsafeBufferPointer(holdsSecret) else { return bytes }
        var out = bytes
        for secret in secrets {
            var result: [UInt8] = []
            var from = 0
            out.withUnsafeBufferPointer { b in
                while let at = find(secret, in: b, from: from) {
                    result += b[from..<at]
                    result += replacement.utf8
                    from = at + secret.count
                }
                result += b[from...]
            }
            out = result
        }
        return out
    }

    /// Whether any string in `value` (member names included) holds a secret.
    func contains(_ value: JSON) -> Bool {
        switch value {
        case .string(let s): return contains(s)
        case .array(let a): return a.contains { contains($0) }
        case .object(let o): return o.contains { contains($0.key) || contains($0.value) }
        default: return false
        }
    }

    /// `value` with every secret in its strings (and member names) replaced.
    func masked(_ value: JSON) -> JSON {
        guard !isEmpty, contains(value) else { return value }
        switch value {
        case .string(let s): return .string(masked(s))
        case .array(let a): return .array(a.map(masked))
        case .object(let o):
            var out = JSONObject()
            for (k, v) in o { out[masked(k)] = masked(v) }
            return .object(out)
        default: return value
        }
    }

    /// Whether markup (HTML, Markdown, SVG) holds a secret, as written or as `HTML.escape` writes
    /// it. Markup is never masked in place: a secret can be any text, the kernel's own markup
    /// included (a variable `X_TOKEN='style="white-space:nowrap">'`), and cutting that out of a
    /// tag turns the escaped text after it into attributes. Markup that holds one is dropped.
    func holdsInMarkup(_ markup: String) -> Bool {
        guard !isEmpty else { return false }
        return contains(markup) || escapedForms?.mask.contains(markup) == true
    }

    /// The offset of `needle` in `bytes` at or after `from`, or nil (`memchr` to each place the
    /// first byte is, then `memcmp`; used only once a text is known to hold a secret).
    private func find(_ needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard let base = bytes.baseAddress, let first = needle.first else { return nil }
        let last = bytes.count - needle.count
        var at = from
        return needle.withUnsafeBytes { n -> Int? in
            guard let n = n.baseAddress else { return nil }
            while at <= last {
                guard let hit = memchr(base + at, Int32(first), last - at + 1) else { return nil }
                let offset = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if memcmp(base + offset, n, needle.count) == 0 { return offset }
                at = offset + 1
            }
            return nil
        }
    }
}
