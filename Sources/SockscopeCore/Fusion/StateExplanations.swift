/// Plain-language explanations, for learners, of every TCP state and of every transition Linux
/// makes (RFC 9293's diagram plus what Linux adds), each naming the segment involved.
public enum StateExplanations {
    public static func of(_ state: TCPState) -> String {
        switch state {
        case .listen: "Waiting for connection requests (SYNs) on this port; each one that completes the handshake becomes a new socket."
        case .synSent: "This side sent a SYN to open a connection and is waiting for the peer's SYN-ACK."
        case .synRecv: "The peer's SYN arrived and this side answered with a SYN-ACK; waiting for the peer's final ACK."
        case .newSynRecv: "A connection request being handshaken by a listener: a SYN arrived and a SYN-ACK was sent, held as a light request socket."
        case .established: "The connection is open: both sides have completed the handshake and data flows both ways."
        case .finWait1: "This side closed its sending half and sent a FIN; waiting for the peer to acknowledge it."
        case .finWait2: "The peer acknowledged this side's FIN; this side can still receive and waits for the peer's FIN."
        case .closeWait: "The peer sent a FIN (it will send no more); the application here has not closed its side yet."
        case .closing: "Both sides sent a FIN at the same time; waiting for the ACK of this side's FIN."
        case .lastAck: "The peer closed first and this side has now sent its own FIN; waiting for the final ACK."
        case .timeWait: "Both FINs are acknowledged; the connection lingers for 60 s so that late segments die out and the final ACK can be resent."
        case .close: "No connection: the socket is closed or not yet connected."
        }
    }

    /// The transitions Linux makes, as the sock/inet_sock_set_state tracepoint reports them, plus
    /// the ones fused with the tables (a socket entering TIME_WAIT is handed to a timewait socket
    /// the tracepoint does not report: `TransitionFusion`). A same-state pair is close() called
    /// after the FIN was sent: the kernel sets the state again.
    public static let possible: [(TCPState, TCPState)] = [
        (.close, .listen), (.close, .synSent),
        (.listen, .close), (.listen, .synRecv),
        (.synSent, .established), (.synSent, .synRecv), (.synSent, .close),
        (.synRecv, .established), (.synRecv, .finWait1), (.synRecv, .close),
        (.newSynRecv, .synRecv), (.newSynRecv, .close),
        (.established, .finWait1), (.established, .closeWait), (.established, .close),
        (.finWait1, .finWait2), (.finWait1, .closing), (.finWait1, .timeWait), (.finWait1, .close),
        (.finWait1, .finWait1),
        (.finWait2, .timeWait), (.finWait2, .close), (.finWait2, .finWait2),
        (.closing, .timeWait), (.closing, .close), (.closing, .closing),
        (.closeWait, .lastAck), (.closeWait, .close),
        (.lastAck, .close), (.lastAck, .lastAck),
        (.timeWait, .close),
    ]

    /// One sentence for `from → to`. A pair Linux cannot make directly was seen by polling, with
    /// states in between too brief to catch: the sentence says so and explains where it landed.
    public static func transition(from: TCPState, to: TCPState) -> String {
        let head = "\(from.nameWithRFC) → \(to.nameWithRFC): "
        if let text = direct(from: from, to: to) { return head + text }
        return head + "the states in between were too brief to see at this polling interval. Now: " + of(to)
    }

