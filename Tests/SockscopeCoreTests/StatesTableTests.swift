import Testing
import TestSupport
@testable import SockscopeCore

/// Convention 7: the layout at several widths, compared with snapshots kept in Fixtures.
struct StatesTableTests {
    static let rows: [[String]] = [
        ["tcp", "LISTEN", "0", "0", "127.0.0.1:8080", "0.0.0.0:0", "-", "nginx[1234]"],
        ["tcp", "TIME_WAIT", "0", "0", "127.0.0.1:51234", "127.0.0.1:8080", "timewait 59.3s", "-"],
        ["tcp6", "ESTABLISHED", "1000", "20", "[2001:db8::1234:5678]:443", "[2001:db8::abcd:ef01]:55000", "on 200ms", "curl[42]"],
        ["udp", "UNCONN", "0", "0", "0.0.0.0:5353", "0.0.0.0:0", "-", "avahi-daemon[77]"],
    ]

    @Test(arguments: [120, 80, 60])
    func layoutSnapshot(width: Int) {
        let text = StatesTable.layout(Self.rows, width: width).joined(separator: "\n") + "\n"
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= width })
        assertSnapshot(text, named: "states-table-\(width).txt")
    }

    @Test func pipesGetWholeLines() {
        let lines = StatesTable.layout(Self.rows, width: nil)
        #expect(lines[3].hasSuffix("[2001:db8::abcd:ef01]:55000  on 200ms        curl[42]"))
    }

    @Test func jsonEscapesControlCharacters() {
        #expect(JSONValue.string("a\"b\\c\n\u{1b}").text == "\"a\\\"b\\\\c\\n\\u001b\"")
        #expect(JSONValue.object([("x", .null), ("y", .int(-1))]).text == "{\"x\":null,\"y\":-1}")
    }
}
