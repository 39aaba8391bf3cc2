extension Lessons {
    static let receiver = LabEnd.udp("receiver", LabEnd.serverAddress, 5300)
    static let sender = LabEnd.udp("sender", LabEnd.clientAddress, 40001)
    static let connectedSender = LabEnd.udp("connected sender", LabEnd.clientAddress, 40002, to: receiver.local)
    static let hopefulSender = LabEnd.udp("hopeful sender", LabEnd.clientAddress, 40003,
                                          to: SocketEndpoint(address: LabEnd.serverAddress, port: 5399))

    static let datagrams = Lesson(
        name: "udp",
        title: "UDP: no handshake, connected and unconnected sockets, ICMP port unreachable",
        summary: "no handshake, connect() on UDP, ICMP port unreachable",
        steps: [
            LessonStep("No handshake",
                       says: "A receiver binds port 5300; a sender sends it one datagram with sendto(). Nothing precedes it: no SYN, no state on either side beyond the bound sockets, and no acknowledgment follows.",
                       do: [.openDatagram(receiver), .openDatagram(sender), .sendDatagram(sender, bytes: 100, to: receiver.local)],
                       expect: [.received(receiver, atLeast: 100), .segments(SegmentMatch(from: sender, datagram: true), atLeast: 1),
                                .noSegment(SegmentMatch(flags: .syn))]),
            LessonStep("A connected UDP socket",
                       says: "connect() on a UDP socket sends nothing: it only fixes the peer, so that send() needs no address and only that peer's datagrams are received. The table shows the socket with a remote address.",
                       do: [.openDatagram(connectedSender), .sendDatagram(connectedSender, bytes: 100, to: nil)],
                       expect: [.received(receiver, atLeast: 200), .segments(SegmentMatch(from: connectedSender, datagram: true), atLeast: 1)]),
            LessonStep("ICMP port unreachable",
                       says: "A connected socket sends to port 5399, where nobody listens. The receiving kernel answers with an ICMP port unreachable; because the socket is connected, the kernel can tell it, and its next receive fails with ECONNREFUSED. An unconnected socket is never told.",
                       do: [.openDatagram(hopefulSender), .sendDatagram(hopefulSender, bytes: 100, to: nil)],
                       expect: [.error(hopefulSender, "ECONNREFUSED"), .counter("Icmp.OutDestUnreachs", atLeast: 1)],
                       then: "UDP gives no delivery, no order and no flow control; what it reports is only what ICMP brings back."),
        ])
}
