import RigKit
import RigModel

/// `tator.duckdns`: points the DuckDNS name at the load-balancer IP through DuckDNS's HTTPS
/// update API and checks the `OK`/`KO` answer. The token is a secret: it sits in a shell variable
/// of the script (sent over stdin), goes to curl as a config on stdin (`curl -K -`, fed by the
/// `printf` builtin), and so never appears on a command line. Skipped when no token is given.
public struct DuckDNSStep: StepType {
    public init() {}

    public let name = "tator.duckdns"
    public let summary = "Point the DuckDNS domain at the load-balancer IP (skipped without a token)"

    public let schema = ParameterSchema([
        .init("domain", .string, required: true, description: "The DuckDNS name, e.g. mysite.duckdns.org"),
        .init("loadBalancerIp", .ip, required: true, description: "The address the name should resolve to"),
        .init("token", .string, default: "", description: "The DuckDNS account token (a secret); empty: the step is skipped", secret: true),
        .init(
            "endpoint", .string, default: "https://www.duckdns.org/update",
            description: "The update API (the lab points this at its stand-in)"),
    ])

    public func validate(_ step: Step, context: ValidationContext) -> [Diagnostic] {
        let rendered = RenderedParameters(step: step, context: context)
        guard let domain = rendered.string("domain"), !domain.hasSuffix(".duckdns.org") else { return [] }
        return [
            .warning(
                "domain '\(domain)' is not a DuckDNS name (…​.duckdns.org); step '\(step.id)' will not update it",
                at: rendered.location("domain"), hint: "point your own DNS at the load-balancer IP instead")
        ]
    }

    public func plan(_ invocation: StepInvocation) throws -> TaskPlan {
        let p = Parameters(invocation, schema)
        let domain = try p.required("domain")
        let ip = try p.required("loadBalancerIp")
        let token = p.string("token")
        let q = Shell.quote
        guard domain.hasSuffix(".duckdns.org") else {
            return TaskPlan(check: Command("true", summary: "\(domain) is not a DuckDNS name: nothing to update"), actions: [])
        }
        if token.isEmpty, invocation.mode == .execute {
            return TaskPlan(check: Command("true", summary: "no DuckDNS token given: skipped"), actions: [])
        }
        let subdomain = String(domain.dropLast(".duckdns.org".count))
        let resolves = "[ \"$(getent ahostsv4 \(q(domain)) | awk '{ print $1; exit }')\" = \(q(ip)) ]"
        let script = ScriptBuilder.script(
            """
            token=\(q(token))
            [[ $token =~ ^[A-Za-z0-9-]+$ ]] || rig_fail 'the DuckDNS token holds unexpected characters; copy it again from duckdns.org'
            reply=$(printf 'url = "%s?domains=%s&token=%s&ip=%s&verbose=true"\\n' \(q(p.string("endpoint"))) \(q(subdomain)) "$token" \(q(ip)) \\
              | curl -sS --max-time 30 -K -) || rig_fail 'could not reach the DuckDNS update API at \(p.string("endpoint"))'
            case "$reply" in
              OK*) ;;
              KO*) rig_fail 'DuckDNS answered KO: the token is wrong or \(subdomain) is not a domain of your DuckDNS account';;
              *) rig_fail "DuckDNS answered neither OK nor KO: $(printf '%s' "$reply" | head -1)";;
            esac
            echo "rig: DuckDNS points \(domain) at \(ip)"
            case "$reply" in *NOCHANGE*) echo 'rig.changed=false' >> "${RIG_OUTPUT:-/dev/null}";; esac
            if ! \(resolves); then
              echo 'rig: warning: \(domain) does not resolve to \(ip) from here yet. DNS answers take a while to spread; routers with DNS-rebind protection also drop public names that point at private addresses: then add a local DNS entry or an /etc/hosts line.' >&2
            fi
            """)
        return TaskPlan(
            check: Command(resolves, summary: "does \(domain) already resolve to \(ip)?"),
            Command(script, summary: "update \(domain) → \(ip) at DuckDNS"))
    }
}
