import LockstepCore
import TensorRTFormat

/// The `lockstep inspect` job: load a model form and describe it.
public enum Inspect {
    public static func run(path: String) throws -> InspectReport {
        switch try ModelFile.open(path: path) {
        case .model(let model):
            return ModelInspector.inspect(model)
        case .tensorRT(let bundle):
            var report = ModelInspector.inspect(bundle.model)
            report.tensorrt = TensorRTDetailsBuilder.details(bundle)
            return report
        }
    }
}
