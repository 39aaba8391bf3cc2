import Glibc

/// A file sockscope writes as the run goes: `--record`, `--pcap`, `--hex-dump`. As hostile as
/// a peer, and as careful as the bytes:
///
/// - A symbolic link is followed only where nobody else could have planted it (`OutputPath`).
/// - A file that can hold payload is created 0600 (the umask may take more away); an existing
///   file keeps its mode.
/// - A FIFO is opened without blocking: it waits for its reader in poll() beside the signalfd,
///   and so does every write to a reader that falls behind; a signal always ends the wait, and
///   is handed back (`.interrupted`) for the mode to end by it after its clean-up.
/// - Nothing is truncated before the run starts (`begin()`): a run that never happened leaves
///   an existing file as it was, and removes one it created (`abandon()`).
public final class OutputFile {
    public enum OpenFailure: Error, Equatable {
        /// One line, the option and the path first: `--pcap ro/x.pcap: Read-only file system`.
        case failed(String)
        /// This signal arrived while the open waited for a FIFO's reader.
        case interrupted(Int32)
    }

    public let path: String
    /// The option that named the file, for messages.
    public let option: String
    public let fd: Int32
    let signalFD: Int32
    /// Whether this run made the file (nothing was at the path before).
    let createdHere: Bool
    let identity: (device: UInt64, inode: UInt64)
    let regular: Bool
    /// Written after what the file holds, never emptied (a TLS key log, shared with browsers).
    let appends: Bool
    public private(set) var begun = false

    public init(_ path: String, option: String, holdsPayload: Bool, beginsNow: Bool = true, appends: Bool = false, signalFD: Int32,
                onWaiting: () -> Void = {}) throws(OpenFailure) {
        self.path = path
        self.option = option
        self.signalFD = signalFD
        self.appends = appends
        let mode: mode_t = holdsPayload ? 0o600 : 0o644
        let (fd, created) = try Self.open(path, option: option, mode: mode, appends: appends, signalFD: signalFD, onWaiting: onWaiting)
        var info = stat()
        fstat(fd, &info)
        self.fd = fd
        createdHere = created
        identity = (UInt64(info.st_dev), UInt64(info.st_ino))
        regular = info.st_mode & S_IFMT == S_IFREG
        if beginsNow { begin() }
    }

    deinit { close(fd) }

    /// The run has started: an existing regular file is emptied now, once.
    public func begin() {
        guard !begun else { return }
        begun = true
        if regular && !createdHere && !appends { _ = ftruncate(fd, 0) }
    }

    /// The run starts again (the lesson screen's r): a regular file is emptied and written from
    /// its start; a FIFO's reader simply reads on.
    public func restart() {
        begun = true
        guard regular else { return }
        _ = ftruncate(fd, 0)
        _ = lseek(fd, 0, SEEK_SET)
    }

    /// The run never started: a file this run created is removed (if it is still the one at
    /// the path), and one that was there is left untouched.
    public func abandon() {
        guard !begun, createdHere else { return }
        var info = stat()
        if lstat(path, &info) == 0, UInt64(info.st_dev) == identity.device, UInt64(info.st_ino) == identity.inode {
            unlink(path)
        }
    }

    /// Writes every byte, waiting for a slow reader but never past a signal (`.interrupted`).
    public func write(_ raw: UnsafeRawBufferPointer) -> WriteOutcome {
        begin()
        return Descriptor.writeAll(raw, to: fd, signalFD: signalFD)
    }

    public func write(_ bytes: [UInt8]) -> WriteOutcome { bytes.withUnsafeBytes { write($0) } }

    public func write(_ text: String) -> WriteOutcome {
        var text = text
        return text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// `--pcap PATH: REASON`.
    public func describe(_ code: Int32) -> String { "\(option) \(path): \(String(cString: strerror(code)))" }

    static func open(_ path: String, option: String, mode: mode_t, appends: Bool = false, signalFD: Int32,
                     onWaiting: () -> Void) throws(OpenFailure) -> (Int32, created: Bool) {
        func failure(_ code: Int32) -> OpenFailure { .failed("\(option) \(path): \(String(cString: strerror(code)))") }
        func planted(_ link: String) -> OpenFailure {
            .failed("\(option) \(path): \(link == path ? "is" : "leads through") a symbolic link that others could have put there; "
                    + "not followed (name the file itself)")
        }
        let target: String, exact: Bool
        do { (target, exact) = try OutputPath.check(path).target(for: path) } catch { throw planted(error.link) }
        let flags = O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (exact ? O_NOFOLLOW : 0) | (appends ? O_APPEND : 0)
        var created = false
        var fd = Glibc.open(target, flags | O_CREAT | O_EXCL, mode)
        if fd >= 0 {
            created = true
        } else if errno == EEXIST {
            fd = Glibc.open(target, flags)
        }
        var announced = false
        while fd < 0 && errno == ENXIO {  // a FIFO with no reader yet
            if !announced { onWaiting() }
            announced = true
            if case .signal(let signal) = SignalWait.wait(seconds: 0.1, signalFD: signalFD) { throw .interrupted(signal) }
            fd = Glibc.open(target, flags)
        }
        // O_NOFOLLOW met a link: one was put there after the check.
        if fd < 0 && errno == ELOOP && exact { throw planted(path) }
        guard fd >= 0 else { throw failure(errno) }
        return (fd, created)
    }
}
