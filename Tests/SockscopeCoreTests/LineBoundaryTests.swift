import Testing
@testable import SockscopeCore

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
