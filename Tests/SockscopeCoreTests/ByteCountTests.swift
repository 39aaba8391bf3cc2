import Testing
import SockscopeCore

/// Byte counts to a tenth, with the unit changing where the rounded number would reach 1000 (or 1024).
struct ByteCountTests {
    @Test func decimalAndBinary() {
        let decimal: [(UInt64, String)] = [(0, "0 B"), (999, "999 B"), (1000, "1.0 KB"), (999_949, "999.9 KB"),
                                           (999_950, "1.0 MB"), (53_000_000, "53.0 MB"), (UInt64.max, "18446744.1 TB")]
        for (bytes, text) in decimal { #expect(ByteCount.text(bytes) == text, "\(bytes)") }
        let binary: [(UInt64, String)] = [(1023, "1023 B"), (1024, "1.0 KiB"), (1536, "1.5 KiB"), (4 << 20, "4.0 MiB")]
        for (bytes, text) in binary { #expect(ByteCount.text(bytes, binary: true) == text, "\(bytes)") }
        #expect(ByteCount.text(-5) == "0 B")
    }
}
