import Foundation

/// Finds the file an `extends:` names. In order:
/// 1. a path relative to the extending file's folder (or an absolute path);
/// 2. for a bare name (no `/`), `workflows/NAME` in the extending file's folder, then in each
///    folder above it — so a file anywhere in a project can extend the project's shipped workflows.
/// A name without an extension also tries `.yaml` and `.yml`.
public enum ExtendsResolver {
    public static func resolve(_ reference: String, from file: String) -> String? {
        let folder = (file as NSString).deletingLastPathComponent
        for name in candidates(reference) {
            let direct = WorkflowLoader.resolve(name, relativeTo: file)
            if isFile(direct) { return direct }
        }
        guard !reference.contains("/") else { return nil }
        var current = folder.isEmpty ? FileManager.default.currentDirectoryPath : folder
        while true {
            for name in candidates(reference) {
                let path = (current as NSString).appendingPathComponent("workflows/" + name)
                if isFile(path) { return path }
            }
            let parent = (current as NSString).deletingLastPathComponent
            if parent == current || parent.isEmpty { return nil }
            current = parent
        }
    }

    /// Whether two paths name the same file.
    static func same(_ a: String, _ b: String) -> Bool {
        canonical(a) == canonical(b)
    }

    private static func canonical(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return (absolute as NSString).resolvingSymlinksInPath
    }

    private static func candidates(_ reference: String) -> [String] {
        (reference as NSString).pathExtension.isEmpty ? [reference, reference + ".yaml", reference + ".yml"] : [reference]
    }

    private static func isFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}
