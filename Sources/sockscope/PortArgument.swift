import ArgumentParser
import SockscopeApp

/// A subcommand's PORT argument read as nc reads one (a number or a service name, 1 to 65535),
/// its problem said as ArgumentParser's usage error (exit 64).
func portArgument(_ text: String) throws -> UInt16 {
    do {
        return try Planning.port(text)
    } catch {
        throw ValidationError(error.message)
    }
}
