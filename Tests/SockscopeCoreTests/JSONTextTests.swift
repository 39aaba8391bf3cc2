import Testing
@testable import SockscopeCore

/// JSON text is written byte by byte for speed; it must say exactly what the scalar rules say.
struct JSONTextTests {
    /// The rule as it reads: escapes by scalar (the byte writer must agree with it everywhere).
    static func byScalar(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where EscapedText.needsEscape(scalar): out += "\\u" + scalar.value.zeroPadded(4, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    @Test func everyScalarThatMattersIsEscapedAsTheRuleSays() {
        // Every C0 and C1 control, DEL, the bidirectional controls and their neighbours (which
        // stay as they are), arrows and other text of explanations, and 4-byte scalars.
        var scalars = (0..<0x100).compactMap(Unicode.Scalar.init)
        scalars += [0x061B, 0x061C, 0x061D, 0x200D, 0x200E, 0x200F, 0x2010, 0x2029, 0x202A, 0x202E, 0x202F, 0x2065, 0x2066,
                    0x2069, 0x206A, 0x2192, 0x2014, 0x1F600].compactMap(Unicode.Scalar.init)
        for scalar in scalars {
            let text = "a" + String(Character(scalar)) + "b"
            #expect(JSONValue.quote(text) == Self.byScalar(text), "U+\(scalar.value.zeroPadded(4, radix: 16))")
        }
        let mixed = scalars.map { String(Character($0)) }.joined()
        #expect(JSONValue.quote(mixed) == Self.byScalar(mixed))
        #expect(JSONValue.quote("") == "\"\"")
        // Text that ends on a scalar whose lead byte makes the writer look ahead (0xC2, 0xD8,
        // 0xE2): the bytes after it are never read past the end.
        for last in ["\u{A0}", "\u{85}", "\u{61C}", "\u{600}", "\u{2192}", "\u{202E}"] {
            #expect(JSONValue.quote("x" + last) == Self.byScalar("x" + last))
        }
    }

    @Test func objectsAndArraysAreWrittenInOrder() {
        let value = JSONValue.object([("kind", .string("transition")), ("n", .int(-3)), ("x", .double(.infinity)),
                                      ("list", .array([.null, .double(0.5), .string("→\u{202E}")])), ("empty", .array([]))])
        #expect(value.text == "{\"kind\":\"transition\",\"n\":-3,\"x\":null,\"list\":[null,0.5,\"→\\u202e\"],\"empty\":[]}")
    }

    @Test func rolesNameTheSubjectInOnePass() {
        let text = "This socket sent a FIN; this side waits. The peer's ACK came: the peer is done."
        #expect(SocketRole.name(in: text, .ourDialer)
                == "Our dialer sent a FIN; our dialer waits. The peer's ACK came: the peer is done.")
        // The noun put in ("the peer's socket") is not replaced again.
        #expect(SocketRole.name(in: text, .peersSocket)
                == "The peer's socket sent a FIN; the peer's socket waits. Our socket's ACK came: our socket is done.")
        #expect(SocketRole.name(in: text, nil)
                == "This socket sent a FIN; this socket waits. The peer's ACK came: the peer is done.")
        #expect(SocketRole.name(in: "this", .ours) == "this")
    }
}
