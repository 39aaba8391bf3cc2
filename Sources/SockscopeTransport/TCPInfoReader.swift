import CLinux
import SockscopeCore

/// TCP_INFO of a socket of our own (nil for non-TCP sockets or on error), or as a dump gave it.
public enum TCPInfoReader {
    public static func read(_ fd: Int32) -> TCPInfo? {
        var raw = clinux_tcp_info()
        guard clinux_tcp_info(fd, &raw) == 0 else { return nil }
        return decoded(raw)
    }

    static func decoded(_ raw: clinux_tcp_info) -> TCPInfo {
        TCPInfo(
            state: TCPState(rawValue: raw.state), rttMicros: raw.rtt_us, rttVarianceMicros: raw.rttvar_us,
            minRTTMicros: raw.min_rtt_us, congestionWindow: raw.snd_cwnd, mss: raw.snd_mss,
            totalRetransmits: raw.total_retrans, currentRetransmits: raw.retransmits,
            unacknowledged: raw.unacked, bytesAcked: raw.bytes_acked, bytesReceived: raw.bytes_received,
            deliveryRate: raw.delivery_rate, sendWindow: raw.snd_wnd_known != 0 ? raw.snd_wnd : nil)
    }
}