    static func direct(from: TCPState, to: TCPState) -> String? {
        switch (from, to) {
        case (.close, .listen): "listen() was called: the socket now accepts SYNs on its port."
        case (.close, .synSent): "connect() was called: this side sent a SYN to the peer."
        case (.listen, .close): "the listening socket was closed; pending connection requests are reset."
        case (.listen, .synRecv): "the handshake's final ACK arrived for a request on this listener, which created this connection's own socket, half-open until the kernel completes it."
        case (.synSent, .established): "the peer's SYN-ACK arrived and this side sent the final ACK; the three-way handshake is complete on this side."
        case (.synSent, .synRecv): "a SYN arrived from the peer while this side's SYN was outstanding (simultaneous open); this side answered with a SYN-ACK."
        case (.synSent, .close): "the connection attempt failed: the peer answered with RST (nothing listening), or the SYN went unanswered until the timeout."
        case (.synRecv, .established): "the peer's ACK of this side's SYN-ACK arrived; the three-way handshake is complete on this side."
        case (.synRecv, .finWait1): "the application closed the connection before the handshake finished; this side sent a FIN."
        case (.synRecv, .close): "the half-open connection was reset by the peer (RST) or timed out without the final ACK."
        case (.newSynRecv, .synRecv): "the peer's final ACK arrived for this request; it became a full socket."
        case (.newSynRecv, .close): "the connection request expired or was reset before its handshake completed."
        case (.established, .finWait1): "this side closed or shut down its sending half: it sent a FIN."
        case (.established, .closeWait): "the peer's FIN arrived: the peer will send no more data; this side acknowledged it and can still send."
        case (.established, .close): "the connection was aborted: a RST arrived, or this side reset it (SO_LINGER 0) or it timed out."
        case (.finWait1, .finWait2): "the peer acknowledged this side's FIN; this side's sending half is closed, its receiving half still open."
        case (.finWait1, .closing): "the peer's FIN arrived before the ACK of this side's FIN: both sides are closing at once."
        case (.finWait1, .timeWait): "the peer's FIN arrived together with the ACK of this side's FIN; this side acknowledged it and waits out TIME_WAIT (Linux hands the connection to a small timewait socket for it)."
        case (.finWait1, .close): "the connection ended without TIME_WAIT: a RST arrived or was sent, or this side's FIN was never acknowledged and its retransmissions gave up (a peer whose window stayed at zero)."
        case (.finWait1, .finWait1): "the application called close() after shutdown(): the state is set again, not changed; the socket is now an orphan that the kernel finishes closing on its own."
        case (.finWait2, .timeWait): "the peer's FIN arrived and this side sent the final ACK; as RFC 9293 says, it waits out TIME_WAIT (2 MSL, 60 s on Linux) so that a lost final ACK can be resent and old segments die out. Linux hands the connection to a small timewait socket to do so."
        case (.finWait2, .close): "the connection ended without TIME_WAIT: a RST arrived, or the application had closed and the peer never sent its FIN before tcp_fin_timeout ran out (its socket is likely stuck in CLOSE_WAIT)."
        case (.finWait2, .finWait2): "the application called close() after shutdown(): the state is set again, not changed. The socket is now an orphan: the kernel waits up to tcp_fin_timeout (60 s) for the peer's FIN, in a small timewait socket."
        case (.closing, .timeWait): "the ACK of this side's FIN arrived after the simultaneous close; the connection waits out TIME_WAIT (in a small timewait socket, on Linux)."
        case (.closing, .close): "the connection ended without TIME_WAIT: a RST arrived, or this side's FIN was never acknowledged and its retransmissions gave up."
        case (.closing, .closing): "the application called close() during a simultaneous close: the state is set again, not changed."
        case (.closeWait, .lastAck): "the application closed its side after the peer's FIN: this side sent its own FIN."
        case (.closeWait, .close): "the connection was aborted (RST) while only the peer had closed."
        case (.lastAck, .close): "the peer acknowledged this side's FIN; the connection is fully closed with no TIME_WAIT on this side."
        case (.lastAck, .lastAck): "the application called close() after its FIN was sent: the state is set again, not changed; the kernel still waits for the final ACK."
        case (.timeWait, .close): "TIME_WAIT expired (60 s): the connection is gone and its port pair can be reused."
        default: nil
        }
    }

