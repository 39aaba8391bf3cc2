/// Byte streams that survive being interleaved: many clients write into one stdout, each chunk
/// whole but in any order, so a plain comparison is impossible. Every byte of client `c` carries
/// `c` in its top five bits and three pseudo-random bits below; splitting the output by the top
/// bits gives back each client's stream, which must equal what it sent — a lost, repeated or
/// reordered chunk shifts the random low bits and shows.
public enum TaggedStreams {
    public static let maxClients = 32

    /// The bytes client `client` sends.
    public static func bytes(client: Int, count: Int, seed: UInt64 = 0x5EED) -> [UInt8] {
        precondition(client >= 0 && client < maxClients)
        let noise = randomBytes(count, seed: seed &+ UInt64(client) &* 0x9E37_79B9)
        let tag = UInt8(client << 3)
        return noise.map { tag | ($0 & 7) }
    }

    /// Splits `output` back into one stream per client (`clients` of them).
    public static func split(_ output: [UInt8], clients: Int) -> [[UInt8]] {
        var streams = [[UInt8]](repeating: [], count: clients)
        for index in 0..<clients { streams[index].reserveCapacity(output.count / max(clients, 1) + 1) }
        output.withUnsafeBufferPointer { raw in
            for byte in raw {
                let client = Int(byte >> 3)
                if client < clients { streams[client].append(byte) }
            }
        }
        return streams
    }

    /// A line per client whose stream differs from what it sent (empty when every one matches).
    public static func mismatches(_ output: [UInt8], sent: [[UInt8]]) -> [String] {
        let streams = split(output, clients: sent.count)
        var problems: [String] = []
        for (client, expected) in sent.enumerated() where streams[client] != expected {
            let got = streams[client]
            let firstDifference = zip(got, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, expected.count)
            problems.append("client \(client): \(got.count) of \(expected.count) bytes, first difference at \(firstDifference)")
        }
        let stray = output.count - streams.reduce(0) { $0 + $1.count }
        if stray > 0 { problems.append("\(stray) bytes that no client sent") }
        return problems
    }
}
