import Glibc
import SockscopeCore

/// Socket inode → owning process, from the `socket:[INODE]` links in /proc/PID/fd. Without root
/// only one's own processes can be read; the others stay unknown (null), as in ss -p.
public enum ProcessTable {
    public static func owners(root: String = "/proc", wanted: Set<UInt64>) -> [UInt64: StatesTable.Owner] {
        var owners: [UInt64: StatesTable.Owner] = [:]
        guard !wanted.isEmpty else { return owners }
        var link = [CChar](repeating: 0, count: 64)
        for name in Directory.names(root) {
            guard let pid = Int32(name) else { continue }
            var command: String?
            // readlinkat on the directory handle: no path string per descriptor.
            Directory.forEach("\(root)/\(name)/fd") { directory, fd in
                let n = readlinkat(directory, fd, &link, link.count - 1)
                guard let inode = Self.socketInode(link, count: n), wanted.contains(inode), owners[inode] == nil else { return }
                if command == nil { command = Self.command(root: root, pid: name) }
                owners[inode] = StatesTable.Owner(pid: pid, command: command ?? "?")
            }
        }
        return owners
    }

    /// The inode of a `socket:[12345]` link target, read from the bytes without building a string
    /// (this runs once per open descriptor on the machine).
    static func socketInode(_ link: [CChar], count: Int) -> UInt64? {
        let prefix: [CChar] = [0x73, 0x6F, 0x63, 0x6B, 0x65, 0x74, 0x3A, 0x5B]  // "socket:["
        guard count > 9, link[count - 1] == 0x5D, link[0..<8].elementsEqual(prefix) else { return nil }
        var inode: UInt64 = 0
        for index in 8..<(count - 1) {
            let digit = UInt8(bitPattern: link[index]) &- 0x30
            guard digit <= 9 else { return nil }
            inode = inode &* 10 &+ UInt64(digit)
        }
        return inode
    }

    static func command(root: String, pid: String) -> String? {
        guard var text = ProcFile.read("\(root)/\(pid)/comm") else { return nil }
        while text.last == "\n" { text.removeLast() }
        return text
    }
}
