import SockscopeCore

/// What the screen draws when the locale cannot encode more than ASCII (`LANG=C`, or no locale
/// at all): each glyph the views use becomes ASCII — the rules, rails and marks one column for
/// one so that the table and the ladder keep their alignment, arrows in running text as `->`
/// and `<->` — and any other character a `?`. (A peer's bytes are escaped before they get here.)
public enum ASCIIGlyphs {
    static let table: [Character: String] = [
        "→": "->", "←": "<-", "⇄": "<->", "↑": "^", "↓": "v",
        "─": "-", "━": "=", "│": "|", "┌": "+", "┐": "+", "└": "+", "┘": "+",
        "┬": "+", "┴": "+", "├": "+", "┤": "+", "►": ">", "◄": "<", "▲": "^",
        "▶": ">", "◀": "<", "▷": ">", "↳": "L", "⟲": "@", "…": "~", "·": "-", "⚠": "!",
        "µ": "u", "▼": "v", "≥": ">", "✗": "X", "✓": "+", "•": "*", "—": "-", "–": "-", "−": "-", "×": "x", "±": "+-", "§": "S", "é": "e",
    ]

    /// `text` in ASCII.
    public static func fold(_ text: String) -> String {
        guard !text.utf8.allSatisfy({ $0 < 0x80 }) else { return text }
        var folded = ""
        folded.reserveCapacity(text.utf8.count)
        for character in text {
            if character.isASCII {
                folded.append(character)
            } else {
                folded += table[character] ?? "?"
            }
        }
        return folded
    }
}
