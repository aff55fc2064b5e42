/// The parts of `kubeadm token create --print-join-command` output:
/// `kubeadm join 192.168.1.10:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:…`.
/// Held only in memory; its `description` never shows the token.
struct JoinCommand: Sendable, Hashable, CustomStringConvertible {
    var endpoint: String
    var token: String
    var caCertHashes: [String]

    init?(_ output: String) {
        guard let line = output.split(whereSeparator: \.isNewline).last(where: { $0.contains("kubeadm join") }) else { return nil }
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init).filter { $0 != "\\" }
        guard let joinIndex = words.firstIndex(of: "join") else { return nil }
        var endpoint: String?
        var token: String?
        var hashes: [String] = []
        var i = joinIndex + 1
        while i < words.count {
            let word = words[i]
            func value() -> String? {
                if let eq = word.firstIndex(of: "=") { return String(word[word.index(after: eq)...]) }
                i += 1
                return i < words.count ? words[i] : nil
            }
            if word.hasPrefix("--token") {
                token = value()
            } else if word.hasPrefix("--discovery-token-ca-cert-hash") {
                if let h = value() { hashes.append(h) }
            } else if !word.hasPrefix("-"), endpoint == nil {
                endpoint = word
            }
            i += 1
        }
        // A bootstrap token is `[a-z0-9]{6}.[a-z0-9]{16}`.
        guard let endpoint, let token, !hashes.isEmpty,
            token.wholeMatch(of: /[a-z0-9]{6}\.[a-z0-9]{16}/) != nil,
            hashes.allSatisfy({ $0.wholeMatch(of: /sha256:[0-9a-f]{64}/) != nil }),
            endpoint.wholeMatch(of: /[A-Za-z0-9.\-\[\]:]+/) != nil
        else { return nil }
        self.endpoint = endpoint
        self.token = token
        self.caCertHashes = hashes
    }

    var description: String { "kubeadm join \(endpoint) --token <redacted> (\(caCertHashes.count) CA hash)" }

    /// A `JoinConfiguration` for `kubeadm join --config`, so the token never appears on a command line.
    func configuration(apiVersion: String, nodeName: String, nodeIP: String?, criSocket: String? = nil) -> String {
        var yaml = """
            apiVersion: \(apiVersion)
            kind: JoinConfiguration
            discovery:
              bootstrapToken:
                apiServerEndpoint: "\(endpoint)"
                token: "\(token)"
                caCertHashes:

            """
        for hash in caCertHashes { yaml += "      - \"\(hash)\"\n" }
        yaml += """
            nodeRegistration:
              name: "\(nodeName)"

            """
        if let criSocket { yaml += "  criSocket: \"\(criSocket)\"\n" }
        if let nodeIP { yaml += Self.kubeletExtraArgs(["node-ip": nodeIP], apiVersion: apiVersion) }
        return yaml
    }

    /// `nodeRegistration.kubeletExtraArgs` (indented for it): a map up to v1beta3, a list of
    /// `name`/`value` pairs from v1beta4 (kubeadm 1.31+).
    static func kubeletExtraArgs(_ arguments: [String: String], apiVersion: String) -> String {
        var yaml = "  kubeletExtraArgs:\n"
        for (name, value) in arguments.sorted(by: { $0.key < $1.key }) {
            if apiVersion.hasSuffix("/v1beta1") || apiVersion.hasSuffix("/v1beta2") || apiVersion.hasSuffix("/v1beta3") {
                yaml += "    \(name): \"\(value)\"\n"
            } else {
                yaml += "    - name: \(name)\n      value: \"\(value)\"\n"
            }
        }
        return yaml
    }
}
