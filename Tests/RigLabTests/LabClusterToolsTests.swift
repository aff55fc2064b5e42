import Foundation
import Testing

/// The lab's strict cluster tools (kubectl, kubeadm, helm, docker, npm) on sandboxed hosts
/// (ToolLab: Support/lab-host). The host gets its packages and a cluster by writing the lab's
/// state files directly, so these tests do not depend on the apt simulation.
enum ClusterToolsFixture {
    static let realHelm = "/usr/local/lib/rig-tools/bin/helm"
    static var hasRealHelm: Bool { FileManager.default.isExecutableFile(atPath: realHelm) }
    static let noRealHelm: Comment = "needs the real helm at /usr/local/lib/rig-tools/bin/helm (run scripts/install-deps)"
    static let standin = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/RigLab/Resources/tator-standin").standardized.path
    static let references = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/reference/tator-at-refs").standardized.path

    /// Packages installed, docker running, a v1.36 cluster whose kubeconfig is root's, helm from curl.
    static let prepared = """
        set -e
        python3 - <<'PY'
        import json, os
        p = '/var/lib/rig-lab/host/host.json'
        os.makedirs(os.path.dirname(p), exist_ok=True)
        h = json.load(open(p)) if os.path.exists(p) else {}
        h.setdefault('packages', {}).update({'kubectl': '1.36.3-1.1', 'kubeadm': '1.36.3-1.1', 'kubelet': '1.36.3-1.1',
            'docker-ce-cli': '5:28.5.1-1~ubuntu.24.04~noble', 'docker-ce': '5:28.5.1-1~ubuntu.24.04~noble', 'npm': '9.2.0~ds1-2',
            'python3': '3.12.3-0ubuntu2', 'git': '1:2.43.0-1ubuntu7', 'curl': '8.5.0-2ubuntu10'})
        h.setdefault('units', {})['docker'] = {'enabled': True, 'active': True}
        json.dump(h, open(p, 'w'))
        shared = [l.split('=', 1)[1].strip() for l in open('/etc/rig-lab/host.env') if l.startswith('RIG_LAB_SHARED=')][0]
        c = os.path.join(shared, 'cluster.json')
        import sys; sys.path.insert(0, '/usr/local/bin'); import _riglab
        state = _riglab.empty_cluster()
        state.update(json.load(open(c)) if os.path.exists(c) else {})
        state['cluster'] = {'id': 'c1', 'endpoint': '192.168.1.10:6443', 'version': 'v1.36.3', 'initAt': 0}
        state['namespaces'] = sorted(set(state['namespaces']) | {'default', 'kube-system'})
        json.dump(state, open(c, 'w'))
        PY
        mkdir -p /root/.kube
        printf 'apiVersion: v1\\n# rig-lab-cluster: c1\\nclusters:\\n- cluster:\\n    server: https://192.168.1.10:6443\\n' > /root/.kube/config
        cd /tmp && curl -fsSL https://get.helm.sh/helm-v4.2.3-linux-amd64.tar.gz | tar xz && install linux-amd64/helm /usr/local/bin/helm

        """

    /// A chart folder with one template.
    static func chart(_ template: String) -> String {
        """
        rm -rf /tmp/c && mkdir -p /tmp/c/templates
        printf 'apiVersion: v2\\nname: c\\nversion: 0.1.0\\n' > /tmp/c/Chart.yaml
        cat > /tmp/c/templates/t.yaml <<'YAML'
        \(template)
        YAML

        """
    }
}

