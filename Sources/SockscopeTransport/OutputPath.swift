import Glibc

/// Where a file sockscope writes may go. Run as root into a shared directory (`/tmp`), a name
/// can be a symbolic link that someone else planted there, pointing at a file of root's: opened
/// as usual, it would be overwritten. So a link as the last component is followed only when
/// nobody but the user could have put it there — the rule of the kernel's `protected_symlinks`,
/// applied whatever that sysctl says, and stricter for a world-writable directory without the
/// sticky bit (where anyone can swap any name):
///
/// - the directory that holds the link cannot be written by others, or
/// - the directory is sticky (as /tmp) and the link belongs to the user or to the directory's
///   owner, so that nobody else can replace it.
///
/// Every link of a chain is checked (`/dev/stdout` → `/proc/self/fd/1` passes: neither
/// directory is writable by others). A name that is not a link is opened with O_NOFOLLOW, so
/// one planted after the check fails the open rather than being followed.
public enum OutputPath {
    public enum Verdict: Equatable {
        /// Not a link (or nothing there yet): open it with O_NOFOLLOW.
        case plain
        /// A chain of trusted links: follow it; `final` is the last path it names that is not a
        /// link (nil when it ends in something else, as `/proc/self/fd/1` → `pipe:[…]`).
        case trustedLink(final: String?)
        /// A link someone else could have planted (`link` in the chain).
        case untrusted(link: String)
    }

    public static func check(_ path: String) -> Verdict {
        var current = path
        var followed = false
        for _ in 0..<16 {
            var link = stat()
            guard lstat(current, &link) == 0 else {
                guard followed else { return .plain }
                // What the link names exists though its text is no path (`pipe:[…]` under
                // /proc): open the name given. Else the chain dangles: create where it ends.
                var target = stat()
                return .trustedLink(final: stat(path, &target) == 0 ? nil : current)
            }
            guard link.st_mode & S_IFMT == S_IFLNK else { return followed ? .trustedLink(final: current) : .plain }
            guard trusted(link, in: directory(of: current)) else { return .untrusted(link: current) }
            guard let target = readLink(current) else { return .trustedLink(final: nil) }
            followed = true
            current = target.hasPrefix("/") ? target : directory(of: current) + "/" + target
        }
        return .trustedLink(final: nil)  // ELOOP is the open's to say
    }

    static func trusted(_ link: stat, in directory: String) -> Bool {
        var holder = stat()
        guard stat(directory, &holder) == 0 else { return false }
        guard holder.st_mode & S_IWOTH != 0 else { return true }
        return holder.st_mode & S_ISVTX != 0 && (link.st_uid == geteuid() || link.st_uid == holder.st_uid)
    }

    /// The directory part of a path (`.` for a bare name).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension OutputPath.Verdict {
    /// A link someone else could have planted, met on the way to the file.
    public struct PlantedLink: Error {
        public let link: String
    }

    /// What to open for `path`: the path itself or the end of its trusted chain, its last
    /// component guarded by O_NOFOLLOW (`exact`); or, for a chain into /proc that names a
    /// descriptor (`/dev/stdout`), the name given, followed.
    public func target(for path: String) throws(PlantedLink) -> (path: String, exact: Bool) {
        switch self {
        case .untrusted(let link): throw PlantedLink(link: link)
        case .plain: (path, true)
        case .trustedLink(let final?): (final, true)
        case .trustedLink(nil): (path, false)
        }
    }
}
