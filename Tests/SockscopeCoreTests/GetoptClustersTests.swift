import Testing
@testable import SockscopeCore

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
