import SockscopeTransport

/// -v lines gathered during one round of the engine and written with one write(2). Under -k a
/// busy server has two lines per client; a write each cost a fifth of its time
/// (bench/accept.sh). The order of the lines is kept; they leave before the engine waits.
final class PendingLines {
    let fd: Int32
    private var text = ""
    /// Runs before lines are written (--progress clears its line in place first).
    var beforeWriting: (() -> Void)?

    init(fd: Int32) { self.fd = fd }

    func add(_ line: String) {
        text += line
        text += "\n"
        if text.utf8.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !text.isEmpty else { return }
        beforeWriting?()
        Descriptor.writeAll(fd, text)
        text.removeAll(keepingCapacity: true)
    }
}
