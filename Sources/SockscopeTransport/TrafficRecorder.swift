/// Observer of every chunk that crosses the network, for --hex-dump.
public protocol TrafficRecorder: AnyObject {
    func record(_ bytes: UnsafeRawBufferPointer, sent: Bool, peer: SocketAddress?)
    /// A signal that arrived while the recorder waited for its reader: the engine ends by it.
    var interruption: Int32? { get }
    /// A connection opened: the session has begun (a dump's file is emptied now, not before).
    func connectionOpened()
}
