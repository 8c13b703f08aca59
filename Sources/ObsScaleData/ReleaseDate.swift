/// Release dates as the panel carries them: ISO calendar dates, `YYYY-MM-DD`.
///
/// A panel's date column (`PanelFormat.dateColumn`, `--date-column`) is read into
/// `ModelInfo.releaseDate`; a date split (`SplitRule.dateCutoff`, `--cutoff-date`) trains on the
/// models released up to a day and tests on the later ones. Dates are kept as their ISO text, which
/// orders like the days themselves.
public enum ReleaseDate {
    /// The day `text` names, as `YYYY-MM-DD`, or nil when it names none. Accepted: an ISO date,
    /// optionally followed by a time (`2024-05-05T12:22:44Z`, `2024-05-05 12:22`), as leaderboard
    /// exports write them; the month and day must exist (29 February only in leap years). O(length).
    public static func parse(_ text: String) -> String? {
        let bytes = Array(TextInput.trimmed(text).utf8)
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        if bytes.count > 10 && bytes[10] != UInt8(ascii: "T") && bytes[10] != UInt8(ascii: " ") { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), (1...12).contains(month), day >= 1 else {
            return nil
        }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard day <= days else { return nil }
        return String(decoding: bytes[0..<10], as: UTF8.self)
    }
}
