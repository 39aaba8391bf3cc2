import Testing
@testable import SockscopeCore

struct PortListTests {
    let services: (String) -> UInt16? = { ["http": 80, "ssh": 22, "http-alt": 8080][$0] }

    @Test func numbersRangesListsAndNames() throws {
        #expect(try PortList.parse("80", role: .dial, service: services) == [80])
        #expect(try PortList.parse("20-23", role: .dial, service: services) == [20, 21, 22, 23])
        #expect(try PortList.parse("23-21", role: .dial, service: services) == [21, 22, 23])
        #expect(try PortList.parse("22,80,8000-8001", role: .dial, service: services) == [22, 80, 8000, 8001])
        #expect(try PortList.parse("http", role: .dial, service: services) == [80])
        #expect(try PortList.parse("ssh-http", role: .dial, service: services) == Array(22...80))
        #expect(try PortList.parse("http-alt", role: .dial, service: services) == [8080])
        #expect(try PortList.parse("8079-http-alt", role: .dial, service: services) == [8079, 8080])
        #expect(try PortList.parse("0", role: .listen, service: services) == [0])
        #expect(try PortList.parse("65535", role: .dial, service: services) == [65535])
    }

    @Test(arguments: [
        ("99999", "port number too large: 99999"),
        ("65536", "port number too large: 65536"),
        ("123456789012345678901234567890", "port number too large: 123456789012345678901234567890"),
        ("abc", "port number invalid: abc"),
        ("", "port number invalid: "),
        ("-5", "port number invalid: -5"),
        ("0", "port number too small: 0"),
        ("80,", "port number invalid: "),
        ("1-x", "port number invalid: x"),
        ("1-99999", "port number too large: 99999"),
        ("0-2", "port number too small: 0"),
        ("http-nope", "port number invalid: http-nope"),
    ])
    func rejectsWithNcWording(text: String, message: String) {
        #expect(throws: UsageError(message)) { try PortList.parse(text, role: .dial, service: services) }
    }
}
