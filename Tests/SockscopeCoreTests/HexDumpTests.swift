import Testing
@testable import SockscopeCore

struct HexDumpTests {
    @Test func rowsCarryDirectionOffsetHexAndText() {
        var dump = HexDump()
        let bytes: [UInt8] = Array("hello, world!\n".utf8) + [0x00, 0xFF, 0x1B]
        let text = bytes.withUnsafeBytes { dump.chunk($0, direction: .sent, time: "T", peer: "127.0.0.1:80") }
        #expect(text == """
            # T > 17 bytes sent to 127.0.0.1:80
            > 00000000  68 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 ff  |hello, world!...|
            > 00000010  1b                                                |.|

            """)
        // Offsets continue per direction.
        let again = [UInt8](repeating: 0x41, count: 2).withUnsafeBytes {
            dump.chunk($0, direction: .sent, time: "T", peer: "p")
        }
        #expect(again.contains("> 00000011  41 41"))
        let received = [UInt8](repeating: 0x42, count: 1).withUnsafeBytes {
            dump.chunk($0, direction: .received, time: "T", peer: "p")
        }
        #expect(received.contains("< 00000000  42"))
        #expect(received.hasPrefix("# T < 1 bytes received from p\n"))
    }
}
