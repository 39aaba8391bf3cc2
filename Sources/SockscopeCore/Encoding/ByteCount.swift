/// Byte counts as people read them, to a tenth: `512 B`, `53.0 MB` (powers of 1000, as
/// `ls -h --si`) or `12.3 KiB` (powers of 1024).
public enum ByteCount {
    public static func text(_ bytes: UInt64, binary: Bool = false) -> String {
        let base = binary ? 1024.0 : 1000.0
        if Double(bytes) < base { return "\(bytes) B" }
        let (tenths, unit) = scaled(bytes, base: base)
        let units = binary ? ["KiB", "MiB", "GiB", "TiB"] : ["KB", "MB", "GB", "TB"]
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    /// `bytes` (at least `base`) in tenths of the largest unit that keeps it under `base`, and
    /// which unit that is (0: kilo).
    static func scaled(_ bytes: UInt64, base: Double) -> (tenths: Int, unit: Int) {
        var value = Double(bytes) / base
        var unit = 0
        while value * 10 >= base * 10 - 0.5 && unit < 3 {
            value /= base
            unit += 1
        }
        return (Int((value * 10).rounded()), unit)
    }

    public static func text(_ bytes: Int) -> String { text(UInt64(max(0, bytes))) }

    /// The same without the space and the B, for a narrow column: `512`, `64K`, `1.2M`, `120K`
    /// (powers of 1024, as ss -i's windows are counted in bytes of buffer; a tenth only below 100).
    public static func brief(_ bytes: UInt64) -> String {
        guard bytes >= 1024 else { return "\(bytes)" }
        let (tenths, unit) = scaled(bytes, base: 1024)
        let letter = ["K", "M", "G", "T"][unit]
        return tenths % 10 == 0 || tenths >= 1000 ? "\(tenths / 10)\(letter)" : "\(tenths / 10).\(tenths % 10)\(letter)"
    }
}
