import SockscopeCore
import SockscopeTransport

/// Owners of the sockets seen in the tables, looked up at most once a second (walking every
/// /proc/PID/fd is the costly part) and only for inodes not looked up before; and the
/// connection → inode map that attributes traced events, built only when an event needs it.
struct Attribution {
    let root: String
    var owners: [UInt64: StatesTable.Owner] = [:]
    /// Inodes already looked up, found or not (sockets of processes we cannot read stay unknown).
    var lookedUp: Set<UInt64> = []
    var latest: [SocketEntry] = []
    var inodes: [ConnectionKey: UInt64]?
    var lastScan = -Double.infinity

    init(root: String) { self.root = root }

    mutating func update(_ entries: [SocketEntry], now: Double) {
        latest = entries
        inodes = nil
        guard now - lastScan >= 1 else { return }
        lastScan = now
        if lookedUp.count > 1_000_000 { lookedUp.removeAll() }
        var unknown: Set<UInt64> = []
        for entry in entries where entry.inode != 0 && !lookedUp.contains(entry.inode) { unknown.insert(entry.inode) }
        guard !unknown.isEmpty else { return }
        owners.merge(ProcessTable.owners(root: root, wanted: unknown)) { old, _ in old }
        lookedUp.formUnion(unknown)
    }

    mutating func owner(of entry: SocketEntry) -> StatesTable.Owner? {
        if entry.inode != 0 { return owners[entry.inode] }
        if inodes == nil {
            var map: [ConnectionKey: UInt64] = [:]
            for e in latest where e.inode != 0 { map[ConnectionKey(proto: e.proto, local: e.local, remote: e.remote)] = e.inode }
            inodes = map
        }
        return inodes?[ConnectionKey(proto: entry.proto, local: entry.local, remote: entry.remote)].flatMap { owners[$0] }
    }
}
