import Foundation
import RecurrentNet

/// The LSTM shipped inside the package (trained by `scripts/train-default.sh`; model card in
/// `reports/default-model.md`). Commands that take `--model` use it when none is given.
public enum DefaultModel {
    /// Resource name of the checkpoint.
    public static let resourceName = "default-lstm"

    /// Path of the embedded checkpoint inside the package's resource bundle.
    public static var path: String? {
        Bundle.module.path(forResource: resourceName, ofType: "safetensors")
    }

    /// Loads the embedded checkpoint.
    public static func load() throws -> RecurrentModel.Checkpoint {
        guard let p = path else {
            throw ModelError("the embedded default model is missing from this build (expected resource \(resourceName).safetensors)")
        }
        return try RecurrentModel.load(from: p)
    }

    /// `path` when given, else the embedded model; with a display name for reports.
    public static func resolve(_ path: String?) throws -> (checkpoint: RecurrentModel.Checkpoint, name: String) {
        if let p = path { return (try RecurrentModel.load(from: p), p) }
        let c = try load()
        return (c, "default \(c.model.config.shortName)")
    }
}