@Suite(.enabled(if: ToolLab.available, "needs root, unshare and /usr/bin/python3"), .serialized)
struct LabClusterToolsTests {
    @Test func unknownFlagsAndCommandsAreRefusedWithTheRealToolsWords() throws {
        let lab = try ToolLab()
        let (status, output) = try lab.run(
            "master1",
            ClusterToolsFixture.prepared + """
                set +e
                kubectl get pods --foo; echo "kubectl=$?"
                kubectl frobnicate; echo "kubectl-cmd=$?"
                kubeadm init --experimental-upload-certs; echo "kubeadm=$?"
                helm install --foo x y; echo "helm=$?"
                helm install --debug --atomic --timeout 60m0s --set a=b 2>&1 | head -1
                kubectl get nodes -o name; echo "ok=$?"
                """)
        #expect(status == 0, "\(output)")
        #expect(output.contains("error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\nkubectl=1"), "\(output)")
        #expect(output.contains("error: unknown command \"frobnicate\" for \"kubectl\"\nkubectl-cmd=1"), "\(output)")
        #expect(
            output.contains(
                "unknown flag: --experimental-upload-certs\nTo see the stack trace of this error execute with --v=5 or higher\nkubeadm=1"),
            "\(output)")
        #expect(output.contains("Error: unknown flag: --foo\nhelm=1"), "\(output)")
        #expect(!output.contains("unknown flag: --atomic"), "helm 4 still takes the Makefile's --atomic")
        #expect(output.contains("ok=0"), "\(output)")
    }

    @Test(.enabled(if: ClusterToolsFixture.hasRealHelm, ClusterToolsFixture.noRealHelm))
    func aRemovedApiIsRefusedNamingTheObject() throws {
        let lab = try ToolLab()
        let (status, output) = try lab.run(
            "master1",
            ClusterToolsFixture.prepared
                + ClusterToolsFixture.chart(
                    """
                    apiVersion: rbac.authorization.k8s.io/v1beta1
                    kind: ClusterRoleBinding
                    metadata:
                      name: old-binding
                    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                    """) + "helm install x /tmp/c")
        #expect(status == 1)
        #expect(output.contains("Error: INSTALLATION FAILED: unable to build kubernetes objects from release manifest"), "\(output)")
        #expect(output.contains("ClusterRoleBinding/old-binding") && output.contains("not served since Kubernetes 1.22"), "\(output)")
    }

    @Test(.enabled(if: ClusterToolsFixture.hasRealHelm, ClusterToolsFixture.noRealHelm))
    func anImageTheLabCannotPullIsRefusedNamingTheImage() throws {
        let lab = try ToolLab()
        let deployment = { (image: String) in
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: cache
            spec:
              selector: {matchLabels: {app: cache}}
              template:
                metadata: {labels: {app: cache}}
                spec:
                  containers:
                    - name: redis
                      image: \(image)
            """
        }
        let (status, output) = try lab.run(
            "master1",
            ClusterToolsFixture.prepared + ClusterToolsFixture.chart(deployment("docker.io/bitnami/redis:6.2.7-debian-11-r3"))
                + "helm install --wait --timeout 1m x /tmp/c")
        #expect(status == 1)
        #expect(
            output.contains("image docker.io/bitnami/redis:6.2.7-debian-11-r3 cannot be pulled") && output.contains("bitnamilegacy"),
            "\(output)")

        let (legacy, legacyOutput) = try lab.run(
            "master1",
            ClusterToolsFixture.chart(deployment("docker.io/bitnamilegacy/redis:6.2.7-debian-11-r3"))
                + "helm install --wait --timeout 1m y /tmp/c")
        #expect(legacy == 0, "\(legacyOutput)")
    }

    @Test(.enabled(if: ClusterToolsFixture.hasRealHelm, ClusterToolsFixture.noRealHelm))
    func dependencyUpdateFailsOnTheDefaultBitnamiIndexAndWorksOnTheArchive() throws {
        let lab = try ToolLab()
        let copy =
            ClusterToolsFixture.prepared + """
                rm -rf /tmp/t && cp -r \(ClusterToolsFixture.standin) /tmp/t && cd /tmp/t
                # minio's old repository answers 404; point it at charts.min.io's chart so only Bitnami is in question
                sed -i 's|version: 8.0.8|version: 5.4.0|; s|https://helm.min.io|https://charts.min.io|' helm/tator/Chart.yaml

                """
        let (failed, failedOutput) = try lab.run("master1", copy + "helm dependency update helm/tator")
        #expect(failed == 1)
        #expect(
            failedOutput.contains(
                #"can't get a valid version for 2 subchart(s): "metallb" (repository "https://charts.bitnami.com/bitnami", version "3.0.7"), "redis""#
            ), "\(failedOutput)")

        let (worked, output) = try lab.run(
            "master1",
            copy + """
                sed -i 's|https://charts.bitnami.com/bitnami|https://raw.githubusercontent.com/bitnami/charts/archive-full-index/bitnami|' helm/tator/Chart.yaml
                helm dependency update helm/tator && ls helm/tator/charts | tr '\\n' ' '
                cp helm/tator/values-devExample.yaml v.yaml
                helm template tator helm/tator -f v.yaml --set gitRevision=abc | grep -c 'image: "docker.io/bitnami/redis'
                """)
        #expect(worked == 0, "\(output)")
        #expect(
            output.contains("metallb minio prometheus-adapter prometheus-statsd-exporter redis") || output.contains("redis "), "\(output)")
        #expect(output.contains("\n1\n") || output.hasSuffix("1\n"), "the generated redis subchart renders Bitnami's image: \(output)")
    }

    @Test func makeClusterWithoutNpmFailsAndTheUiImageNeedsUiDist() throws {
        let lab = try ToolLab()
        let (status, output) = try lab.run(
            "master1",
            ClusterToolsFixture.prepared + """
                set +e
                rm -rf /tmp/t && cp -r \(ClusterToolsFixture.standin) /tmp/t && cd /tmp/t
                docker build -t localhost:5000/tator_ui:x -f containers/tator_ui/Dockerfile .; echo "build=$?"
                python3 - <<'PY'
                import json; p = '/var/lib/rig-lab/host/host.json'; h = json.load(open(p)); del h['packages']['npm']; json.dump(h, open(p, 'w'))
                PY
                cp helm/tator/values-devExample.yaml helm/tator/values.yaml
                make webpack; echo "make=$?"
                """)
        #expect(status == 0, "\(output)")
        #expect(output.contains(#""/ui/dist": not found"#) && output.contains("build=1"), "\(output)")
        #expect(output.contains("npm: command not found") && output.contains("make=2"), "\(output)")
    }

    @Test func npmInstallAndBuildMakeUiDistSoTheUiImageBuilds() throws {
        let lab = try ToolLab()
        let (status, output) = try lab.run(
            "master1",
            ClusterToolsFixture.prepared + """
                rm -rf /tmp/t && cp -r \(ClusterToolsFixture.standin) /tmp/t && cd /tmp/t
                (cd ui && npm install && npm run build) >/dev/null
                test -f ui/dist/main.js && test -d ui/node_modules/webpack
                docker build -t localhost:5000/tator_ui:x -f containers/tator_ui/Dockerfile .
                """)
        #expect(status == 0, "\(output)")
    }
}

/// The render check against the real Tator charts (read from ../shared/reference when present).
@Suite(
    .enabled(if: ToolLab.available && ClusterToolsFixture.hasRealHelm, "needs root and the real helm (scripts/install-deps)"), .serialized)
struct LabClusterRealChartTests {
    static var haveReferences: Bool {
        FileManager.default.fileExists(atPath: ClusterToolsFixture.references + "/1.0.5/helm/tator/Chart.yaml")
    }

    func render(_ ref: String) throws -> (Int32, String) {
        let lab = try ToolLab()
        return try lab.run(
            "master1",
            ClusterToolsFixture.prepared + """
                rm -rf /tmp/r && cp -r \(ClusterToolsFixture.references)/\(ref)/helm/tator /tmp/r
                sed -i 's|https://charts.bitnami.com/bitnami|https://raw.githubusercontent.com/bitnami/charts/archive-full-index/bitnami|; s|version: 8.0.8|version: 5.4.0|; s|https://helm.min.io/*$|https://charts.min.io|' /tmp/r/Chart.yaml
                helm dependency update /tmp/r >/dev/null
                helm template tator /tmp/r -f /tmp/r/values-devExample.yaml --set gitRevision=abc --set staticPv.enabled=false --kube-version 1.36.0 | grep -c '^apiVersion:'
                """)
    }

    @Test(.enabled(if: haveReferences, "needs ../shared/reference/tator-at-refs")) func tator105RendersWithNoRemovedApiOn136() throws {
        let (status, output) = try render("1.0.5")
        #expect(status == 0, "\(output)")
    }

    @Test(.enabled(if: haveReferences, "needs ../shared/reference/tator-at-refs")) func tator0212IsRefusedForRbacV1beta1AndBatchV1beta1()
        throws
    {
        let (status, output) = try render("0.2.12")
        #expect(status == 1)
        #expect(output.contains(#"no matches for kind "ClusterRoleBinding" in version "rbac.authorization.k8s.io/v1beta1""#), "\(output)")
        #expect(output.contains("not served since Kubernetes 1.22") && output.contains("CronJob/sizer-cron"), "\(output)")
    }
}
