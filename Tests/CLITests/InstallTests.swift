import Foundation
import Testing
import _TestSupport

/// `make install`'s layout works from anywhere: the binary in PREFIX/bin finds the presets and the
/// synthetic panel in PREFIX/share/obsscale from an unrelated working directory, with no
/// environment variable. (The test installs this build's binary with `make install-files`; CI
/// also runs the full `make install`, static build included.)
struct InstallTests {
    @Test func installedBinaryFindsItsDataFromAnyDirectory() throws {
        let prefix = TestPaths.temporaryDirectory()
        let make = try runProcess(
            "/usr/bin/env", ["make", "--no-print-directory", "install-files", "PREFIX=\(prefix.path)", "INSTALL_BIN=\(obsscaleBinary)"],
            directory: TestPaths.root)
        #expect(make.status == 0, "\(make.stderr)")
        let installed = prefix.appendingPathComponent("bin/obsscale").path
        #expect(FileManager.default.isExecutableFile(atPath: installed))
        let elsewhere = TestPaths.temporaryDirectory()
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "OBSSCALE_HOME")
        let synthetic = try runProcess(installed, ["pca", "--components", "3"], environment: ["OBSSCALE_HOME": ""], directory: elsewhere)
        #expect(synthetic.status == 0, "\(synthetic.stderr)")
        #expect(synthetic.stdout.contains("Capability space of 150 models"))
        #expect(
            synthetic.stderr.contains("\(prefix.path)/bin/../share/obsscale/data/synthetic/panel.csv")
                || synthetic.stderr.contains("share/obsscale/data/synthetic/panel.csv"))
        let preset = try runProcess(
            installed, ["pca", "--preset", "paper-2024", "--panel", TestPaths.panel], environment: ["OBSSCALE_HOME": ""], directory: elsewhere)
        #expect(preset.status == 0, "\(preset.stderr)")
        #expect(preset.stdout.contains("77 models in 21 families (preset paper-2024)"))
    }
}
