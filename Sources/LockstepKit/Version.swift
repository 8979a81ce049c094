/// Lockstep's version, shown by `lockstep --version` and recorded in reports.
public enum LockstepVersion {
    public static let string = "0.1.0"
}
