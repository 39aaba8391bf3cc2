/// Decodes an Ethernet frame as AF_PACKET and pcap files hold it — on `lo` too, whose frames have
/// zeroed MAC addresses — down to its TCP header or UDP length. Pure; every length is checked
/// against the bytes there are, so a cut or forged frame is an error, never a trap. Checksums are
/// not verified: frames captured on the sending host carry unfinished ones (offload).
public enum FrameDecoder {
    static let etherTypeIPv4: UInt16 = 0x0800
    static let etherTypeIPv6: UInt16 = 0x86DD
    static let etherTypeVLAN: UInt16 = 0x8100
    static let protocolTCP: UInt8 = 6
    static let protocolUDP: UInt8 = 17

    public static func decode(_ frame: UnsafeRawBufferPointer) -> Result<DecodedFrame, FrameError> {
        decodeWithHeaders(frame).map(\.frame)
    }

    /// The frame and where its headers end (Ethernet, IP and TCP or UDP): the bytes before
    /// `headerEnd` are headers, those after are the segment's data (and any link padding).
    public static func decodeWithHeaders(_ frame: UnsafeRawBufferPointer) -> Result<(frame: DecodedFrame, headerEnd: Int), FrameError> {
        let bytes = Bytes(frame)
        guard var etherType = bytes.u16(12) else { return .failure(.truncated) }
        var offset = 14
        if etherType == etherTypeVLAN {  // one 802.1Q tag
            guard let inner = bytes.u16(16) else { return .failure(.truncated) }
            etherType = inner
            offset = 18
        }
        switch etherType {
        case etherTypeIPv4: return decodeIPv4(bytes, at: offset)
        case etherTypeIPv6: return decodeIPv6(bytes, at: offset)
        default: return .failure(.notIP(etherType))
        }
    }

    public static func decode(_ frame: [UInt8]) -> Result<DecodedFrame, FrameError> {
        frame.withUnsafeBytes { decode($0) }
    }

    /// Decodes an IP packet without its link header, as nflog hands over a logged one: the
    /// version in its first nibble says which.
    public static func decodePacket(_ packet: UnsafeRawBufferPointer) -> Result<DecodedFrame, FrameError> {
        let bytes = Bytes(packet)
        guard let first = bytes.u8(0) else { return .failure(.truncated) }
        switch first >> 4 {
        case 4: return decodeIPv4(bytes, at: 0).map(\.frame)
        case 6: return decodeIPv6(bytes, at: 0).map(\.frame)
        default: return .failure(.malformed)
        }
    }

    typealias Decoded = Result<(frame: DecodedFrame, headerEnd: Int), FrameError>

    static func decodeIPv4(_ bytes: Bytes, at start: Int) -> Decoded {
        guard let first = bytes.u8(start), let totalLength = bytes.u16(start + 2), let fragment = bytes.u16(start + 6),
              let proto = bytes.u8(start + 9), let source = bytes.u32(start + 12), let destination = bytes.u32(start + 16)
        else { return .failure(.truncated) }
        let headerLength = Int(first & 0x0F) * 4
        guard first >> 4 == 4, headerLength >= 20, Int(totalLength) >= headerLength else { return .failure(.malformed) }
        guard fragment & 0x1FFF == 0 else { return .failure(.laterFragment) }
        return decodeTransport(bytes, at: start + headerLength, length: Int(totalLength) - headerLength, protocol: proto,
                               source: IPAddress(ipv4: source), destination: IPAddress(ipv4: destination))
    }

    static func decodeIPv6(_ bytes: Bytes, at start: Int) -> Decoded {
        guard let first = bytes.u8(start), let payloadLength = bytes.u16(start + 4), var next = bytes.u8(start + 6),
              let source = bytes.address6(start + 8), let destination = bytes.address6(start + 24)
        else { return .failure(.truncated) }
        guard first >> 4 == 6 else { return .failure(.malformed) }
        var offset = start + 40
        var left = Int(payloadLength)
        // Extension headers before TCP or UDP: hop-by-hop, routing, fragment, destination options.
        for _ in 0..<8 {
            switch next {
            case 0, 43, 60:
                guard let following = bytes.u8(offset), let units = bytes.u8(offset + 1) else { return .failure(.truncated) }
                let length = (Int(units) + 1) * 8
                guard length <= left else { return .failure(.malformed) }
                next = following
                offset += length
                left -= length
            case 44:
                guard let following = bytes.u8(offset), let fragment = bytes.u16(offset + 2) else { return .failure(.truncated) }
                guard fragment & 0xFFF8 == 0 else { return .failure(.laterFragment) }
                guard left >= 8 else { return .failure(.malformed) }
                next = following
                offset += 8
                left -= 8
            default:
                return decodeTransport(bytes, at: offset, length: left, protocol: next, source: source, destination: destination)
            }
        }
        return .failure(.malformed)
    }

