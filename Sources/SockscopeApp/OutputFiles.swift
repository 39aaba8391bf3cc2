import SockscopeTransport

/// The files the modes write, opened the same way by each: `--pcap` once its capture runs (a
/// run that cannot capture never touches the file), a FIFO's wait said in one line, a failure
/// said in one line, a signal during the wait ending the mode by it (after its clean-up).
enum OutputFiles {
    /// `sockscope: --pcap f: waiting for a reader of the FIFO`.
    static func waiting(_ option: String, _ path: String, log: Diagnostics) -> () -> Void {
        { log.write("sockscope: \(option) \(path.terminalSafe): waiting for a reader of the FIFO") }
    }

    /// The status a mode ends with when its file could not be opened (nil: it was).
    static func status(_ open: () throws(OutputFile.OpenFailure) -> Void, log: Diagnostics) -> ExitStatus? {
        do {
            try open()
            return nil
        } catch {
            switch error {
            case .failed(let line):
                log.error(line)
                return .failure
            case .interrupted(let signal):
                return .signal(signal)
            }
        }
    }

    /// `--pcap PATH` on a running capture; nil when it is open, else the status to end with.
    static func attachPcap(_ path: String, payload: Int, to capture: SegmentSource, signalFD: Int32, log: Diagnostics) -> ExitStatus? {
        status({ () throws(OutputFile.OpenFailure) in
            capture.pcap = try PcapFile(path: path, payload: payload, signalFD: signalFD, onWaiting: waiting("--pcap", path, log: log))
        }, log: log)
    }
}
