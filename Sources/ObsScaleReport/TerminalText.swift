/// Text from a user's files made safe to print on a terminal.
///
/// A model name is whatever a file holds; one with an escape sequence (`ESC [ 2 J` clears the
/// screen, `ESC ] 52` writes the clipboard, bidirectional overrides reorder what is shown) must
/// be shown, not obeyed. `escaped` writes each control character as a visible escape: C0 controls
/// and DEL as `\x1B`, C1 controls (U+0080–U+009F) and the bidirectional embeddings, overrides
/// and isolates (U+202A–U+202E, U+2066–U+2069) as `\u{202E}`. Text without any — the usual case —
/// is returned as it is after one byte scan. O(length).
public enum TerminalText {
    /// `text` with control characters escaped; line breaks and tabs are kept when
    /// `keepingLayout` (a whole report), escaped otherwise (a table cell, a name).
    public static func escaped(_ text: String, keepingLayout: Bool = true) -> String {
        guard needsEscaping(text.utf8, keepingLayout: keepingLayout) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if keepingLayout && (scalar == "\n" || scalar == "\t") {
                result.unicodeScalars.append(scalar)
            } else if value < 0x20 || value == 0x7F {
                result += "\\x" + hex(value, digits: 2)
            } else if (0x80...0x9F).contains(value) || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) {
                result += "\\u{" + hex(value, digits: 4) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Whether the UTF-8 bytes hold a character `escaped` rewrites (C1 controls are C2 80–9F;
    /// the bidirectional controls E2 80 AA–AE and E2 81 A6–A9).
    static func needsEscaping(_ bytes: String.UTF8View, keepingLayout: Bool) -> Bool {
        var previous: UInt8 = 0
        var beforePrevious: UInt8 = 0
        for byte in bytes {
            if byte < 0x20 && !(keepingLayout && (byte == 0x0A || byte == 0x09)) { return true }
            if byte == 0x7F { return true }
            if previous == 0xC2 && (0x80...0x9F).contains(byte) { return true }
            if beforePrevious == 0xE2 && previous == 0x80 && (0xAA...0xAE).contains(byte) { return true }
            if beforePrevious == 0xE2 && previous == 0x81 && (0xA6...0xA9).contains(byte) { return true }
            beforePrevious = previous
            previous = byte
        }
        return false
    }

    static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
