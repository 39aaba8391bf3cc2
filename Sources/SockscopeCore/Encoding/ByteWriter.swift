/// Appends text to a byte buffer without intermediate strings: the --json and table output of
/// tens of thousands of sockets is written through it.
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// Empties the buffer and keeps its memory, for output written in chunks.
    public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    @inline(__always) public mutating func append(byte: UInt8) { bytes.append(byte) }

    public mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Decimal digits, gathered right to left on the stack and appended at once (a JSON row has
    /// seven numbers; one append each, not one per digit).
    public mutating func append(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(truncatingIfNeeded: value) + 0x30)
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: UInt64.max has 20 digits
        withUnsafeMutableBytes(of: &digits) { raw in
            var rest = value
            var start = raw.count
            repeat {
                start -= 1
                raw[start] = UInt8(truncatingIfNeeded: rest % 10) + 0x30
                rest /= 10
            } while rest > 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[start...]))
        }
    }

    public mutating func append(_ value: Int) {
        if value < 0 { bytes.append(0x2D) }
        append(value.magnitude.asUInt64)
    }

    /// `127.0.0.1:8080` or `[::1]:8080`; IPv4 digits are written directly (the common case).
    public mutating func append(_ endpoint: SocketEndpoint) {
        let address = endpoint.address
        if address.isIPv6 {
            bytes.append(0x5B)
            append(address.description)
            bytes.append(0x5D)
        } else {
            for shift in stride(from: 24, through: 0, by: -8) {
                append(UInt64(address.low >> UInt64(shift) & 0xFF))
                if shift > 0 { bytes.append(0x2E) }
            }
        }
        bytes.append(0x3A)
        append(UInt64(endpoint.port))
    }

    /// A JSON string, escaped.
    public mutating func appendJSONString(_ text: String) {
        append(JSONValue.quote(text))
    }

    public mutating func appendSpaces(_ count: Int) {
        if count > 0 { bytes.append(contentsOf: repeatElement(0x20, count: count)) }
    }
}

extension UInt {
    var asUInt64: UInt64 { UInt64(self) }
}

extension SocketEntry {
    /// The `sockscope states --json` object (documented in the man page), written straight into
    /// `out`: no value tree, no string per field, for tables of tens of thousands of rows.
    public func writeJSON(owner: StatesTable.Owner?, to out: inout ByteWriter) {
        out.append("{\"proto\":\"")
        out.append(proto.rawValue)
        out.append("\",\"state\":\"")
        out.append(stateName)
        out.append("\",\"local\":\"")
        out.append(local)
        out.append("\",\"remote\":\"")
        out.append(remote)
        out.append("\",\"recvQ\":")
        out.append(UInt64(recvQueue))
        out.append(",\"sendQ\":")
        out.append(UInt64(sendQueue))
        out.append(",\"timer\":\"")
        out.append(timer.name)
        out.append("\",\"expiresMs\":")
        if let expiresMs { out.append(expiresMs) } else { out.append("null") }
        out.append(",\"retransmits\":")
        out.append(UInt64(retransmits))
        out.append(",\"uid\":")
        out.append(UInt64(uid))
        out.append(",\"inode\":")
        out.append(inode)
        out.append(",\"pid\":")
        if let owner { out.append(Int(owner.pid)) } else { out.append("null") }
        out.append(",\"command\":")
        if let owner { out.appendJSONString(owner.command) } else { out.append("null") }
        out.append("}")
    }
}
