/// `-C`: line endings sent as CRLF. A bare LF becomes CR LF; a LF already preceded by CR is left
/// alone (so a file that already has CRLF is not doubled). State carries across reads, because a
/// CR can end one read and its LF begin the next.
public struct CRLFEncoder: Sendable {
    private var lastWasCR = false

    public init() {}

    /// Encodes `input` into `output`, which must have room for `2 * input.count` bytes.
    /// Returns the number of bytes written.
    public mutating func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        var n = 0
        for byte in input {
            if byte == 0x0A && !lastWasCR {
                output[n] = 0x0D
                n += 1
            }
            output[n] = byte
            n += 1
            lastWasCR = byte == 0x0D
        }
        return n
    }
}
