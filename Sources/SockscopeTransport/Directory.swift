import Glibc

/// Reading a directory's entries (readdir), for /proc and tracefs.
public enum Directory {
    /// Calls `body` with an open handle on the directory and each entry's name as C text (no
    /// string made: the owner scan runs this for every open descriptor on the machine). "." and
    /// ".." are skipped. False when the directory cannot be opened.
    @discardableResult
    public static func forEach(_ path: String, _ body: (_ directory: Int32, _ name: UnsafePointer<CChar>) -> Void) -> Bool {
        guard let stream = opendir(path) else { return false }
        defer { closedir(stream) }
        let directory = dirfd(stream)
        while let entry = readdir(stream) {
            withUnsafeBytes(of: entry.pointee.d_name) { raw in
                guard let name = raw.baseAddress?.assumingMemoryBound(to: CChar.self), name.pointee != 0x2E else { return }
                body(directory, name)
            }
        }
        return true
    }

    /// The entries' names.
    public static func names(_ path: String) -> [String] {
        var names: [String] = []
        forEach(path) { _, name in names.append(String(cString: name)) }
        return names
    }
}
