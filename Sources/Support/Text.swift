extension StringProtocol {
    /// The text without the leading and trailing characters for which `drop` is true.
    @inlinable public func trimming(where drop: (Character) -> Bool) -> String {
        guard let a = firstIndex(where: { !drop($0) }), let b = lastIndex(where: { !drop($0) }) else { return "" }
        return String(self[a...b])
    }

    /// The text without leading and trailing characters found in `set`.
    @inlinable public func trimmingCharacters(_ set: String) -> String { trimming { set.contains($0) } }

    /// The text without leading and trailing spaces, tabs, carriage returns and line feeds.
    @inlinable public var trimmed: String { trimming { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" } }

    /// The text without trailing spaces.
    @inlinable public var trimmedTrailing: String {
        guard let last = lastIndex(where: { $0 != " " }) else { return "" }
        return String(self[...last])
    }

    /// The text with `pad` in front until it is `width` characters long (as it is when longer).
    @inlinable public func leftPadded(_ width: Int, with pad: Character = "0") -> String {
        String(repeating: String(pad), count: Swift.max(0, width - count)) + self
    }
}
