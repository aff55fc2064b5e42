import Crypto
import Foundation
import RigKit
import RigModel

/// `tator.checkout`: Tator's source on the master. Either a git clone at a pinned ref with its
/// submodules, or, for machines without internet access, a local checkout (a folder) or a
/// tarball on the machine running rig (`tatorSource`), uploaded and unpacked. Skipped when the
/// right ref (or the same source, by SHA-256) is already there. `helm/tator/values.yaml` survives
/// a re-upload.
public struct CheckoutStep: StepType {
    public init() {}

    public let name = "tator.checkout"
    public let summary = "Clone Tator at a pinned ref with submodules, or upload a local checkout/tarball"

    public let schema = ParameterSchema([
        CommonParameters.tatorDir,
        .init("repository", .string, default: "https://github.com/cvisionai/tator.git", description: "Git URL of Tator"),
        .init(
            "ref", .string, default: "1.0.5",
            description:
                "Tag or commit to check out (1.0.5: the last tag with helm/tator, renders on Kubernetes 1.36; 0.2.12, the last with the tutorial text, uses APIs removed in 1.22/1.25)"
        ),
        .init(
            "source", .string, default: "",
            description: "A folder or tarball on the machine running rig to upload instead of cloning (offline machines)"),
    ])

    public func validate(_ step: Step, context: ValidationContext) -> [Diagnostic] {
        let rendered = RenderedParameters(step: step, context: context)
        guard let source = rendered.string("source"), !source.isEmpty else { return [] }
        guard FileManager.default.fileExists(atPath: source) else {
            return [
                .error(
                    "tatorSource '\(source)' does not exist on this machine", at: rendered.location("source"),
                    hint: "give the path of a Tator checkout (a folder) or a tarball of one, or leave tatorSource empty to clone")
            ]
        }
        return []
    }

    static let marker = ".rig-source-sha256"
    static let uploadPath = "\(TatorLayout.stateDirectory)/tator-source.tar"

    public func plan(_ invocation: StepInvocation) throws -> TaskPlan {
        let p = Parameters(invocation, schema)
        if !p.string("source").isEmpty {
            return uploadPlan(
                p, digest: "<sha256 of \(p.string("source")), computed at run time>",
                archive: Array("(a tar archive of \(p.string("source")), made at run time)\n".utf8))
        }
        return try gitPlan(p)
    }

    public func execute(_ invocation: StepInvocation, context: any TaskContext) throws -> TaskResult {
        let p = Parameters(invocation, schema)
        let source = p.string("source")
        guard !source.isEmpty else { return try context.run(gitPlan(p), invocation: invocation) }
        let archive = try Self.archive(source)
        let digest = SHA256.hash(data: archive).map { String(format: "%02x", $0) }.joined()
        return try context.run(uploadPlan(p, digest: digest, archive: [UInt8](archive)), invocation: invocation)
    }

    func gitPlan(_ p: Parameters) throws -> TaskPlan {
        let q = Shell.quote
        let dir = p.string("tatorDir")
        let ref = try p.required("ref")
        let repository = try p.required("repository")
        // Without the `.git` test an absent checkout passes: both rev-parses print nothing.
        let atRef = [
            "[ -d \(q(dir + "/.git")) ]",
            "[ \"$(git -C \(q(dir)) rev-parse HEAD)\" = \"$(git -C \(q(dir)) rev-parse --verify -q \(q(ref + "^{commit}")))\" ]",
            "! git -C \(q(dir)) submodule status --recursive | grep -q '^[-+U]'",
        ]
        let check = ScriptBuilder.check([Ensure("\(dir) is at \(ref) with its submodules", checks: atRef, apply: "")])
        let apply = ScriptBuilder.script(
            """
            command -v git >/dev/null || { rig_apt update; rig_apt install git; }
            if [ ! -d \(q(dir + "/.git")) ]; then
              git clone \(q(repository)) \(q(dir))
            fi
            git -C \(q(dir)) rev-parse --verify -q \(q(ref + "^{commit}")) >/dev/null || git -C \(q(dir)) fetch --tags origin
            git -C \(q(dir)) rev-parse --verify -q \(q(ref + "^{commit}")) >/dev/null \\
              || rig_fail 'ref \(ref) does not exist in \(repository); set tatorRef to a tag or commit of it'
            git -C \(q(dir)) -c advice.detachedHead=false checkout \(q(ref)) \\
              || rig_fail 'cannot check out \(ref) in \(dir): local changes are in the way (git -C \(dir) status)'
            git -C \(q(dir)) submodule update --init --recursive
            """)
        return TaskPlan(
            check: Command(check, become: true, summary: "is \(dir) at \(ref)?"),
            Command(apply, become: true, summary: "clone \(repository) at \(ref) into \(dir)"))
    }

    func uploadPlan(_ p: Parameters, digest: String, archive: [UInt8]) -> TaskPlan {
        let q = Shell.quote
        let dir = p.string("tatorDir")
        let markerPath = dir + "/" + Self.marker
        let unpack = ScriptBuilder.script(
            """
            keep=$(mktemp -d)
            [ -f \(q(dir + "/helm/tator/values.yaml")) ] && cp -p \(q(dir + "/helm/tator/values.yaml")) "$keep/"
            rm -rf \(q(dir + ".rig-new"))
            mkdir -p \(q(dir + ".rig-new"))
            tar -xf \(Self.uploadPath) -C \(q(dir + ".rig-new")) || rig_fail 'the uploaded tatorSource is not a tar archive'
            # A tarball of a folder may hold that folder as its only top-level entry.
            src=\(q(dir + ".rig-new"))
            only=$(ls -A "$src")
            if [ ! -f "$src/Makefile" ] && [ "$(printf '%s\\n' "$only" | wc -l)" = 1 ] && [ -d "$src/$only" ]; then
              mv "$src/$only" \(q(dir + ".rig-inner")) && rmdir "$src" && mv \(q(dir + ".rig-inner")) "$src"
            fi
            [ -f "$keep/values.yaml" ] && cp -p "$keep/values.yaml" \(q(dir + ".rig-new/helm/tator/values.yaml"))
            rm -rf "$keep" \(q(dir + ".rig-old"))
            [ -e \(q(dir)) ] && mv \(q(dir)) \(q(dir + ".rig-old"))
            mv \(q(dir + ".rig-new")) \(q(dir))
            rm -rf \(q(dir + ".rig-old")) \(Self.uploadPath)
            echo \(q(digest)) > \(q(markerPath))
            [ -f \(q(dir + "/Makefile")) ] || rig_fail 'tatorSource has no Makefile at its top: is it a Tator checkout?'
            """)
        return TaskPlan(
            check: Command("grep -qxF \(q(digest)) \(q(markerPath))", become: true, summary: "is \(dir) the same source?"),
            actions: [
                .run(Command("mkdir -p \(TatorLayout.stateDirectory)", become: true)),
                .upload(FileUpload(path: Self.uploadPath, content: archive, mode: 0o600, become: true)),
                .run(Command(unpack, become: true, summary: "unpack the source into \(dir)")),
            ])
    }

    /// The bytes of a tarball, or a tar archive made of a folder (by the system's tar).
    static func archive(_ source: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
            throw StepFailure.failed("tatorSource '\(source)' does not exist on this machine")
        }
        if !isDirectory.boolValue {
            guard let data = FileManager.default.contents(atPath: source) else {
                throw StepFailure.failed("cannot read tatorSource '\(source)'")
            }
            return data
        }
        return try TarArchiver.archive(folder: source)
    }
}
