import Testing
@testable import SockscopeCore

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
