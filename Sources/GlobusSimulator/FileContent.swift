/// What a simulated file holds. Listings and transfers need only names and sizes; HTTPS access
/// (`CollectionHTTPS.swift`) serves the bytes themselves, so every file has content of its size.
enum SimContent: Sendable {
    /// Bytes made on the fly from the offset alone (`GeneratedBytes`): a file of any size, 1 GB
    /// as well as 4 bytes, costs no memory, and a range of it is made as cheaply as its start.
    case generated
    /// Bytes held in memory: the sample files and what clients upload (bounded by `SimLimits`).
    case bytes([UInt8])

    /// The bytes in `range` of a file of this content (the range within the file's size).
    func bytes(_ range: Range<Int>) -> [UInt8] {
        switch self {
        case .generated: GeneratedBytes.bytes(range)
        case .bytes(let b): Array(b[range])
        }
    }

    /// The bytes kept in memory for it.
    var storedBytes: Int {
        if case .bytes(let b) = self { return b.count }
        return 0
    }
}

/// The content of a generated file: a line of text repeated, so that a download can be checked
/// byte for byte anywhere in the file without the simulator or the test holding it.
public enum GeneratedBytes {
    /// The 32-byte line the content repeats.
    public static let line = Array("Globus Simulator generated data\n".utf8)

    /// The byte at `offset` of any generated file.
    public static func byte(at offset: Int) -> UInt8 { line[offset % line.count] }

    /// The bytes in `range` of any generated file, copied from a block of the repeated line
    /// (as fast as a copy, which a 1 GB download needs).
    public static func bytes(_ range: Range<Int>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var offset = range.lowerBound
        while offset < range.upperBound {
            let n = min(blockSize, range.upperBound - offset)
            let start = offset % line.count
            out += block[start..<start + n]
            offset += n
        }
        return out
    }

    static let blockSize = 64 << 10
    /// The line repeated over `blockSize` bytes and one line more (so that any offset within a
    /// line starts a whole block).
    static let block: [UInt8] = (0..<(blockSize / line.count + 1)).flatMap { _ in line }
}
