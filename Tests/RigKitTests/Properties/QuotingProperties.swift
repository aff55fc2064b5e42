import Foundation
import PropertyBased
import RigKit
import RigModel
import Testing

/// Whatever a user types (quotes, `$()`, backticks, newlines, globs, any Unicode), a value rendered
/// through the `shell` filter reaches the command as exactly those bytes.
@Suite struct QuotingProperties {
    static let specials: [Character] = Array("'\"`$()\\{}[]*?!#&;|<>~=%^ \t\n\r-,:@") + ["\u{7F}", "é", "ß", "𝄞", "\u{200B}"]

    static let anyCharacter = Gen<Character>.oneOf(
        Gen.ascii.filter { $0 != "\0" }.eraseToAnySequence(),
        Gen<Character?>.element(of: specials).map { $0! }.eraseToAnySequence(),
        Gen<UnicodeScalar>.unicodeScalar(in: "\u{80}"..."\u{D7FF}").map(Character.init).eraseToAnySequence())

    @Test func anyStringsReachBashLiterallyThroughTheShellFilter() async throws {
        let template = try TemplateParser.parse(
            "printf '%s\\0' ${{ inputs.items | shell }}", location: SourceLocation(file: "w.yaml", line: 1, column: 1))
        await propertyCheck(input: Self.anyCharacter.string(of: 0...24).array(of: 1...8)) { items in
            let context = RenderContext(inputs: ["items": .list(items.map { .string($0) })], mode: .execute)
            let command = try Renderer.renderText(template, in: context)
            let printed = try Self.bashOutput(command).split(separator: 0, omittingEmptySubsequences: false).dropLast()
            #expect(printed.map { String(decoding: $0, as: UTF8.self) } == items)
        }
    }

    @Test func shellQuoteOfAnyStringIsOneWordForBash() async throws {
        await propertyCheck(input: Self.anyCharacter.string(of: 0...40)) { text in
            let output = try Self.bashOutput("set -- \(shellQuote(text)); printf '%s|%s' \"$#\" \"$1\"")
            #expect(String(decoding: output, as: UTF8.self) == "1|" + text)
        }
    }

    static func bashOutput(_ command: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", command]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }
}
