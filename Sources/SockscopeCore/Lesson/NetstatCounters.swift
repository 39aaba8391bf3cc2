/// The counters of /proc/net/netstat and /proc/net/snmp: each is pairs of lines, names then
/// values, under one prefix (`TcpExt: SyncookiesSent …` / `TcpExt: 0 …`). Keyed
/// `TcpExt.SyncookiesSent`. A line pair that does not line up is skipped.
public enum NetstatCounters {
    public static func parse(_ text: String) -> [String: Int] {
        var counters: [String: Int] = [:]
        let lines = text.split(separator: "\n")
        var index = 0
        while index + 1 < lines.count {
            let names = lines[index].split(separator: " ")
            let values = lines[index + 1].split(separator: " ")
            guard let prefix = names.first, prefix.hasSuffix(":"), values.first == prefix, names.count == values.count else {
                index += 1
                continue
            }
            let group = prefix.dropLast()
            for (name, value) in zip(names.dropFirst(), values.dropFirst()) {
                if let number = Int(value) { counters["\(group).\(name)"] = number }
            }
            index += 2
        }
        return counters
    }
}
