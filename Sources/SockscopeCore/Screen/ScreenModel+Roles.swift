/// Names a logged transition's socket by its part in our session.
extension ScreenModel {
    public func role(of item: TransitionLog.Item) -> SocketRole? {
        guard let session = item.session else { return nil }
        let entry = item.transition.entry
        let ours = board.session(of: ConnectionKey(entry)) != nil
            || (entry.local.port == 0 && board.session(dialing: entry.remote, proto: entry.proto) != nil)
        guard ours else { return .peersSocket }
        if session == 0 { return .ourListener }
        switch openings[session] {
        case .dialed: return .ourDialer
        case .accepted: return .ourListenersConnection
        case .heard, nil: return .ours
        }
    }
}
