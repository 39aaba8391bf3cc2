/// Reads one JSON value (a line of `--json` output or a lesson recording) into `JSONValue`. Core
/// has no Foundation; this covers what sockscope writes — objects, arrays, strings with escapes,
/// integers and decimals, null, true/false — and rejects the rest. Nesting is bounded, so a
/// hostile file cannot exhaust the stack.
public struct JSONReader {
    var bytes: [UInt8]
    var at = 0
    static let maxDepth = 32

    public static func parse(_ text: String) -> JSONValue? { parse(Array(text.utf8)[...]) }

    public static func parse(_ bytes: ArraySlice<UInt8>) -> JSONValue? {
        var reader = JSONReader(bytes: Array(bytes))
        guard let value = reader.value(depth: 0) else { return nil }
        reader.skipSpace()
        return reader.at == reader.bytes.count ? value : nil
    }

    mutating func skipSpace() {
        while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
    }

    mutating func value(depth: Int) -> JSONValue? {
        guard depth < Self.maxDepth else { return nil }
        skipSpace()
        guard at < bytes.count else { return nil }
        switch bytes[at] {
        case UInt8(ascii: "{"): return object(depth: depth)
        case UInt8(ascii: "["): return array(depth: depth)
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "n"): return word("null", .null)
        case UInt8(ascii: "t"): return word("true", .int(1))
        case UInt8(ascii: "f"): return word("false", .int(0))
        default: return number()
        }
    }

    mutating func word(_ text: String, _ value: JSONValue) -> JSONValue? {
        let expected = Array(text.utf8)
        guard at + expected.count <= bytes.count, Array(bytes[at..<at + expected.count]) == expected else { return nil }
        at += expected.count
        return value
    }

    mutating func object(depth: Int) -> JSONValue? {
        at += 1
        var pairs: [(String, JSONValue)] = []
        skipSpace()
        if at < bytes.count, bytes[at] == UInt8(ascii: "}") {
            at += 1
            return .object(pairs)
        }
        while true {
            skipSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: "\""), let key = string() else { return nil }
            skipSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { return nil }
            at += 1
            guard let value = value(depth: depth + 1) else { return nil }
            pairs.append((key, value))
            skipSpace()
            guard at < bytes.count else { return nil }
            at += 1
            if bytes[at - 1] == UInt8(ascii: "}") { return .object(pairs) }
            guard bytes[at - 1] == UInt8(ascii: ",") else { return nil }
        }
    }

    mutating func array(depth: Int) -> JSONValue? {
        at += 1
        var values: [JSONValue] = []
        skipSpace()
        if at < bytes.count, bytes[at] == UInt8(ascii: "]") {
            at += 1
            return .array(values)
        }
        while true {
            guard let value = value(depth: depth + 1) else { return nil }
            values.append(value)
            skipSpace()
            guard at < bytes.count else { return nil }
            at += 1
            if bytes[at - 1] == UInt8(ascii: "]") { return .array(values) }
            guard bytes[at - 1] == UInt8(ascii: ",") else { return nil }
        }
    }

    mutating func string() -> String? {
        at += 1
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
            run.removeAll()
        }
        while at < bytes.count {
            let byte = bytes[at]
            at += 1
            if byte == UInt8(ascii: "\"") {
                flush()
                return String(scalars)
            }
            guard byte == UInt8(ascii: "\\") else {
                run.append(byte)
                continue
            }
            flush()
            guard at < bytes.count else { return nil }
            let escape = bytes[at]
            at += 1
            switch escape {
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "b"): scalars.append("\u{8}")
            case UInt8(ascii: "f"): scalars.append("\u{C}")
            case UInt8(ascii: "u"):
                guard at + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[at..<at + 4], as: UTF8.self), radix: 16) else { return nil }
                at += 4
                // A lone surrogate cannot be a scalar: it becomes U+FFFD, as a decoder would.
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(Unicode.Scalar(escape))
            default: return nil
            }
        }
        return nil
    }

    mutating func number() -> JSONValue? {
        let start = at
        while at < bytes.count, (bytes[at] >= 0x30 && bytes[at] <= 0x39) || [UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                                                                              UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[at]) {
            at += 1
        }
        let text = String(decoding: bytes[start..<at], as: UTF8.self)
        guard !text.isEmpty else { return nil }
        if let integer = Int(text) { return .int(integer) }
        if let decimal = Double(text), decimal.isFinite { return .double(decimal) }
        return nil
    }
}

extension JSONValue {
    public subscript(key: String) -> JSONValue? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var int: Int? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// A number of either kind.
    public var double: Double? {
        switch self {
        case .double(let value): value
        case .int(let value): Double(value)
        default: nil
        }
    }

    public var array: [JSONValue]? {
        if case .array(let values) = self { return values }
        return nil
    }
}
