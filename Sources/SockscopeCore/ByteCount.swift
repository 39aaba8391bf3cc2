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

    /// The same without the space and the B, for a narrow column: `512`, `65K`, `1.2M` (powers of
    /// 1024, as ss -i's windows are counted in bytes of buffer).
    public static func brief(_ bytes: UInt64) -> String {
        guard bytes >= 1024 else { return "\(bytes)" }
        let text = ByteCount.text(bytes, binary: true)
        let parts = text.split(separator: " ")
        guard parts.count == 2, let unit = parts[1].first else { return text }
        let number = parts[0].hasSuffix(".0") || parts[0].count > 3 ? String(parts[0].split(separator: ".")[0]) : String(parts[0])
        return number + String(unit)
    }
}