    /// `length`: the transport header and its data, as the IP header counts them.
    static func decodeTransport(_ bytes: Bytes, at start: Int, length: Int, protocol proto: UInt8,
                                source: IPAddress, destination: IPAddress) -> Decoded {
        switch proto {
        case protocolTCP:
            guard let sourcePort = bytes.u16(start), let destinationPort = bytes.u16(start + 2),
                  let sequence = bytes.u32(start + 4), let acknowledgment = bytes.u32(start + 8),
                  let offsetByte = bytes.u8(start + 12), let flags = bytes.u8(start + 13),
                  let window = bytes.u16(start + 14), let urgent = bytes.u16(start + 18)
            else { return .failure(.truncated) }
            let headerLength = Int(offsetByte >> 4) * 4
            guard headerLength >= 20, headerLength <= length else { return .failure(.malformed) }
            guard bytes.count >= start + headerLength else { return .failure(.truncated) }
            let header = TCPHeader(flags: TCPFlags(rawValue: flags), sequence: sequence, acknowledgment: acknowledgment,
                                   window: window, urgentPointer: urgent, dataLength: length - headerLength,
                                   options: options(bytes, from: start + 20, to: start + headerLength))
            return .success((DecodedFrame(source: SocketEndpoint(address: source, port: sourcePort),
                                          destination: SocketEndpoint(address: destination, port: destinationPort),
                                          transport: .tcp(header)), start + headerLength))
        case protocolUDP:
            guard let sourcePort = bytes.u16(start), let destinationPort = bytes.u16(start + 2),
                  let udpLength = bytes.u16(start + 4), bytes.count >= start + 8  // and its checksum
            else { return .failure(.truncated) }
            guard udpLength >= 8, Int(udpLength) <= length else { return .failure(.malformed) }
            return .success((DecodedFrame(source: SocketEndpoint(address: source, port: sourcePort),
                                          destination: SocketEndpoint(address: destination, port: destinationPort),
                                          transport: .udp(length: Int(udpLength) - 8)), start + 8))
        default:
            return .failure(.otherProtocol(proto))
        }
    }

    /// The options between the fixed header and the data. An option whose length runs past the
    /// header ends the list (as the kernel's parser stops), keeping what came before.
    static func options(_ bytes: Bytes, from start: Int, to end: Int) -> [TCPOption] {
        var options: [TCPOption] = []
        var offset = start
        while offset < end, let kind = bytes.u8(offset) {
            if kind == 0 { options.append(.endOfList); break }
            if kind == 1 { options.append(.noOperation); offset += 1; continue }
            guard let lengthByte = bytes.u8(offset + 1), lengthByte >= 2, offset + Int(lengthByte) <= end else { break }
            let length = Int(lengthByte)
            let body = offset + 2
            switch (kind, length) {
            case (2, 4):
                options.append(.maximumSegmentSize(bytes.u16(body) ?? 0))
            case (3, 3):
                options.append(.windowScale(bytes.u8(body) ?? 0))
            case (4, 2):
                options.append(.sackPermitted)
            case (5, _) where (length - 2) % 8 == 0:
                let blocks = stride(from: body, to: offset + length, by: 8).map {
                    TCPOption.SACKBlock(left: bytes.u32($0) ?? 0, right: bytes.u32($0 + 4) ?? 0)
                }
                options.append(.sack(blocks))
            case (8, 10):
                options.append(.timestamps(value: bytes.u32(body) ?? 0, echoReply: bytes.u32(body + 4) ?? 0))
            default:
                options.append(.other(kind: kind, length: length))
            }
            offset += length
        }
        return options
    }

    /// Big-endian reads that answer nil past the end.
    struct Bytes {
        let raw: UnsafeRawBufferPointer
        init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }

        var count: Int { raw.count }

        func u8(_ offset: Int) -> UInt8? {
            offset >= 0 && offset < raw.count ? raw[offset] : nil
        }

        func u16(_ offset: Int) -> UInt16? {
            guard offset >= 0, offset + 2 <= raw.count else { return nil }
            return UInt16(raw[offset]) << 8 | UInt16(raw[offset + 1])
        }

        func u32(_ offset: Int) -> UInt32? {
            guard let high = u16(offset), let low = u16(offset + 2) else { return nil }
            return UInt32(high) << 16 | UInt32(low)
        }

        func address6(_ offset: Int) -> IPAddress? {
            guard let a = u32(offset), let b = u32(offset + 4), let c = u32(offset + 8), let d = u32(offset + 12) else { return nil }
            return IPAddress(ipv6High: UInt64(a) << 32 | UInt64(b), low: UInt64(c) << 32 | UInt64(d))
        }
    }
}
