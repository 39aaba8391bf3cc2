import Glibc
import Testing
import SockscopeCore
import TestSupport
@testable import SockscopeTransport

struct ProcFileTests {
    /// /proc files report size 0 and return one page per read: the whole file must come back.
    @Test func readsPastTheFirstPage() async throws {
        try await offPool { () throws in
            let text = ProcFile.read("/proc/self/maps") ?? ""
            #expect(text.utf8.count > 0)
            #expect(text.hasSuffix("\n"))
            #expect(ProcFile.read("/proc/nonexistent") == nil)
        }
    }
}
