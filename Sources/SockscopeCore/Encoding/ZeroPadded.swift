extension BinaryInteger {
    /// `7.zeroPadded(3)` is `007`; `0x1b.zeroPadded(4, radix: 16)` is `001b`. For the fixed-width
    /// fields of timestamps, durations and escapes.
    public func zeroPadded(_ width: Int, radix: Int = 10) -> String {
        let digits = String(self, radix: radix)
        return String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
    }
}
