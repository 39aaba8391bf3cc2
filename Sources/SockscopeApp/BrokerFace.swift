import SockscopeCore
import SockscopeTransport

/// --broker and --chat (ncat's, issue 22): a -k listener that passes every client's bytes to
/// all the others, through the engine; --chat sends whole lines, each prefixed with its
/// sender's name (`<user3> hello`), and announces who joins and leaves. A client that reads
/// slowly holds the senders (their windows close) rather than growing a queue without end.
final class BrokerFace: EngineFace {
    let chat: Bool
    let onEvent: (EngineEvent) -> Void
    /// The clients in the order they came.
    var members: [Int] = []
    var names: [Int: String] = [:]
    /// --chat: each client's line not yet ended.
    var partial: [Int: [UInt8]] = [:]
    var held: Set<Int> = []
    /// Bytes queued for one client, at most, before the senders are held.
    static let queueAbove = 1 << 20
    /// A line longer than this is passed on in pieces, each with its name.
    static let lineLimit = 64 * 1024

    init(chat: Bool, onEvent: @escaping (EngineEvent) -> Void) {
        self.chat = chat
        self.onEvent = onEvent
    }

    func engine(_ engine: Engine, received bytes: UnsafeRawBufferPointer, on id: Int) {
        guard chat else {
            pass(Array(bytes), from: id, engine: engine)
            return
        }
        var line = partial[id] ?? []
        for byte in bytes {
            line.append(byte)
            if byte == 0x0A || line.count >= Self.lineLimit {
                pass(Array("<\(names[id] ?? "user\(id)")> ".utf8) + line, from: id, engine: engine)
                line.removeAll(keepingCapacity: true)
            }
        }
        partial[id] = line
    }

    /// To every other client; the sender held while one of them has too much waiting.
    func pass(_ bytes: [UInt8], from id: Int?, engine: Engine) {
        for other in members where other != id { engine.send(bytes, to: other) }
        guard let id, members.contains(where: { $0 != id && (engine.unsent($0) ?? 0) > Self.queueAbove }) else { return }
        if held.insert(id).inserted { engine.hold(id, true) }
    }

    func engine(_ engine: Engine, event: EngineEvent) {
        onEvent(event)
        switch event {
        case .opened(let id, let peer, _):
            members.append(id)
            names[id] = "user\(id)"
            if chat { pass(Array("<announce> user\(id) (\(peer?.display ?? "?")) joined\n".utf8), from: id, engine: engine) }
        case .peerFinished(let id):
            if chat, let line = partial[id], !line.isEmpty {
                pass(Array("<user\(id)> ".utf8) + line + [0x0A], from: id, engine: engine)
                partial[id] = []
            }
        case .closed(let id, _, _):
            members.removeAll { $0 == id }
            partial[id] = nil
            held.remove(id)
            if chat { pass(Array("<announce> user\(id) left\n".utf8), from: nil, engine: engine) }
        default:
            break
        }
    }

    func prepare(_ engine: Engine, now: Double, set: inout PollSet<Engine.Slot>) -> Double? {
        // Senders go on once every queue has come down to half.
        if !held.isEmpty && members.allSatisfy({ (engine.unsent($0) ?? 0) <= Self.queueAbove / 2 }) {
            for id in held { engine.hold(id, false) }
            held.removeAll()
        }
        return nil
    }

    func ready(_ engine: Engine, slot: Int, revents: Int32) -> EngineOutcome? { nil }

    func handles(signal: Int32) -> Bool { false }

    func ends(with outcome: EngineOutcome) -> Bool { true }
}
