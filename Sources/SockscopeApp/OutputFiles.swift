import SockscopeTransport

/// The files the modes write, opened the same way by each: `--pcap` once its capture runs (a
/// run that cannot capture never touches the file), a FIFO's wait said in one line, a failure
/// said in one line, a signal during the wait ending the mode by it (after its clean-up).
enum OutputFiles {
    /// `sockscope: --pcap f: waiting for a reader of the FIFO`.
    static func waiting(_ option: String, _ path: String, log: Diagnostics) -> () -> Void {
        { log.write("sockscope: \(option) \(path.terminalSafe): waiting for a reader of the FIFO") }
    }

    /// The file `make` opens; or no file and the status the mode ends with (a failure said in
    /// one line, a signal during a FIFO's wait).
    static func open<File>(log: Diagnostics, _ make: () throws(OutputFile.OpenFailure) -> File) -> (file: File?, status: ExitStatus?) {
        do {
            return (try make(), nil)
        } catch {
            switch error {
            case .failed(let line):
                log.error(line)
                return (nil, .failure)
            case .interrupted(let signal):
                return (nil, .signal(signal))
            }
        }
    }

    /// `--pcap PATH` on a running capture; nil when it is open, else the status to end with.
    static func attachPcap(_ path: String, secrets: Bool, to capture: any SegmentFeed, signalFD: Int32, log: Diagnostics) -> ExitStatus? {
        open(log: log) { () throws(OutputFile.OpenFailure) in
            try capture.recordPcap(to: path, secrets: secrets, signalFD: signalFD, onWaiting: waiting("--pcap", path, log: log))
        }.status
    }
}
