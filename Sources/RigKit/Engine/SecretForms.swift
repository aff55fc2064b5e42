import Foundation
import RigModel

/// The strings that give a secret away, for masking: the value as written and as the `shell`
/// and `json` filters quote it; for a multi-line value, each line of at least
/// `minimumLineLength` characters and the value with its newlines turned into spaces; and, for
/// a value of that length or more, its base64 (also with the newline `echo` adds), whole and in
/// the 76-column lines `base64` prints by default.
public enum SecretForms {
    /// Shorter lines of a multi-line secret (a blank or a lone brace) are too common to mask.
    public static let minimumLineLength = 4

    /// Every form of every non-empty secret, longest first, so a longer form is masked before
    /// a shorter one inside it.
    public static func forms(of secrets: [String]) -> [String] {
        var forms = Set<String>()
        for value in secrets where !value.isEmpty {
            forms.insert(value)
            forms.insert(shellQuote(value))
            forms.insert(Value.string(value).jsonText)
            if value.contains(where: \.isNewline) {
                for line in value.split(whereSeparator: \.isNewline) where line.count >= minimumLineLength {
                    forms.insert(String(line))
                }
                let trimmed = String(value.reversed().drop(while: \.isNewline).reversed())
                for text in [value, trimmed] where text.contains(where: \.isNewline) {
                    forms.insert(String(text.map { $0.isNewline ? " " : $0 }))
                }
            }
            // The base64 of a shorter value is a few characters that occur anywhere.
            for bytes in [value, value + "\n"].map({ Data($0.utf8) }) where value.count >= minimumLineLength {
                let encoded = bytes.base64EncodedString()
                forms.insert(encoded)
                if encoded.count > 76 {
                    var rest = Substring(encoded)
                    while !rest.isEmpty {
                        let line = rest.prefix(76)
                        if line.count >= minimumLineLength { forms.insert(String(line)) }
                        rest = rest.dropFirst(76)
                    }
                }
            }
        }
        return forms.sorted { ($0.count, $0) > ($1.count, $1) }
    }
}
