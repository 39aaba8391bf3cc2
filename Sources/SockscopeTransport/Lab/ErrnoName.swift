import Glibc

/// errno as its symbolic name, the word a lesson expects and a learner looks up.
enum ErrnoName {
    static func of(_ code: Int32) -> String {
        switch code {
        case ECONNREFUSED: "ECONNREFUSED"
        case ETIMEDOUT: "ETIMEDOUT"
        case ECONNRESET: "ECONNRESET"
        case EADDRINUSE: "EADDRINUSE"
        case EADDRNOTAVAIL: "EADDRNOTAVAIL"
        case EPIPE: "EPIPE"
        case EHOSTUNREACH: "EHOSTUNREACH"
        case ENETUNREACH: "ENETUNREACH"
        case ECONNABORTED: "ECONNABORTED"
        case EAGAIN: "EAGAIN"
        case EINPROGRESS: "EINPROGRESS"
        case EBADF: "EBADF"
        case ENOTCONN: "ENOTCONN"
        default: "errno \(code) (\(String(cString: strerror(code))))"
        }
    }
}
