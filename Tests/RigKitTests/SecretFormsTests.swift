import Foundation
import Testing

@testable import RigKit

@Suite struct SecretFormsTests {
    @Test func wrappedBase64AndWindowsLinesOfASecretAreMasked() {
        let key = (0..<6).map { "line-\($0)-" + String(repeating: "k", count: 40) }.joined(separator: "\r\n")
        let redactor = Redactor([key])
        let wrapped = Data(key.utf8).base64EncodedString(options: .lineLength76Characters).replacingOccurrences(of: "\r\n", with: "\n")
        #expect(redactor.redact(wrapped).replacingOccurrences(of: Redactor.mask, with: "").allSatisfy { $0 == "\n" })
        #expect(redactor.redact("x line-3-\(String(repeating: "k", count: 40)) y") == "x *** y")
    }

    @Test func shortLinesAndTheBase64OfShortSecretsAreLeftAlone() {
        let forms = SecretForms.forms(of: ["abc", "{\n  \"k\": \"long-value\"\n}"])
        #expect(forms.contains("abc") && !forms.contains("YWJj"))
        #expect(forms.contains("  \"k\": \"long-value\"") && !forms.contains("{") && !forms.contains("}"))
        #expect(forms.contains("{   \"k\": \"long-value\" }"))
    }
}
