import CLinux
import Glibc
import SockscopeCore
import SockscopeTransport
import SockscopeTUI

/// `sockscope watch`: the screen with the state table and the transition log alone — a live,
/// explained `ss`.
public struct WatchMode {
    let filter: StatesFilter
    let interval: Double
    let io: SystemIO
    /// --pcap: the frames the filter passes, to this file (root), with `pcapPayload` data bytes each.
    let pcapPath: String?
    let pcapPayload: Int

    public init(filter: StatesFilter, interval: Double, io: SystemIO, pcapPath: String? = nil, pcapPayload: Int = 0) {
        self.filter = filter
        self.interval = interval
        self.io = io
        self.pcapPath = pcapPath
        self.pcapPayload = pcapPayload
    }

    public func run() -> ExitStatus {
        let signals = SystemIO.screenSignals
        let signalFD = io.signalDescriptor(signals)
        defer { if signalFD >= 0 { close(signalFD) } }
        let wish = pcapPath.map { KernelSources.CaptureWish(payload: pcapPayload, port: filter.port, pcapPath: $0, requiredBy: "--pcap") }
        let started = KernelSources.start(io, capture: wish, signalFD: signalFD,
                                          log: Diagnostics(fd: io.stderr, verbose: true))
        if let refusal = started.refusal { return refusal }
        let kernel = started.sources
        defer { kernel.stop() }
        let trace = kernel.trace, traceOff = kernel.traceOff, capture = kernel.capture
        let sources = ScreenMode.sources(tracing: trace, traceOff: traceOff, unix: false, interval: interval)
        let header = ScreenModel.Header(mode: "watch", local: Self.describe(filter), sources: sources,
                                        brief: ScreenMode.brief(tracing: trace?.origin, capturing: capture != nil, unix: false,
                                                                interval: interval))
        // No connection: the engine runs for the screen's keys, timers and sources alone.
        let engine = Engine(settings: .watching, stdin: -1, stdout: -1, signalFD: signalFD, clock: io.monotonic)
        do {
            return try ScreenMode(plan: nil, io: io, header: header, trace: trace, capture: capture, states: filter,
                                  refreshInterval: interval).run(engine)
        } catch {
            Diagnostics(fd: io.stderr, verbose: true).error("\(error)")
            return .failure
        }
    }

    /// The command-line filter in words, for the header.
    static func describe(_ filter: StatesFilter) -> String {
        var words: [String] = []
        if filter.tcp != filter.udp { words.append(filter.tcp ? "TCP" : "UDP") }
        if filter.ipv4Only { words.append("IPv4") }
        if filter.ipv6Only { words.append("IPv6") }
        if filter.listening { words.append("listening") }
        if !filter.states.isEmpty { words.append(Set(filter.states.map(\.name)).sorted().joined(separator: ",")) }
        if let port = filter.port { words.append("port \(port)") }
        return words.isEmpty ? "every TCP and UDP socket" : words.joined(separator: " ")
    }
}
