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
