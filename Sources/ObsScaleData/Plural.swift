/// Counts in words for messages and reports: "1 model", "3 models", "0 models".
public enum Plural {
    /// `count` and the noun, plural unless `count` is 1 (`plural` for irregular nouns; default:
    /// the noun + "s").
    public static func count(_ count: Int, _ noun: String, _ plural: String? = nil) -> String {
        "\(count) \(count == 1 ? noun : plural ?? noun + "s")"
    }
}
