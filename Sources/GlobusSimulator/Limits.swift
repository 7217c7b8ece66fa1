/// The bounds that keep the simulator's memory and arithmetic finite whatever its clients send.
/// A class's simulator runs for a term: nothing a student does may make it grow without end.
/// Per person means per identity (or per client, for a client's own tokens).
public enum SimLimits {
    /// A century in seconds: the farthest the clock, a token's lifetime and a timer's interval
    /// reach, so every date the simulator computes stays a date.
    public static let century = 3_155_760_000
}
