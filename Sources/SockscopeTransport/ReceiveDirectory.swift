import CLinux
import Glibc
import SockscopeCore

/// Where `serve receive` writes (issue 24): a directory opened once, every name taken relative
/// to it (openat, renameat), so that a name is only ever an entry of it. A file arrives as
/// `NAME.part`, created anew (O_EXCL, O_NOFOLLOW: a planted link is never followed), and takes
/// its name only once it is whole; without --overwrite it never replaces a file, even one that
/// appeared while it arrived (RENAME_NOREPLACE).
public final class ReceiveDirectory {
    public let path: String
    let fd: Int32

    public init(_ path: String) throws(SystemError) {
        self.path = path
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("receive into \(path)") }
    }

    deinit { close(fd) }

    /// What is at `name`, not following a link: nil when nothing.
    public func kind(of name: String) -> mode_t? {
        var info = stat()
        guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }

    /// Bytes free for an unprivileged writer; nil when the file system does not say.
    public func freeBytes() -> Int? {
        var info = statvfs()
        guard fstatvfs(fd, &info) == 0 else { return nil }
        let (bytes, overflow) = Int(clamping: info.f_bavail).multipliedReportingOverflow(by: Int(clamping: info.f_frsize))
        return overflow ? Int.max : bytes
    }

    /// `NAME.part`, created anew; `replacing`: a stale one (or a link put there) is removed
    /// first — the entry itself, never what a link points to.
    public func create(_ name: String, replacing: Bool) throws(SystemError) -> IncomingFile {
        let part = FileTransfer.partName(name)
        if replacing, let kind = kind(of: part), kind == S_IFREG || kind == S_IFLNK { unlinkat(fd, part, 0) }
        let file = openat(fd, part, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard file >= 0 else { throw SystemError("create \(part)") }
        return IncomingFile(directory: self, fd: file, name: name)
    }

    func rename(_ from: String, to: String, replacing: Bool) -> Int32? {
        let done = replacing ? renameat(fd, from, fd, to) : clinux_rename_noreplace(fd, from, to)
        return done == 0 ? nil : errno
    }

    func remove(_ name: String) { unlinkat(fd, name, 0) }
}

/// A file on its way in: written as it arrives, then named or discarded.
public final class IncomingFile {
    let directory: ReceiveDirectory
    var fd: Int32
    public let name: String
    public private(set) var written = 0

    init(directory: ReceiveDirectory, fd: Int32, name: String) {
        self.directory = directory
        self.fd = fd
        self.name = name
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Writes all of `bytes`; the errno when it could not (ENOSPC, EIO).
    public func write(_ bytes: UnsafeRawBufferPointer) -> Int32? {
        guard fd >= 0, var base = bytes.baseAddress else { return bytes.isEmpty ? nil : EBADF }
        var left = bytes.count
        while left > 0 {
            let n = Glibc.write(fd, base, left)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            left -= n
            written += n
            base += n
        }
        return nil
    }

    /// Closed and renamed to its name; the errno when that failed (EEXIST: a file appeared).
    public func commit(replacing: Bool) -> Int32? {
        guard fd >= 0 else { return EBADF }
        let closed = close(fd)
        let closeError = errno
        fd = -1
        if closed != 0 { return closeError }
        return directory.rename(FileTransfer.partName(name), to: name, replacing: replacing)
    }

    /// Closed; `keep`: left as `NAME.part`, otherwise removed.
    public func discard(keep: Bool) {
        if fd >= 0 { close(fd) }
        fd = -1
        if !keep { directory.remove(FileTransfer.partName(name)) }
    }
}
