import Glibc
import SockscopeCore
import SockscopeTransport

/// `sockscope serve receive [DIR]` (issue 24): the receiving end of `FileTransfer`, a client at
/// a time each on its own, through the engine. Each client asks for one name; the answer is
/// `OK` or `NO <why>`; the content goes to `NAME.part` as it arrives, hashed on the way, and
/// takes its name once whole; the digest goes back. A client that stops short leaves no file
/// under the name: its part is removed, or kept with --keep-partial, and the line says which.
final class ReceiveFace: ServingFace {
    struct Rules {
        let directory: ReceiveDirectory
        /// Replace a file of the name (never a directory), and a stale `NAME.part`.
        let overwrite: Bool
        /// A partial file stays as `NAME.part` rather than being removed.
        let keepPartial: Bool
    }

    enum Stage {
        /// The request line, as it arrives.
        case asking([UInt8])
        case receiving(file: IncomingFile, digest: SHA256Digest, size: Int)
        /// Answered (the digest, or why not); what follows is read and dropped.
        case answered
    }

    struct Client {
        let number: Int
        let host: String
        let port: UInt16
        let started: Double
        var stage: Stage = .asking([])
        var bytesIn = 0
        var name: String?
        var receivedSince: Double?
        /// Bytes the sender sent past its content (dropped, told).
        var extra = 0
        /// How it ended, in a word or two for the screen's list: `received`, `refused: exists`.
        var outcome: String?
    }

    /// The engine's reads: written and hashed while still in the CPU's cache (measured here:
    /// a 256 KiB piece stays in L2).
    static let readSize = 256 << 10

    let rules: Rules
    let clock: () -> Double
    let say: RelayServer.Say
    var clients: [Int: Client] = [:]
    /// Names arriving now: a second client asking for one is told `busy`.
    var arriving: Set<String> = []
    var count = 0

    init(rules: Rules, clock: @escaping () -> Double, say: @escaping RelayServer.Say) {
        self.rules = rules
        self.clock = clock
        self.say = say
    }

    func engine(_ engine: Engine, received bytes: UnsafeRawBufferPointer, on id: Int) {
        guard var client = clients[id] else { return }
        client.bytesIn += bytes.count
        var rest = bytes
        if case .asking(var line) = client.stage {
            let newline = rest.firstIndex(of: 0x0A)
            line += rest[..<(newline ?? rest.endIndex)].prefix(FileTransfer.longestLine + 1 - line.count)
            guard let newline else {
                client.stage = line.count > FileTransfer.longestLine ? .answered : .asking(line)
                clients[id] = client
                if line.count > FileTransfer.longestLine { refuse(id, .badRequest, detail: "a request line over \(FileTransfer.longestLine) bytes", engine: engine) }
                return
            }
            clients[id] = client
            guard ask(id, line: line, engine: engine) else { return }
            client = clients[id] ?? client
            rest = UnsafeRawBufferPointer(rebasing: rest[(newline + 1)...])
        }
        switch client.stage {
        case .receiving(let file, let digest, let size):
            let take = UnsafeRawBufferPointer(rebasing: rest.prefix(size - file.written))
            client.extra += rest.count - take.count
            clients[id] = client
            if let code = file.write(take) {
                fail(id, why: "write failed: \(String(cString: strerror(code)))", engine: engine)
                return
            }
            digest.update(take)
            if file.written == size { complete(id, engine: engine) }
        case .answered:
            clients[id] = client
        case .asking:
            break
        }
    }

