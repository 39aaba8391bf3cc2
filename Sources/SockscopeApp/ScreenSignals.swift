import Glibc
import SockscopeTUI

/// The signals a screen lives through rather than ends by, one rule for every screen (a
/// session's, a lesson's): SIGWINCH resizes; SIGTSTP gives the terminal back to the shell while
/// stopped and takes it again after; SIGCONT alone (another hand than the shell's fg) needs only
/// the next draw's repaint. Whether the signal was one of these: the others end the screen.
enum ScreenSignals {
    static func follow(_ signal: Int32, on screen: Screen, io: SystemIO) -> Bool {
        switch signal {
        case SIGWINCH:
            screen.resize()
        case SIGTSTP:
            screen.suspend()
            io.stopProcess()
            screen.resume()
        case SIGCONT:
            break
        default:
            return false
        }
        return true
    }
}
