/// Fixed names from Tator's tutorial and chart.
enum TatorLayout {
    static let share = "/media/kubernetes_share"
    /// Folders under the share. The single-node tutorial creates `postgres`, but the chart's
    /// `postgis.hostPath` is `.../postgis`, so both are made.
    static let shareFolders = ["media", "static", "backup", "migrations", "scratch", "elasticsearch", "postgres", "postgis", "objects"]
    /// hostPath folders the chart mounts on the dbServer node's own disk.
    static let dbServerFolders = ["postgis", "elasticsearch"]
    static let labels = ["gpuWorker", "cpuWorker", "webServer", "dbServer"]
    static let checkout = "/opt/tator"
    static let storageClass = "nfs-client"
    static let stateDirectory = "/var/lib/rig/tator"
    static let apiPort = 6443
    /// Ports kubeadm needs free on a control-plane node and on a worker.
    static let masterPorts = [6443, 2379, 2380, 10250, 10251, 10252, 10257, 10259]
    static let workerPorts = [10250]
}
