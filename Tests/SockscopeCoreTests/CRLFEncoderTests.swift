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
