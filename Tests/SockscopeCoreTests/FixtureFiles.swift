import Testing
import TestSupport
@testable import SockscopeCore

/// The files under Fixtures/, read by the suites beside them.
func fixture(_ name: String) -> String { String(decoding: fixtureBytes(name), as: UTF8.self) }

func fixtureBytes(_ name: String) -> [UInt8] {
    let directory = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    return readFile(directory + "/Fixtures/" + name)
}
