import Foundation
import Testing

@testable import TatorSteps

@Suite struct ExportsEditorTests {
    let editor = ExportsEditor.tator(share: "/media/kubernetes_share", lan: "192.168.1.0/24")
    let share = "/media/kubernetes_share 192.168.1.0/24(rw,async,no_subtree_check)"
    let scratch = "/media/kubernetes_share/scratch 192.168.1.0/24(rw,async,no_subtree_check)"

    @Test func addsBothLinesToAnEmptyOrMissingFile() {
        #expect(editor.apply(to: "") == share + "\n" + scratch + "\n")
    }

    @Test func keepsOtherLinesCommentsAndBlankLinesInPlace() {
        let original = """
            # /etc/exports: the access control list for filesystems which may be exported
            #\t\tto NFS clients.  See exports(5).

            /srv/homes       hostname1(rw,sync,no_subtree_check) hostname2(ro,sync,no_subtree_check)
            # /media/kubernetes_share 10.0.0.0/8(rw)   <- a commented-out line stays
            /srv/other "*"(ro)

            """
        let result = editor.apply(to: original)
        #expect(result == original + share + "\n" + scratch + "\n")
    }

    @Test func isIdempotent() {
        let once = editor.apply(to: "/srv/a *(ro)\n")
        #expect(editor.apply(to: once) == once)
        #expect(editor.apply(to: editor.apply(to: "")) == editor.apply(to: ""))
    }

    @Test func replacesAStaleLineForTheSamePathWhereItStands() {
        let original = "/srv/a *(ro)\n/media/kubernetes_share/ 127.0.0.1/255.255.255.255(rw,async,no_subtree_check)\n/srv/b *(ro)\n"
        #expect(editor.apply(to: original) == "/srv/a *(ro)\n\(share)\n/srv/b *(ro)\n\(scratch)\n")
    }

    @Test func neverDuplicatesEvenWhenTheFileAlreadyHadDuplicates() {
        let original = "\(scratch)\n\(share)\n/srv/x *(ro)\n\(share)\n\t\(scratch)\n"
        let result = editor.apply(to: original)
        #expect(result == "\(scratch)\n\(share)\n/srv/x *(ro)\n")
        #expect(result.components(separatedBy: "\n").filter { $0.hasPrefix("/media") }.count == 2)
    }

    @Test func treatsContinuationLinesAsOneEntry() {
        let original = "/media/kubernetes_share \\\n    10.0.0.0/8(rw)\n/srv/y *(ro)\n"
        #expect(editor.apply(to: original) == "\(share)\n/srv/y *(ro)\n\(scratch)\n")
    }

    @Test func keepsAFileWithoutTrailingNewlineReadable() {
        #expect(editor.apply(to: "/srv/z *(ro)") == "/srv/z *(ro)\n\(share)\n\(scratch)\n")
    }

    @Test func doesNotConfuseAPathThatOnlySharesAPrefix() {
        let original = "/media/kubernetes_share_old *(ro)\n"
        #expect(editor.apply(to: original) == original + share + "\n" + scratch + "\n")
    }
}
