/// The tool's version.
public enum ObsScaleVersion {
    /// The version string, e.g. in `obsscale --version`, every JSON and HTML report and saved law.
    public static let current = "0.1.0"
}
