import DefaultModelBytes
import NestNetSupport
import RecurrentNet

/// The LSTM shipped inside the executable (trained by `scripts/train-default.sh`; model card in
/// `reports/default-model.md`; bytes compiled in from
/// `Sources/DefaultModelBytes/default-lstm.safetensors`). Commands that take `--model` use it
/// when none is given.
public enum DefaultModel {
    /// The embedded checkpoint's bytes.
    public static var bytes: [UInt8] {
        Array(UnsafeBufferPointer(start: nestnet_default_model_bytes(), count: nestnet_default_model_count()))
    }

    /// How errors name the embedded checkpoint.
    static let source = "the embedded default model"

    /// The embedded second opinion's bytes: a smaller LSTM trained apart from the default
    /// model (scripts/train-default.sh), which `check` asks about every file the default
    /// model flags.
    public static var secondBytes: [UInt8] {
        Array(UnsafeBufferPointer(start: nestnet_second_model_bytes(), count: nestnet_second_model_count()))
    }

    /// The second opinion at `path` when given, else the embedded one: as `resolve`.
    public static func resolveSecond(_ path: String?, movesAllowed: Bool = false) throws -> (checkpoint: RecurrentModel.Checkpoint, name: String, sha256: String) {
        if path != nil { return try resolve(path, movesAllowed: movesAllowed) }
        return try embedded(secondBytes, source: "the embedded second-opinion model", name: "second opinion")
    }

    /// Loads the embedded checkpoint.
    public static func load() throws -> RecurrentModel.Checkpoint {
        try RecurrentModel.load(bytes: bytes, source: source)
    }

    /// The model at `path` when given, else the embedded one, read once: the checkpoint, a
    /// name for reports, and the SHA-256 of the bytes that were loaded. Unless `lexerAllowed`, a
    /// model trained with `train --lexer-only` is refused: its final head was never trained.
    /// With `movesAllowed`, a stack network (`train --lexer-only --stack-moves`) is taken too:
    /// `check` reads it by its own stack.
    public static func resolve(_ path: String?, lexerAllowed: Bool = false, movesAllowed: Bool = false) throws -> (checkpoint: RecurrentModel.Checkpoint, name: String, sha256: String) {
        if let p = path {
            let b = try RecurrentModel.checkpointBytes(p)
            let c = try RecurrentModel.load(bytes: b, source: p)
            let lexer = c.metadata["train.lexer_only"]
            guard lexerAllowed || lexer == nil || (movesAllowed && lexer == "stack-moves") else {
                throw NestNetError("\(FileName.display(p)): a lexer (trained with --lexer-only), not a checker: its final head was never trained; read it with `nestnet probe lexical`")
            }
            return (c, p, SHA256.hex(b))
        }
        return try embedded(bytes, source: source, name: "default")
    }

    /// An embedded checkpoint read once: named `name` and its short config name in reports.
    static func embedded(_ b: [UInt8], source: String, name: String) throws -> (checkpoint: RecurrentModel.Checkpoint, name: String, sha256: String) {
        let c = try RecurrentModel.load(bytes: b, source: source)
        return (c, "\(name) \(c.model.config.shortName)", SHA256.hex(b))
    }
}
