/// Rewrites getopt-style clusters into separate words before the argument parser sees them, so
/// that nc habits such as `-lvnp1234`, `-w5` and `-q0` work: swift-argument-parser accepts
/// `-lvnp 1234` but not a value glued to its flag.
public enum GetoptClusters {
    /// `valueFlags` are the short flags that take a value (for nc: `i p q s w`); `valueOptions`
    /// the long ones (`--hex-dump`). A value is always the next word, even if it starts with `-`
    /// (as in `-q -1`), and is never split itself.
    public static func split(
        _ arguments: [String], valueFlags: Set<Character>, valueOptions: Set<String> = []
    ) -> [String] {
        var out: [String] = []
        var index = arguments.startIndex
        func takeValue() {
            if index < arguments.endIndex {
                out.append(arguments[index])
                index += 1
            }
        }
        while index < arguments.endIndex {
            let word = arguments[index]
            index += 1
            if word == "--" {  // everything after `--` is positional
                out.append(contentsOf: arguments[(index - 1)...])
                break
            }
            if word.hasPrefix("--") {
                out.append(word)
                if valueOptions.contains(word) { takeValue() }
                continue
            }
            // `-1` is a negative number, not flag 1 (nc's only digit flags are -4 and -6):
            // kept whole, so that `ArgumentCheck` can call it the bad port it is.
            guard word.count >= 2, word.hasPrefix("-"), !isNegativeNumber(word) else {
                out.append(word)
                continue
            }
            var letters = Substring(word.dropFirst())
            while let flag = letters.first {
                letters = letters.dropFirst()
                out.append("-\(flag)")
                guard valueFlags.contains(flag) else { continue }
                if letters.isEmpty { takeValue() } else { out.append(String(letters)) }
                break
            }
        }
        return out
    }

    /// `-` and digits, not only 4s and 6s (`-46` is two flags).
    public static func isNegativeNumber(_ word: String) -> Bool {
        let digits = word.utf8.dropFirst()
        return word.hasPrefix("-") && !digits.isEmpty && digits.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
            && !digits.allSatisfy { $0 == 0x34 || $0 == 0x36 }
    }
}
