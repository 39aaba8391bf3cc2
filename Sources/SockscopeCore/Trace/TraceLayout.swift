/// Where things are in the binary trace: the ring buffer page header (tracefs
/// `events/header_page`) and the fields of `sock/inet_sock_set_state` (its `format` file). Read
/// from the running kernel rather than assumed, so that a kernel that moves a field is read
/// right or refused, never misread.
public struct TraceLayout: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public var offset: Int
        public var size: Int
    }

    /// The event's numeric id (`ID:` in its format file): records of other events are skipped.
    public var eventID: UInt16
    public var timestamp: Field
    public var commit: Field
    public var data: Field
    public var type, pid, socket, oldState, newState, proto: Field
    /// The socket's two ends.
    public var ends: SocketFields
    public var sourcePort: Field { ends.sourcePort }
    public var destinationPort: Field { ends.destinationPort }
    public var family: Field { ends.family }
    public var sourceV4: Field { ends.sourceV4 }
    public var destinationV4: Field { ends.destinationV4 }
    public var sourceV6: Field { ends.sourceV6 }
    public var destinationV6: Field { ends.destinationV6 }

    /// nil when a field is missing or has an unexpected size.
    public init?(headerPage: String, eventFormat: String) {
        let page = Self.fields(headerPage)
        let event = Self.fields(eventFormat)
        guard let id = Self.eventID(eventFormat) else { return nil }
        func field(_ table: [String: Field], _ name: String, size: Int) -> Field? {
            guard let field = table[name], field.size == size else { return nil }
            return field
        }
        guard let timestamp = field(page, "timestamp", size: 8), let commit = field(page, "commit", size: 8),
              let data = page["data"],
              let type = field(event, "common_type", size: 2), let pid = field(event, "common_pid", size: 4),
              let socket = field(event, "skaddr", size: 8),
              let oldState = field(event, "oldstate", size: 4), let newState = field(event, "newstate", size: 4),
              let proto = field(event, "protocol", size: 2), let ends = SocketFields(event)
        else { return nil }
        self.eventID = id
        self.timestamp = timestamp
        self.commit = commit
        self.data = data
        self.type = type
        self.pid = pid
        self.socket = socket
        self.oldState = oldState
        self.newState = newState
        self.proto = proto
        self.ends = ends
    }

    /// A format file's event id (its `ID:` line).
    static func eventID(_ format: String) -> UInt16? {
        format.split(separator: "\n").first { $0.hasPrefix("ID:") }.flatMap { UInt16($0.dropFirst(3).split(separator: " ").first ?? "") }
    }

    /// The end of the event's record: every field must fit in a record this long.
    var recordLength: Int {
        [type, pid, socket, oldState, newState, sourcePort, destinationPort, family, proto,
         sourceV4, destinationV4, sourceV6, destinationV6].map { $0.offset + $0.size }.max() ?? 0
    }

    /// `field:TYPE NAME[N];  offset:O;  size:S;` lines, by NAME (array brackets dropped).
    static func fields(_ text: String) -> [String: Field] {
        var table: [String: Field] = [:]
        for line in text.split(separator: "\n") {
            // `field:TYPE NAME`, `offset:O`, `size:S`, with the tabs and spaces between dropped.
            let parts = line.split(separator: ";").map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ") }
            guard parts.count >= 3, parts[0].hasPrefix("field:"),
                  let offset = Int(parts[1].drop { $0 != ":" }.dropFirst()),
                  let size = Int(parts[2].drop { $0 != ":" }.dropFirst()),
                  let declared = parts[0].split(separator: " ").last else { continue }
            let name = declared.prefix { $0 != "[" }
            table[String(name)] = Field(offset: offset, size: size)
        }
        return table
    }
}
