import Glibc
import SockscopeCore

/// Socket inode → owning process, from the `socket:[INODE]` links in /proc/PID/fd. Without root
/// only one's own processes can be read; the others stay unknown (null), as in ss -p.
public enum ProcessTable {
    public static func owners(root: String = "/proc", wanted: Set<UInt64>) -> [UInt64: StatesTable.Owner] {
        var owners: [UInt64: StatesTable.Owner] = [:]
        guard !wanted.isEmpty, let proc = opendir(root) else { return owners }
        defer { closedir(proc) }
        var link = [CChar](repeating: 0, count: 64)
        while let entry = readdir(proc) {
            let name = Self.name(of: entry)
            guard let pid = Int32(name) else { continue }
            let fdPath = "\(root)/\(name)/fd"
            guard let fds = opendir(fdPath) else { continue }
            var command: String?
            while let fdEntry = readdir(fds) {
                let fdName = Self.name(of: fdEntry)
                let n = readlink("\(fdPath)/\(fdName)", &link, link.count - 1)
                guard n > 8 else { continue }
                let target = String(decoding: link[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                guard target.hasPrefix("socket:["), let inode = UInt64(target.dropFirst(8).dropLast()),
                      wanted.contains(inode), owners[inode] == nil else { continue }
                if command == nil { command = Self.command(root: root, pid: name) }
                owners[inode] = StatesTable.Owner(pid: pid, command: command ?? "?")
            }
            closedir(fds)
        }
        return owners
    }

    static func name(of entry: UnsafeMutablePointer<dirent>) -> String {
        withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
    }

    static func command(root: String, pid: String) -> String? {
        guard var text = ProcFile.read("\(root)/\(pid)/comm") else { return nil }
        while text.last == "\n" { text.removeLast() }
        return text
    }
}
