/// The end-of-session rules of the pipe loop, as pure functions of its state (nc's `readwrite()`
/// rules, made explicit and testable without sockets). The poll loop asks these and acts.
public struct RelayRules: Sendable, Equatable {
    public var endOfInput: SessionPlan.EndOfInput
    /// Listening side (`-l`): a connection ends when the peer has finished sending.
    public var listening: Bool
    /// `-k`: the session outlives its connections.
    public var keepListening: Bool
    /// --send-only: a connection is over once its input is drained, whatever the peer does.
    public var sendOnly = false

    public init(endOfInput: SessionPlan.EndOfInput, listening: Bool, keepListening: Bool) {
        self.endOfInput = endOfInput
        self.listening = listening
        self.keepListening = keepListening
    }

    /// `interactive`: the screen, where a lone connection — dialed or accepted — stays open
    /// after the peer's FIN until end of input (Ctrl-D) or a command, so that CLOSE_WAIT can be
    /// watched; under -k the listener's rule stands, so that finished clients make room.
    public init(plan: SessionPlan, interactive: Bool = false) {
        self.init(endOfInput: plan.endOfInput, listening: plan.mode == .listen && (plan.keepListening || !interactive),
                  keepListening: plan.keepListening)
        sendOnly = plan.sendOnly && !interactive
    }

    /// The tool's own two ends: standard input and standard output.
    public struct Local: Sendable, Equatable {
        public var stdinOpen: Bool
        public var stdoutOpen: Bool
        /// Standard input has bytes ready to read right now (a file, a filled pipe).
        public var inputReady: Bool
        public init(stdinOpen: Bool, stdoutOpen: Bool, inputReady: Bool = false) {
            self.stdinOpen = stdinOpen
            self.stdoutOpen = stdoutOpen
            self.inputReady = inputReady
        }
    }

    /// One connection (or, for datagrams, one peer).
    public struct Peer: Sendable, Equatable {
        public var readOpen: Bool    // the peer may still send: no EOF, no error
        public var writeOpen: Bool   // we may still send: not shut down, no error
        public var unsent: Int       // bytes of input not yet written to this peer
        public var stream: Bool      // stream sockets can half-close; datagram sockets cannot
        /// More input may come for this connection alone: false after the screen's end of input
        /// (Ctrl-D) for it. In pipe mode, standard input ending ends it for every connection.
        public var inputOpen = true
        /// /shutdown: FIN once what is queued has gone, whatever the end-of-input rule.
        public var finRequested = false
        /// /close: close once what is queued has gone.
        public var closeRequested = false
        public init(readOpen: Bool = true, writeOpen: Bool = true, unsent: Int = 0, stream: Bool = true) {
            self.readOpen = readOpen
            self.writeOpen = writeOpen
            self.unsent = unsent
            self.stream = stream
        }
    }

    /// Input is over for this connection: standard input ended, or its own did.
    public func inputOver(_ local: Local, _ peer: Peer) -> Bool { !local.stdinOpen || !peer.inputOpen }

    /// Input is done with when it is over and every byte of it has been sent.
    public func inputDrained(_ local: Local, _ peer: Peer) -> Bool {
        inputOver(local, peer) && peer.unsent == 0
    }

    /// -N and -q send FIN (shutdown SHUT_WR) once input is drained; nc's default does not. In
    /// the screen, /shutdown sends it once what is queued has gone.
    public func shouldShutDownWrite(_ local: Local, _ peer: Peer) -> Bool {
        guard peer.stream, peer.writeOpen, peer.unsent == 0 else { return false }
        if peer.finRequested { return true }
        return inputDrained(local, peer) && endOfInput != .keepOpen
    }

    /// Whether this connection is over. Received bytes still buffered for standard output are
    /// flushed by the loop before it closes anything, so "over" never loses data.
    public func peerFinished(_ local: Local, _ peer: Peer) -> Bool {
        // /close, once what is queued has gone; --send-only, once all of the input has.
        if peer.closeRequested && peer.unsent == 0 { return true }
        if sendOnly && inputDrained(local, peer) { return true }
        // Neither direction can move any more.
        if !peer.readOpen && !peer.writeOpen { return true }
        // Nothing can be written anywhere: the peer refuses data and stdout is gone.
        if !peer.writeOpen && !local.stdoutOpen { return true }
        guard !peer.readOpen else { return false }
        // The peer finished sending. A listener is done once what it owes the peer is sent
        // (nc: "listen and net in gone, queues empty") — and, beyond nc, once standard input has
        // nothing ready, so `sockscope -l < file` still sends the whole file to a client that
        // finished first, while an interactive listener ends at once as nc's does.
        // A dialer also waits for its input to end.
        if listening { return peer.unsent == 0 && !(!inputOver(local, peer) && local.inputReady) }
        return inputDrained(local, peer)
    }

    /// -q SECS counts quiet time (as Debian's nc, which reads a reply that keeps flowing): once
    /// input is over and every peer has all of it, the session ends after SECS seconds in which
    /// nothing was received — each received byte starts the count again. Returns SECS once the
    /// count may run, nil before that or when there is no limit.
    public func quietLimit(_ local: Local, peers: [Peer]) -> Double? {
        let inputOver = !local.stdinOpen || (!peers.isEmpty && peers.allSatisfy { !$0.inputOpen })
        guard case .quit(let secs) = endOfInput, inputOver, peers.allSatisfy({ $0.unsent == 0 }) else {
            return nil
        }
        // -q 0 on a stream reads the reply to its end (the peer's FIN), as Debian's -q 0 does: a
        // quiet time of zero would cut off a reply still on its way. Datagrams have no end, so
        // there -q 0 quits as soon as the input is sent.
        if secs == 0 && peers.contains(where: \.stream) { return nil }
        return secs
    }

    /// Whether standard input should be read now: there must be somewhere for it to go.
    /// With -k and no client yet, input waits in the pipe for the first client.
    public func wantsInput(_ local: Local, anyPeerWritable: Bool, bufferHasRoom: Bool) -> Bool {
        local.stdinOpen && bufferHasRoom && anyPeerWritable
    }

    /// Whether peers should be read now: received bytes need room in the stdout buffer, and once
    /// standard output is gone there is no point reading (nc stops too).
    public func wantsPeerInput(_ local: Local, stdoutHasRoom: Bool) -> Bool {
        local.stdoutOpen && stdoutHasRoom
    }

    /// The whole session ends when its one connection has. A -k server ends by -q, a signal or a
    /// fatal error; with -q 0, once input has ended and no client is left.
    public func sessionFinished(_ local: Local, peersLeft: Int, everConnected: Bool) -> Bool {
        guard keepListening else { return everConnected && peersLeft == 0 }
        if case .quit(0) = endOfInput { return !local.stdinOpen && peersLeft == 0 }
        return false
    }
}
