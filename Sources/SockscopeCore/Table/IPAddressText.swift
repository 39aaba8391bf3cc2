extension IPAddress {
    /// Parses `127.0.0.1`, `::1`, `::ffff:127.0.0.1`, `2001:db8::1`.
    public init?<S: StringProtocol>(text: S) {
        if !text.contains(":") {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var bytes: [UInt8] = []
            for part in parts {
                guard let byte = UInt8(part) else { return nil }
                bytes.append(byte)
            }
            self.init(bytes: bytes)
            return
        }
        var head: [UInt16] = [], tail: [UInt16] = []
        var v4Tail: [UInt8] = []
        let halves = Substring(text).split(separator: "::", omittingEmptySubsequences: false)
        guard halves.count <= 2 else { return nil }
        func groups(_ part: Substring, into out: inout [UInt16]) -> Bool {
            guard !part.isEmpty else { return true }
            for word in part.split(separator: ":", omittingEmptySubsequences: false) {
                if word.contains("."), let v4 = IPAddress(text: word) {
                    v4Tail = v4.bytes
                    continue
                }
                guard word.count <= 4, let value = UInt16(word, radix: 16) else { return false }
                out.append(value)
            }
            return true
        }
        guard groups(halves[0], into: &head) else { return nil }
        if halves.count == 2 { guard groups(halves[1], into: &tail) else { return nil } }
        let v4Groups = v4Tail.isEmpty ? 0 : 2
        let missing = 8 - head.count - tail.count - v4Groups
        guard halves.count == 2 ? missing >= 0 : missing == 0 else { return nil }
        let all = head + [UInt16](repeating: 0, count: missing) + tail
        self.init(bytes: all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } + v4Tail)
    }
}
