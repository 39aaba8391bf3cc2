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

struct GetoptClustersTests {
    let values: Set<Character> = ["i", "p", "q", "s", "w"]

    @Test func splitsClustersAndGluedValues() {
        #expect(GetoptClusters.split(["-lvnp1234"], valueFlags: values) == ["-l", "-v", "-n", "-p", "1234"])
        #expect(GetoptClusters.split(["-lvnp", "1234"], valueFlags: values) == ["-l", "-v", "-n", "-p", "1234"])
        #expect(GetoptClusters.split(["-w5", "host", "80"], valueFlags: values) == ["-w", "5", "host", "80"])
        #expect(GetoptClusters.split(["-q", "-1", "h", "1"], valueFlags: values) == ["-q", "-1", "h", "1"])
        #expect(GetoptClusters.split(["-q-1"], valueFlags: values) == ["-q", "-1"])
    }

    @Test func leavesLongOptionsValuesAndPositionalsAlone() {
        #expect(GetoptClusters.split(["--hex-dump", "-odd-name", "-v"], valueFlags: values, valueOptions: ["--hex-dump"])
                == ["--hex-dump", "-odd-name", "-v"])
        #expect(GetoptClusters.split(["-s", "-lv"], valueFlags: values) == ["-s", "-lv"])
        #expect(GetoptClusters.split(["--", "-lv"], valueFlags: values) == ["--", "-lv"])
        #expect(GetoptClusters.split(["host", "80"], valueFlags: values) == ["host", "80"])
        #expect(GetoptClusters.split(["-"], valueFlags: values) == ["-"])
    }

    /// `-1` is a negative number (a bad port), `-46` two flags.
    @Test func negativeNumbersStayWhole() {
        #expect(GetoptClusters.split(["h", "-1"], valueFlags: values) == ["h", "-1"])
        #expect(GetoptClusters.split(["-46", "-80"], valueFlags: values) == ["-4", "-6", "-80"])
    }
}

struct ArgumentCheckTests {
    func problem(_ words: [String]) -> String? {
        ArgumentCheck.problem(in: words, valueFlags: ["i", "p", "q", "s", "w"], valueOptions: ["--hex-dump", "--max-conns"],
                              longOptions: ["--hex-dump", "--max-conns", "--tui", "--no-tui", "--help"])?.message
    }

    @Test func unknownLongOptionsWhereverTheyAre() {
        #expect(problem(["h", "80", "--max-con", "5"]) == "Unknown option '--max-con'. Did you mean '--max-conns'?")
        #expect(problem(["--tuu", "h", "80"]) == "Unknown option '--tuu'. Did you mean '--tui'?")
        #expect(problem(["--max-con=5", "-l", "80"]) == "Unknown option '--max-con'. Did you mean '--max-conns'?")
        #expect(problem(["--zzzzzzzzzz", "h", "80"]) == "Unknown option '--zzzzzzzzzz'")
        #expect(problem(["--max-conns", "5", "--tui", "-l", "80"]) == nil)
        #expect(problem(["--", "--anything"]) == nil)
    }

    @Test func negativePortsButNotOptionValues() {
        #expect(problem(["h", "-1"]) == "port number invalid: -1")
        #expect(problem(["-q", "-1", "h", "1"]) == nil)
        #expect(problem(["--hex-dump", "-1", "h", "1"]) == nil)
        #expect(problem(["-4", "-6"]) == nil)  // flags; the planner refuses the pair
    }
}
