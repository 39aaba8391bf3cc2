import Testing
import TestSupport

/// `make install PREFIX=… DESTDIR=…` puts the binary, the man page and the completions where
/// shells and man look for them. (`install` builds in release first and then runs
/// `install-files`; the test runs the latter with the binary already built, since SwiftPM's build
/// folder is locked while the tests run.)
struct InstallTests {
    @Test(.enabled(if: Paths.which("make"), "skipped: needs make"))
    func makeInstallIntoAStagingDirectory() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let result = try Child.run(["make", "-s", "-C", Paths.packageRoot, "install-files", "PREFIX=/usr/local",
                                        "DESTDIR=\(scratch.path)", "BIN=\(Paths.sockscope)"], timeout: 60)
            #expect(result.code == 0, "\(result.child.stderrText.suffix(2000))")
            for file in ["bin/sockscope", "share/man/man1/sockscope.1", "share/bash-completion/completions/sockscope",
                         "share/zsh/site-functions/_sockscope", "share/fish/vendor_completions.d/sockscope.fish"] {
                #expect(fileExists("\(scratch.path)/usr/local/\(file)"), "missing \(file)")
            }
            let version = try Child.run(["\(scratch.path)/usr/local/bin/sockscope", "--version"])
            #expect(version.code == 0 && version.child.stdoutText == "0.1.0\n")
        }
    }
}
