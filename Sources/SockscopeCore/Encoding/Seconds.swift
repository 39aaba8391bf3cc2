/// Seconds as people write them: `1`, `0.5`.
public enum Seconds {
    public static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
