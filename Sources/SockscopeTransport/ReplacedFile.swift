import Glibc

/// A file written whole when the run ends (`--ladder FILE.svg`). Its place is checked when the
/// run starts — a read-only directory or a planted link is said then, before the screen opens —
/// by creating a temporary file beside it; at the end the content goes there, is synced, and is
/// renamed over the name, so that a complete file is never replaced by a truncated one (a full
/// disk leaves the old file as it was). A FIFO or a device (`/dev/stdout`) is written directly
/// at the end, waiting for its reader as `OutputFile` does.
public final class ReplacedFile {
    public enum Outcome: Equatable {
        case written
        /// One line: `--ladder x.svg: write failed: No space left on device`.
        case failed(String)
        case interrupted(Int32)
    }

    enum Place {
        /// The temporary file (open) and the name it takes at the end.
        case beside(fd: Int32, temporary: String, final: String)
        case direct
        /// Committed or discarded.
        case done
    }

    public let path: String
    public let option: String
    var place: Place

    public init(_ path: String, option: String) throws(OutputFile.OpenFailure) {
        self.path = path
        self.option = option
        let final: String, exact: Bool
        do { (final, exact) = try OutputPath.check(path).target(for: path) } catch {
            throw .failed("\(option) \(path): a symbolic link that others could have put there; not followed (name the file itself)")
        }
        // A link into /proc (`/dev/stdout`) names a descriptor: it is written directly.
        guard exact else {
            place = .direct
            return
        }
        var info = stat()
        if stat(final, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFDIR: throw .failed("\(option) \(path): \(String(cString: strerror(EISDIR)))")
            default:
                place = .direct
                return
            }
        }
        let directory = OutputPath.directory(of: final)
        let base = final.split(separator: "/").last.map(String.init) ?? final
        for _ in 0..<100 {
            let temporary = "\(directory)/.\(base).sockscope-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if fd >= 0 {
                place = .beside(fd: fd, temporary: temporary, final: final)
                return
            }
            guard errno == EEXIST else { throw .failed("\(option) \(path): \(String(cString: strerror(errno)))") }
        }
        throw .failed("\(option) \(path): no temporary name is free beside it")
    }

    deinit { discard() }

    /// Writes `bytes` and puts them in place; the temporary file is gone either way.
    public func commit(_ bytes: [UInt8], signalFD: Int32, onWaiting: () -> Void) -> Outcome {
        switch place {
        case .direct:
            do {
                let file = try OutputFile(path, option: option, holdsPayload: false, signalFD: signalFD, onWaiting: onWaiting)
                switch file.write(bytes) {
                case .written, .timedOut: return .written
                case .failed(let code): return .failed("\(option) \(path): write failed: \(String(cString: strerror(code)))")
                case .interrupted(let signal): return .interrupted(signal)
                }
            } catch {
                switch error {
                case .failed(let line): return .failed(line)
                case .interrupted(let signal): return .interrupted(signal)
                }
            }
        case .beside(let fd, let temporary, let final):
            place = .done
            defer { close(fd) }
            let failure: String? = if !Descriptor.writeAll(fd, bytes) || fsync(fd) != 0 {
                "\(option) \(path): write failed: \(String(cString: strerror(errno)))"
            } else if rename(temporary, final) != 0 {
                "\(option) \(path): \(String(cString: strerror(errno)))"
            } else {
                nil
            }
            guard let failure else { return .written }
            unlink(temporary)
            return .failed(failure)
        case .done:
            return .written
        }
    }

    /// Nothing to write after all: the temporary file goes.
    public func discard() {
        guard case .beside(let fd, let temporary, _) = place else { return }
        close(fd)
        unlink(temporary)
        place = .done
    }
}
