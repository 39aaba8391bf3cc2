import Testing
@testable import SockscopeCore

struct CRLFEncoderTests {
    func encode(_ chunks: [[UInt8]]) -> [UInt8] {
        var encoder = CRLFEncoder()
        var out: [UInt8] = []
        for chunk in chunks {
            var buffer = [UInt8](repeating: 0, count: 2 * chunk.count)
            let n = chunk.withUnsafeBytes { input in
                buffer.withUnsafeMutableBytes { encoder.encode(input, into: $0) }
            }
            out += buffer[0..<n]
        }
        return out
    }

    @Test func bareLFBecomesCRLFExistingCRLFStays() {
        #expect(encode([Array("GET / HTTP/1.0\n\n".utf8)]) == Array("GET / HTTP/1.0\r\n\r\n".utf8))
        #expect(encode([Array("a\r\nb\n".utf8)]) == Array("a\r\nb\r\n".utf8))
        #expect(encode([[0x00, 0x0A, 0xFF]]) == [0x00, 0x0D, 0x0A, 0xFF])
    }

    /// Convention 10: the same input split at every offset gives the same output.
    @Test func splitAtEveryOffset() {
        let input = Array("one\r\ntwo\nthree\r\n\n\r\rfour\n".utf8)
        let whole = encode([input])
        for cut in 0...input.count {
            #expect(encode([Array(input[..<cut]), Array(input[cut...])]) == whole, "cut at \(cut)")
        }
    }
}

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

struct LineBoundaryTests {
    @Test func findsLineEnds() {
        let bytes = Array("ab\ncd".utf8)
        bytes.withUnsafeBytes { raw in
            #expect(LineBoundary.next(in: raw, from: 0, to: 5, atEnd: false) == 3)
            #expect(LineBoundary.next(in: raw, from: 3, to: 5, atEnd: false) == nil)
            #expect(LineBoundary.next(in: raw, from: 3, to: 5, atEnd: true) == 5)
            #expect(LineBoundary.next(in: raw, from: 5, to: 5, atEnd: true) == nil)
        }
    }
}

/// One way to write durations and timers, wherever they appear.
struct DurationTextTests {
    @Test func shortAndTimers() {
        #expect(DurationText.short(0.000045) == "45µs")
        #expect(DurationText.short(0.0051) == "5.1ms")
        #expect(DurationText.short(0.2) == "200ms")
        #expect(DurationText.short(59.35) == "59.3s")
        #expect(DurationText.short(31.2 - 6.9) == "24.3s")
        #expect(DurationText.short(7199.9) == "7199s")
        #expect(DurationText.short(-1) == "0µs" && DurationText.short(.nan) == "?")
        #expect(DurationText.timer(.timeWait, seconds: 59.3) == "timewait 59.3s")
        #expect(DurationText.timer(.retransmit, seconds: 0.2) == "on 200ms")
        #expect(DurationText.milliseconds(0.000012) == "0.012" && DurationText.milliseconds(1.534) == "1534.000")
    }
}
