import DefaultModelBytes
import NestNetSupport
import RecurrentNet

/// The embedded sets of models `nestnet check` can read with when no `--model` is given, both
/// compiled into the executable.
public enum EmbeddedPair: String, CaseIterable, Sendable {
    /// Three 64-unit stack networks (`train --lexer-only --stack-moves`), each read by its own
    /// stack; the second reads the files the first breaks, the third the files both break
    /// (`scripts/train-stack.sh`; figures in `reports/stack-network.md`). `check`'s default.
    case stack
    /// The 128-unit LSTM and its second opinion, read by their heads at thresholds (the previous
    /// release's pair; `scripts/train-default.sh`, `reports/default-model.md`).
    case lstm
}

/// The checkpoints shipped inside the executable (bytes compiled in from
/// `Sources/DefaultModelBytes/`). Commands that read a final head and take `--model` use the
/// 128-unit LSTM when none is given; `check` uses an `EmbeddedPair`.
public enum DefaultModel {
    /// A checkpoint read once: the checkpoint, a name for reports, and the SHA-256 of its bytes.
    public typealias Loaded = (checkpoint: RecurrentModel.Checkpoint, name: String, sha256: String)

    /// The embedded 128-unit LSTM's bytes (`default-lstm.safetensors`).
    public static var bytes: [UInt8] {
        copy(nestnet_default_model_bytes(), nestnet_default_model_count())
    }

    /// How errors name the embedded checkpoint.
    static let source = "the embedded default model"

    /// The embedded LSTM's second opinion's bytes: a 128-unit LSTM trained apart from it
    /// (scripts/train-default.sh), which `check --embedded lstm` asks about every file the
    /// first flags.
    public static var secondBytes: [UInt8] {
        copy(nestnet_second_model_bytes(), nestnet_second_model_count())
    }

    /// The second opinion at `path` when given, else the embedded one: as `resolve`.
    public static func resolveSecond(_ path: String?, movesAllowed: Bool = false) throws -> Loaded {
        if path != nil { return try resolve(path, movesAllowed: movesAllowed) }
        return try embedded(secondBytes, source: "the embedded second-opinion model", name: "second opinion")
    }

    /// The first model of an embedded pair, read once: as `resolve(nil)`.
    public static func first(of pair: EmbeddedPair) throws -> Loaded {
        if pair == .lstm { return try resolve(nil) }
        return try embedded(copy(nestnet_stack_model_bytes(), nestnet_stack_model_count()), source: "the embedded stack network", name: "stack network")
    }

    /// The second model of an embedded pair, read once: as `resolveSecond(nil)`.
    public static func second(of pair: EmbeddedPair) throws -> Loaded {
        if pair == .lstm { return try resolveSecond(nil) }
        return try embedded(copy(nestnet_stack_second_model_bytes(), nestnet_stack_second_model_count()), source: "the embedded second stack network", name: "second stack network")
    }

    /// The third model of an embedded set, read once, or nil when it has none (the LSTM pair).
    public static func third(of pair: EmbeddedPair) throws -> Loaded? {
        if pair == .lstm { return nil }
        return try embedded(copy(nestnet_stack_third_model_bytes(), nestnet_stack_third_model_count()), source: "the embedded third stack network", name: "third stack network")
    }

    /// Compiled-in bytes as an array.
    static func copy(_ start: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: start, count: count))
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
    public static func resolve(_ path: String?, lexerAllowed: Bool = false, movesAllowed: Bool = false) throws -> Loaded {
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
    static func embedded(_ b: [UInt8], source: String, name: String) throws -> Loaded {
        let c = try RecurrentModel.load(bytes: b, source: source)
        return (c, "\(name) \(c.model.config.shortName)", SHA256.hex(b))
    }
}