    /// The request line read: true when the content may follow.
    func ask(_ id: Int, line: [UInt8], engine: Engine) -> Bool {
        let request: (name: String, size: Int)
        switch FileTransfer.parseRequest(line) {
        case .success(let asked): request = asked
        case .failure(let refusal):
            let shown = String(decoding: line.prefix(80), as: UTF8.self).terminalSafe
            refuse(id, refusal, detail: "'\(shown)'", engine: engine)
            return false
        }
        let name = request.name
        clients[id]?.name = name
        let part = FileTransfer.partName(name)
        if arriving.contains(name) || arriving.contains(part) {
            refuse(id, .busy, detail: "arriving from another client", engine: engine)
            return false
        }
        if let kind = rules.directory.kind(of: name), kind == S_IFDIR || !rules.overwrite {
            refuse(id, .exists, detail: kind == S_IFDIR ? "a directory" : "--overwrite replaces it", engine: engine)
            return false
        }
        if rules.directory.kind(of: part) != nil && !rules.overwrite {
            refuse(id, .exists, detail: "\(part), a partial file, is kept there; --overwrite replaces it", engine: engine)
            return false
        }
        if let free = rules.directory.freeBytes(), request.size > free {
            refuse(id, .noSpace, detail: "\(request.size) bytes asked, \(free) free", engine: engine)
            return false
        }
        guard let digest = SHA256Digest() else {
            refuse(id, nil, detail: "no SHA-256 from OpenSSL", engine: engine)
            return false
        }
        let file: IncomingFile
        do {
            file = try rules.directory.create(name, replacing: rules.overwrite)
        } catch {
            refuse(id, nil, detail: error.description, engine: engine)
            return false
        }
        arriving.insert(name)
        clients[id]?.stage = .receiving(file: file, digest: digest, size: request.size)
        clients[id]?.receivedSince = clock()
        engine.send(Array(FileTransfer.Reply.ok.line.utf8), to: id)
        if let client = clients[id] {
            say(told("receiving", id, client, text: "receiving \(name), \(request.size) bytes"), false, id)
        }
        if request.size == 0 { complete(id, engine: engine) }
        return true
    }

    /// Says no (`refusal`, or the detail itself when it is none of the protocol's words) and closes.
    func refuse(_ id: Int, _ refusal: FileTransfer.Refusal?, detail: String, engine: Engine) {
        guard var client = clients[id] else { return }
        client.stage = .answered
        clients[id] = client
        let word = refusal?.rawValue ?? detail
        clients[id]?.outcome = "refused: \(word)"
        engine.send(Array(FileTransfer.Reply.refused(word).line.utf8), to: id)
        engine.requestFIN(id)
        say(told("refused", id, client, [("reason", .string(word)), ("detail", .string(detail))],
                  text: "refused \(client.name ?? "the request"): \(word)" + (refusal == nil ? "" : " (\(detail))")), true, id)
    }

    /// The client's file stops arriving (whole or not): the client as it was, and its file.
    func endReceiving(_ id: Int) -> (client: Client, file: IncomingFile, digest: SHA256Digest, size: Int)? {
        guard let client = clients[id], case .receiving(let file, let digest, let size) = client.stage else { return nil }
        clients[id]?.stage = .answered
        arriving.remove(file.name)
        return (client, file, digest, size)
    }

    /// Every byte arrived: the file takes its name, the digest goes back.
    func complete(_ id: Int, engine: Engine) {
        guard let (client, file, digest, size) = endReceiving(id) else { return }
        guard let hex = digest.finish() else {
            file.discard(keep: rules.keepPartial)
            return answerError(id, client, why: "no SHA-256 from OpenSSL", engine: engine)
        }
        if let code = file.commit(replacing: rules.overwrite) {
            file.discard(keep: true)
            let why = code == EEXIST ? "\(file.name) appeared meanwhile; kept as \(FileTransfer.partName(file.name))"
                : "rename failed: \(String(cString: strerror(code))); kept as \(FileTransfer.partName(file.name))"
            return answerError(id, client, why: why, engine: engine)
        }
        clients[id]?.outcome = "received whole"
        engine.send(Array(FileTransfer.Reply.digest(hex).line.utf8), to: id)
        engine.requestFIN(id)
        let seconds = clock() - (client.receivedSince ?? client.started)
        say(told("received", id, client, [("bytes", .int(size)), ("sha256", .string(hex)), ("seconds", .seconds(seconds))],
                  text: "received \(file.name), \(size) bytes, SHA-256 \(hex), in \(DurationText.seconds(seconds))"), true, id)
    }

    /// The content could not be kept (a write failed): ERR to the sender, the part removed or kept.
    func fail(_ id: Int, why: String, engine: Engine) {
        guard let (client, file, _, _) = endReceiving(id) else { return }
        file.discard(keep: rules.keepPartial)
        answerError(id, client, why: why + "; " + partial(file), engine: engine)
    }

