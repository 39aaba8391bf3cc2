/// What argument-parser cannot say well about an nc command line, found before it parses (after
/// `GetoptClusters`): an unknown long option — after the positionals it would be taken for one of
/// them (`--max-con 5` became a second port) — and a negative number where a port goes, which it
/// would take for an unknown flag and then report a missing port.
public enum ArgumentCheck {
    /// The first problem in `words`, or nil. Values of options are skipped: `-q -1` is fine.
    public static func problem(
        in words: [String], valueFlags: Set<Character>, valueOptions: Set<String>, longOptions: Set<String>
    ) -> UsageError? {
        var index = words.startIndex
        while index < words.endIndex {
            let word = words[index]
            index += 1
            if word == "--" { return nil }
            if word.count == 2, word.hasPrefix("-"), let letter = word.last, let said = unsupported[letter] {
                return UsageError("-\(letter): \(said)")
            }
            if valueOptions.contains(word) || (word.count == 2 && word.hasPrefix("-") && valueFlags.contains(word.last ?? " ")) {
                index += 1  // its value, whatever it looks like
                continue
            }
            if word.hasPrefix("--") {
                let name = String(word.prefix { $0 != "=" })
                guard !longOptions.contains(name) else { continue }
                if let near = nearest(name, in: longOptions) {
                    return UsageError("Unknown option '\(name)'. Did you mean '\(near)'?")
                }
                return UsageError("Unknown option '\(name)'")
            }
            if GetoptClusters.isNegativeNumber(word) { return UsageError("port number invalid: \(word)") }
        }
        return nil
    }

    /// nc's (and ncat's) flags sockscope does not take: what each is there, and what sockscope
    /// offers instead — never a port number misread (`-P user host 80`).
    static let unsupported: [Character: String] = [
        "b": "nc's broadcast is not supported",
        "D": "nc's socket debugging is not supported; the screen and -v show the connection",
        "F": "nc's passing of the socket to its parent is not supported",
        "H": "nc's certificate hash check is not supported; -v and the /tls overlay show the SHA-256 of each certificate",
        "I": "nc's receive buffer length is not supported",
        "K": "nc's TLS key file is --tls-key FILE",
        "M": "nc's outgoing TTL is not supported",
        "m": "nc's minimum TTL is not supported; ncat's connection limit is --max-conns N",
        "O": "nc's send buffer length is not supported",
        "o": "nc's OCSP staple file is not supported",
        "P": "nc's proxy user name: sockscope takes --proxy-auth USER:PASS (or --proxy-auth-file, SOCKSCOPE_PROXY_AUTH)",
        "R": "nc's TLS CA file is --tls-ca FILE",
        "r": "nc's random port order is not supported",
        "S": "nc's TCP MD5 signatures are not supported",
        "T": "nc's TOS and TLS keywords are not supported; TLS options are --tls-… (see TLS in the man page)",
        "t": "nc's telnet negotiation is not supported",
        "V": "nc's routing table is not supported; run sockscope in a network namespace (ip netns exec)",
        "W": "nc's limit on packets received is not supported",
        "Y": "nc's OCSP staple is not supported",
        "y": "nc's OCSP staple is not supported",
        "Z": "nc's peer certificate file is not supported; -v and the /tls overlay show the peer's certificates",
    ]

    /// The known option closest to `name` by edit distance, if it is close (at most 3 edits).
    static func nearest(_ name: String, in known: Set<String>) -> String? {
        let candidates = known.map { ($0, editDistance(Array(name.utf8), Array($0.utf8))) }.filter { $0.1 <= 3 }
        return candidates.min { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }?.0
    }

    /// Levenshtein distance, one row at a time.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
