/// A field of a recorded lesson event, read with its bounds. A recording is a file that travels
/// (a teacher hands it to a class): every number in it is checked here, where it enters, so that
/// nothing downstream (a clock, the ladder, a duration) is ever handed one it cannot format.
public enum RecordedField {
    /// Why a recorded object is not an event: a field missing or of the wrong kind, or a number
    /// out of its range. `field` is the key as the file spells it (`time`, `ends[2].sendQ`).
    public enum Problem: Error, Equatable, Sendable {
        case missing(String)
        case outOfRange(String, String)

        /// `'time' is 1e+16, out of range (-604800 to 604800)`.
        public var text: String {
            switch self {
            case .missing(let field): "'\(field)' is missing or not of its kind"
            case .outOfRange(let field, let detail): "'\(field)' \(detail)"
            }
        }
    }

    /// A time, in seconds from the lesson's start: within a week either way (a lesson lasts
    /// minutes; a capture's stamp can come a little before the start).
    public static let times: ClosedRange<Double> = -604_800...604_800
    /// How long a step took: up to a week.
    public static let durations: ClosedRange<Double> = 0...604_800
    /// Step numbers and counts: a lesson has a few dozen steps at most.
    public static let steps: ClosedRange<Int> = 0...1000
    /// A quiz's answers: two an end, a few ends a step.
    public static let answers: ClosedRange<Int> = 0...100_000
    /// A socket's queue, as the kernel counts it (32 bits).
    public static let queues: ClosedRange<Int> = 0...Int(UInt32.max)

    public static func string(_ object: JSONValue, _ key: String, as name: String? = nil) throws(Problem) -> String {
        guard let value = object[key]?.string else { throw .missing(name ?? key) }
        return value
    }

    /// A string or null (absent is null too).
    public static func optionalString(_ object: JSONValue, _ key: String, as name: String? = nil) throws(Problem) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw .missing(name ?? key)
        }
    }

    public static func int(_ object: JSONValue, _ key: String, in range: ClosedRange<Int>, as name: String? = nil) throws(Problem) -> Int {
        try int(object[key], in: range, as: name ?? key)
    }

    public static func int(_ value: JSONValue?, in range: ClosedRange<Int>, as name: String) throws(Problem) -> Int {
        switch value {
        case .int(let number)? where range.contains(number): return number
        case .int(let number)?: throw .outOfRange(name, "is \(number), out of range (\(range.lowerBound) to \(range.upperBound))")
        case .double(let number)?:
            throw .outOfRange(name, "is \(number), not a whole number from \(range.lowerBound) to \(range.upperBound)")
        default: throw .missing(name)
        }
    }

    /// A whole number that must fit `T` (a sequence number, a port, a window).
    public static func fixed<T: FixedWidthInteger>(_ object: JSONValue, _ key: String, _: T.Type, as name: String? = nil) throws(Problem) -> T {
        let value = try int(object[key], in: Int(clamping: T.min)...Int(clamping: T.max), as: name ?? key)
        return T(truncatingIfNeeded: value)
    }

    public static func seconds(_ object: JSONValue, _ key: String, in range: ClosedRange<Double>) throws(Problem) -> Double {
        guard let value = object[key]?.double else { throw .missing(key) }
        guard range.contains(value) else {
            throw .outOfRange(key, "is \(value), out of range (\(Int(range.lowerBound)) to \(Int(range.upperBound)) seconds)")
        }
        return value
    }
}
