/// The bounds that keep the simulator's memory and arithmetic finite whatever its clients send.
/// A class's simulator runs for a term: nothing a student does may make it grow without end.
/// Per person means per identity (or per client, for a client's own tokens).
public enum SimLimits {
    /// A century in seconds: the farthest the clock, a token's lifetime and a timer's interval
    /// reach, so every date the simulator computes stays a date.
    public static let century = 3_155_760_000

    /// A person's quota on each collection (their own `/~/`): files and folders, and bytes of
    /// folder paths and names. Over it, `mkdir` fails as a full disk does and a task that would
    /// go over fails with `QUOTA_EXCEEDED`.
    public static let entriesPerCollection = 10_000
    public static let bytesPerCollection = 4 << 20

    /// HTTPS uploads (`CollectionHTTPS.swift`): the largest body one PUT may carry (larger: 413
    /// before it is read), the bytes of uploaded content one person may keep on one collection,
    /// and on the whole simulator (past either: 507). Generated files (`POST /admin/files`) cost
    /// nothing: their bytes are made as they are read.
    public static let uploadBytes = 16 << 20
    public static let storedBytesPerCollection = 64 << 20
    public static let storedBytesTotal = 512 << 20

    /// As POSIX file systems: a name of at most 255 bytes, a path of at most 4096.
    public static let nameBytes = 255
    public static let pathBytes = 4096

    /// The tasks kept per person, and the bytes of their paths and labels. Past either, the
    /// person's oldest finished tasks are forgotten (Transfer lists the newest 1000 anyway); when
    /// unfinished tasks alone fill it, a submission is refused (409 `ClientError.Conflict`).
    public static let tasksKept = 10_000
    public static let taskBytes = 16 << 20

    /// The timers kept per person (deleted and ended ones are forgotten first) and the bytes of
    /// their bodies; past it a new timer is refused (409).
    public static let timersKept = 100
    public static let timerBytes = 1 << 20

    /// The flow runs kept per person (finished ones are forgotten first) and the bytes of their
    /// labels and tags; past it a run is refused (409).
    public static let runsKept = 1_000
    public static let runBytes = 1 << 20

    /// The consents kept for one person and one client (nodes of their scope trees); past it the
    /// earlier ones are forgotten, as if revoked, and only the newest sign-in's stand.
    public static let consentsPerClient = 1_000

    /// Auth's records per person: pending authorization codes, and access and refresh tokens
    /// of one kind (subject, client, resource server); the oldest go first (`TokenRetention.swift`).
    public static let codesPerIdentity = 100
    public static let tokensPerGrant = 1_000

    /// What the request log for `GET /admin/requests` keeps at most: requests, and bytes (a
    /// body over `recordedBodyBytes` is recorded as its size only).
    public static let recordedRequests = 10_000
    public static let recordedBytes = 32 << 20
    public static let recordedBodyBytes = 64 << 10
}

/// Makes room among `items` for one more of `owner`'s, of `bytes` bytes, within `count` items
/// and `budget` bytes of theirs: forgets their oldest finished ones (the array is oldest first)
/// until it fits. False, with nothing forgotten, when even then it would not fit.
func makeRoom<T>(
    in items: inout [T], owner: String, bytes: Int, count: Int, budget: Int,
    ownerOf: (T) -> String, isFinished: (T) -> Bool, size: (T) -> Int
) -> Bool {
    let mine = items.indices.filter { ownerOf(items[$0]) == owner }
    var kept = mine.count, used = mine.reduce(0) { $0 + size(items[$1]) }
    var forget: Set<Int> = []
    for i in mine where kept >= count || used + bytes > budget {
        guard isFinished(items[i]) else { continue }
        forget.insert(i)
        kept -= 1
        used -= size(items[i])
    }
    guard kept < count && used + bytes <= budget else { return false }
    if !forget.isEmpty { items = items.indices.filter { !forget.contains($0) }.map { items[$0] } }
    return true
}