    /// Says why the file was not kept: to the sender in an ERR line (while it can hear), and on
    /// the receiver's own output.
    func answerError(_ id: Int, _ client: Client, why: String, engine: Engine?) {
        clients[id]?.outcome = "failed"
        if let engine {
            engine.send(Array(FileTransfer.Reply.error(why).line.utf8), to: id)
            engine.requestFIN(id)
        }
        say(told("failed", id, client, [("reason", .string(why))], text: "\(client.name ?? "?"): \(why)"), true, id)
    }

    /// What became of a partial file, in words.
    func partial(_ file: IncomingFile) -> String {
        let part = FileTransfer.partName(file.name)
        return rules.keepPartial ? "kept as \(part)" : "\(part) removed"
    }

    func told(_ kind: String, _ id: Int, _ client: Client, _ more: [(String, JSONValue)] = [], text: String) -> SessionEvent {
        var fields: [(String, JSONValue)] = [("client", .string(client.host)), ("client_port", .int(Int(client.port))),
                                             ("number", .int(client.number))]
        if let name = client.name { fields.append(("name", .string(name))) }
        return SessionEvent(kind, fields + more, text: "#\(client.number) \(client.host) \(client.port): \(text)")
    }

    func engine(_ engine: Engine, event: EngineEvent) {
        switch event {
        case .opened(let id, let address, .accepted):
            count += 1
            let endpoint = address?.endpoint
            let client = Client(number: count, host: endpoint?.address.description ?? address?.display ?? "?", port: endpoint?.port ?? 0,
                                started: clock())
            clients[id] = client
            say(told("client", id, client, text: "connected"), false, id)
        case .peerFinished(let id):
            stoppedShort(id, how: "the sender's FIN", engine: engine)
            engine.requestFIN(id)
        case .closed(let id, _, let reason):
            let ending = RelayServer.ending(reason, side: "client")
            stoppedShort(id, how: ending, engine: nil)
            guard let client = clients.removeValue(forKey: id) else { return }
            let tail = client.extra > 0 ? ", \(client.extra) bytes past the content dropped" : ""
            // Said always when something is worth saying: bytes dropped, or a client that
            // never asked (a TLS handshake refused, a port scan), and why it ended.
            var neverAsked = false
            if case .asking = client.stage { neverAsked = true }
            say(told("client-closed", id, client, [("in", .int(client.bytesIn)), ("extra", .int(client.extra)), ("end", .string(ending))],
                      text: "\(client.bytesIn) bytes in, \(DurationText.seconds(clock() - client.started)), \(ending)\(tail)"),
                client.extra > 0 || neverAsked, id)
        case .refusedByFilter, .refusedOverLimit:
            if let refused = RelayServer.refusal(event) { say(refused, true, nil) }
        default:
            break
        }
    }

    /// The connection ended (`how`) while content was still owed: the part goes, or stays.
    func stoppedShort(_ id: Int, how: String, engine: Engine?) {
        guard let (client, file, _, size) = endReceiving(id) else { return }
        file.discard(keep: rules.keepPartial)
        answerError(id, client, why: "ended (\(how)) after \(file.written) of \(size) bytes; " + partial(file), engine: engine)
    }

    func prepare(_ engine: Engine, now: Double, set: inout PollSet<Engine.Slot>) -> Double? { nil }

    func ready(_ engine: Engine, slot: Int, revents: Int32) -> EngineOutcome? { nil }

    func handles(signal: Int32) -> Bool { false }

    func ends(with outcome: EngineOutcome) -> Bool { true }

    /// The request line is shown; the content is the file's.
    func showsReceived(_ id: Int) -> Bool {
        guard let client = clients[id], case .asking = client.stage else { return false }
        return true
    }

    func label(_ id: Int) -> String? {
        guard let client = clients[id] else { return nil }
        var what = "client \(client.number) of receive"
        if let name = client.name { what += ": \(name)" }
        // In Double: a size a client typed (up to 10^18) times 100 would not fit an Int.
        if case .receiving(let file, _, let size) = client.stage, size > 0 { what += " \(Int(Double(file.written) / Double(size) * 100))%" }
        if let outcome = client.outcome { what += ", \(outcome)" }
        return "\(client.host):\(client.port) (\(what))"
    }

    /// At a signal: what is arriving stops short, its part removed or kept, and said.
    func finish() {
        for (id, client) in clients.sorted(by: { $0.value.number < $1.value.number }) {
            guard case .receiving = client.stage else { continue }
            stoppedShort(id, how: "interrupted", engine: nil)
        }
    }
}
