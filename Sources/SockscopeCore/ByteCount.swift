/// Byte counts as people read them, to a tenth: `512 B`, `53.0 MB` (powers of 1000, as
/// `ls -h --si`) or `12.3 KiB` (powers of 1024).
public enum ByteCount {
    public static func text(_ bytes: UInt64, binary: Bool = false) -> String {
        let base = binary ? 1024.0 : 1000.0
        if Double(bytes) < base { return "\(bytes) B" }
        let units = binary ? ["KiB", "MiB", "GiB", "TiB"] : ["KB", "MB", "GB", "TB"]
        var value = Double(bytes) / base
        var unit = 0
        while value * 10 >= base * 10 - 0.5 && unit < units.count - 1 {
            value /= base
            unit += 1
        }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    public static func text(_ bytes: Int) -> String { text(UInt64(max(0, bytes))) }
}