    /// An ending explained by what the capture saw: the RST and who sent it, or no RST at all.
    /// nil where the segments change nothing (a listener closed, a LAST_ACK acknowledged).
    /// `reason`: the kernel's own for a RST this socket sent (eBPF), which says which abort it was.
    public static func ending(from: TCPState, cause: Transition.Cause, reason: String? = nil) -> String? {
        let head = "\(from.nameWithRFC) → CLOSE (CLOSED): "
        if cause != .noReset, let reason, from != .listen, from != .timeWait, from != .close, let why = resetReasons[reason] {
            return head + (cause == .resetSent
                ? "this socket sent a RST: \(why) The socket is gone at once, without TIME_WAIT (the kernel's reason: \(reason))."
                : "a RST from the peer arrived — on the peer's side, \(why) The socket is gone at once, without TIME_WAIT (the peer's kernel's reason: \(reason)).")
        }
        switch (from, cause) {
        case (.listen, _), (.timeWait, _), (.close, _): return nil
        case (.lastAck, .noReset), (.newSynRecv, .noReset): return nil
        case (.synSent, .resetReceived):
            return head + "the connection was refused: the peer answered the SYN with a RST (nothing listens on that port), and connect() failed with ECONNREFUSED."
        case (.synSent, .resetSent):
            return head + "the connection attempt was aborted here: this socket sent a RST."
        case (.synSent, .noReset):
            return head + "no answer and no RST: the SYN's retransmissions ran out (tcp_syn_retries) and connect() failed with ETIMEDOUT, or the application gave up."
        case (.synRecv, .noReset):
            return head + "no RST was seen: the handshake timed out without the final ACK, or this was a duplicate of a connection the handshake had already made (a retransmitted SYN) and the kernel dropped it."
        case (_, .resetReceived):
            return head + "a RST from the peer arrived: the peer aborted the connection (SO_LINGER 0, or it closed with unread data), or it had no such connection. The socket is gone at once, without TIME_WAIT."
        case (_, .resetSent):
            return head + "this socket sent a RST: it aborted the connection (SO_LINGER 0, or closed with unread data, or answered a segment for a connection it no longer had). The socket is gone at once, without TIME_WAIT."
        case (.finWait1, .noReset), (.closing, .noReset):
            return head + "no RST was seen: this socket's FIN was never acknowledged and its retransmissions gave up (a peer whose window stayed at zero, or gone), without TIME_WAIT."
        case (.finWait2, .noReset):
            return head + "no RST was seen: the application had closed and the peer never sent its FIN before tcp_fin_timeout ran out (its socket is likely stuck in CLOSE_WAIT)."
        case (_, .noReset):
            return head + "no RST was seen: the connection timed out (its retransmissions, or TCP_USER_TIMEOUT, ran out)."
        }
    }

    /// The kernel's reasons for a RST it sent (enum sk_rst_reason), in words: those an ending
    /// of a connection meets; others are named as the kernel names them.
    static let resetReasons: [String: String] = [
        "TCP_STATE": "the application aborted the connection (close() with SO_LINGER set to 0, or a disconnect) instead of closing it.",
        "TCP_ABORT_ON_CLOSE": "the application closed it with data still unread in its receive queue, so the kernel aborts rather than pretend that data was read (RFC 2525).",
        "TCP_ABORT_ON_DATA": "data arrived after the application had closed the socket, and nobody is left to read it.",
        "TCP_ABORT_ON_LINGER": "the application had closed and TCP_LINGER2 was negative: no FIN_WAIT2 wait, an abort.",
        "TCP_ABORT_ON_MEMORY": "the kernel is short of memory for orphaned sockets (tcp_max_orphans, tcp_mem) and dropped this one.",
        "TCP_KEEPALIVE_TIMEOUT": "keepalive probes went unanswered: the peer is gone.",
        "TCP_DISCONNECT_WITH_DATA": "the application disconnected with data still queued.",
    ]

    /// For sockets seen appearing or vanishing in /proc (UDP has no states worth a lesson).
    public static func appeared(_ entry: SocketEntry) -> String {
        if entry.tcpState == .finWait2 && entry.timer == .timeWait {
            return "appeared in FIN_WAIT2 as an orphan: the application has closed the socket, and the kernel keeps the connection in a small timewait socket until the peer's FIN arrives or tcp_fin_timeout runs out."
        }
        if let state = entry.tcpState { return "appeared in \(state.nameWithRFC): " + of(state) }
        return entry.state == .udpUnconnected
            ? "a UDP socket was bound: it takes datagrams from anyone; UDP has no connection and no states."
            : "connect() on a UDP socket: no handshake and nothing sent; it only fixes the address the socket talks to: it sends there and accepts datagrams from there alone (ss calls it ESTAB)."
    }

    public static func vanished(_ entry: SocketEntry) -> String {
        if entry.tcpState == .finWait2 && entry.timer == .timeWait {
            return "FIN_WAIT2 → CLOSE (CLOSED): the orphaned FIN_WAIT2 timed out (tcp_fin_timeout). The application here had closed, and the peer never sent its FIN: its application has not closed its socket, which stays in CLOSE_WAIT — a leak on the other side."
        }
        if entry.tcpState == .timeWait { return transition(from: .timeWait, to: .close) }
        if entry.tcpState == .listen { return transition(from: .listen, to: .close) }
        if entry.proto.isTCP { return "\(entry.stateName) → CLOSE (CLOSED): the socket was closed, or the states in between were too brief to see." }
        return "the UDP socket was closed."
    }
}
