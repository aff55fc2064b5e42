import Foundation

/// The files rig ships for the lab (SwiftPM resources of RigLab, the `rig_RigLab.resources`
/// bundle beside the executable): the simulated tools and the Tator stand-in checkout.
public enum LabResources {
    /// The simulated kubeadm, kubectl, helm, … installed in every host's /usr/local/bin.
    public static var tools: String? { folder("tools") }
    /// The project's small stand-in for a Tator checkout (values-devExample.yaml, Makefile).
    public static var tatorStandIn: String? { folder("tator-standin") }

    static func folder(_ name: String) -> String? {
        guard let base = Bundle.module.resourceURL else { return nil }
        let path = base.appendingPathComponent(name).path
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue ? path : nil
    }

    /// Whether the simulated tools are there (more than the placeholder README).
    static var hasTools: Bool {
        guard let tools else { return false }
        return ((try? FileManager.default.contentsOfDirectory(atPath: tools)) ?? []).contains {
            !$0.hasPrefix("README") && !$0.hasPrefix(".")
        }
    }
}
