import Foundation

/// The files rig lab puts on its hosts: the simulated tools (installed into each host's
/// /usr/local/bin) and the Tator stand-in (handed to the workflow as `tatorSource`).
public enum LabResources {
    /// The folder of simulated tools: every file in it goes into a host's /usr/local/bin as is.
    public static var tools: URL { folder("tools") }

    /// The project's stand-in for a Tator checkout (helm/tator/values-devExample.yaml, Makefile).
    public static var tatorStandin: URL { folder("tator-standin") }

    private static func folder(_ name: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent(name, isDirectory: true)
    }
}
