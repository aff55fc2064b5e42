/// POSIX-quotes `s` so a shell passes it to a command as one literal word: quotes, spaces,
/// `$()`, backticks and newlines included. Words made only of safe characters stay bare.
///
/// Works on Unicode scalars, not Characters: an apostrophe followed by a combining mark is one
/// Character to Swift but still a closing quote to bash.
public func shellQuote(_ s: String) -> String {
    if !s.isEmpty, s.unicodeScalars.allSatisfy(isShellSafe) { return s }
    var quoted = String.UnicodeScalarView()
    quoted.append("'")
    for scalar in s.unicodeScalars {
        if scalar == "'" { quoted.append(contentsOf: #"'\''"#.unicodeScalars) } else { quoted.append(scalar) }
    }
    quoted.append("'")
    return String(quoted)
}

private func isShellSafe(_ c: Unicode.Scalar) -> Bool {
    switch c.value {
    case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
    default: return "_-./:@%+,".unicodeScalars.contains(c)
    }
}
