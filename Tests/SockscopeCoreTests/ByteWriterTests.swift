import Testing
import TestSupport
@testable import SockscopeCore

struct ByteWriterTests {
    /// The fast writer produces exactly the object the reference encoder does.
    @Test func fastJSONMatchesTheReference() {
        for proto in SocketProtocol.allCases {
            let (entries, _) = ProcNetParser.parse(fixture("proc-net-\(proto.rawValue).txt"), proto: proto)
            for (index, entry) in entries.enumerated() {
                let owner = index % 2 == 0 ? StatesTable.Owner(pid: 42, command: "py\"thon\u{1}") : nil
                var out = ByteWriter()
                entry.writeJSON(owner: owner, to: &out)
                #expect(String(decoding: out.bytes, as: UTF8.self) == entry.json(owner: owner).text)
            }
        }
    }

    @Test func numbersAndBytes() {
        var out = ByteWriter()
        out.append(-120)
        out.append(byte: 0x20)
        out.append(UInt64(0))
        out.append(" ")
        out.append(UInt64.max)
        #expect(String(decoding: out.bytes, as: UTF8.self) == "-120 0 18446744073709551615")
    }
}
