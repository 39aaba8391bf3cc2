/// Names a logged transition's socket by its part in our connection.
extension ScreenModel {
    public func role(of item: TransitionLog.Item) -> SocketRole? {
        guard let connection = item.connection else { return nil }
        let entry = item.transition.entry
        let ours = board.connection(of: ConnectionKey(entry)) != nil
            || (entry.local.port == 0 && board.connection(dialing: entry.remote, proto: entry.proto) != nil)
        guard ours else { return .peersSocket }
        if connection == 0 { return .ourListener }
        switch openings[connection] {
        case .dialed: return .ourDialer
        case .accepted: return .ourListenersConnection
        case .heard, nil: return .ours
        }
    }
}
