import LockstepCore

/// The `lockstep inspect` job: load a model file and describe it.
public enum Inspect {
    public static func run(path: String) throws -> InspectReport {
        ModelInspector.inspect(try ModelFile.load(path: path))
    }
}
