import NestNetSupport

/// The recurrent cell of a model. Gate order follows `torch.nn`: LSTM i, f, g, o; GRU r, z, n.
/// `rnn` is the tanh RNN; `irnn` the ReLU RNN whose recurrent weights start as the identity
/// (Le, Jaitly & Hinton 2015), `torch.nn.RNN(nonlinearity="relu")` in the same layout.
/// The cells, declared in the order of every table and chart (the simple cells first):
/// `allCases` is that order, so a new case shows up everywhere it is listed.
public enum Architecture: String, Sendable, CaseIterable, Codable {
    case rnn, irnn, gru, lstm

    /// Gate blocks per layer (the G in G·H).
    public var gates: Int {
        switch self { case .rnn, .irnn: return 1; case .lstm: return 4; case .gru: return 3 }
    }

    /// How the recurrent weights start unless another `RecurrentInit` is asked for.
    public var defaultRecurrentInit: RecurrentInit { self == .irnn ? .identity : .orthogonal }

    /// Where this architecture comes in tables and charts (its place in `allCases`).
    public var displayRank: Int { Self.allCases.firstIndex(of: self) ?? Self.allCases.count }
}

/// The shape of a byte-level classifier:
///
///     bytes → Embedding(256, E) → `layers` × (tanh RNN | ReLU RNN | LSTM | GRU, hidden H)
///           → Linear(H, 1) on each sequence's last step → sigmoid = P(valid)
///
/// plus an optional per-step head Linear(H, P) trained from per-byte targets.
public struct ModelConfig: Sendable, Equatable, Codable {
    public var arch: Architecture
    public var embed: Int
    public var hidden: Int
    public var layers: Int
    /// Outputs of the per-step head (0: none).
    public var stepOutputs: Int

    public init(arch: Architecture, embed: Int = 16, hidden: Int = 64, layers: Int = 1, stepOutputs: Int = 0) {
        self.arch = arch; self.embed = embed; self.hidden = hidden; self.layers = layers; self.stepOutputs = stepOutputs
    }

    public var gateWidth: Int { arch.gates * hidden }
    /// Width of layer `l`'s input.
    public func inputWidth(_ l: Int) -> Int { l == 0 ? embed : hidden }

    /// One-line summary, e.g. `lstm-h64`.
    public var shortName: String { "\(arch.rawValue)-h\(hidden)" + (layers > 1 ? "x\(layers)" : "") }

    public func validate() throws {
        guard (1...4096).contains(embed) else { throw NestNetError("embedding size must be in 1...4096 (got \(embed))") }
        guard (1...4096).contains(hidden) else { throw NestNetError("hidden size must be in 1...4096 (got \(hidden))") }
        guard (1...8).contains(layers) else { throw NestNetError("layers must be in 1...8 (got \(layers))") }
        guard (0...8).contains(stepOutputs) else { throw NestNetError("step outputs must be in 0...8 (got \(stepOutputs))") }
    }
}

/// A one-line error from the engine (bad shapes, corrupt checkpoints, …).
/// A named tensor inside the flat parameter buffer.
public struct TensorSpec: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var offset: Int
    public var count: Int { shape.reduce(1, *) }
}

/// Parameter names, shapes and offsets in `torch.nn` conventions:
/// `embedding.weight [256,E]`, `rnn.weight_ih_l{k} [G·H, in]`, `rnn.weight_hh_l{k} [G·H, H]`,
/// `rnn.bias_ih_l{k} [G·H]`, `rnn.bias_hh_l{k} [G·H]`, `head.weight [1,H]`, `head.bias [1]`,
/// and `step_head.weight [P,H]`, `step_head.bias [P]` when the per-step head is on.
public struct ParameterLayout: Sendable, Equatable {
    public let specs: [TensorSpec]
    public let count: Int

    public init(_ c: ModelConfig) {
        var specs: [TensorSpec] = []
        var off = 0
        func add(_ name: String, _ shape: [Int]) {
            specs.append(TensorSpec(name: name, shape: shape, offset: off))
            off += shape.reduce(1, *)
        }
        let gh = c.gateWidth
        add("embedding.weight", [256, c.embed])
        for l in 0..<c.layers {
            add("rnn.weight_ih_l\(l)", [gh, c.inputWidth(l)])
            add("rnn.weight_hh_l\(l)", [gh, c.hidden])
            add("rnn.bias_ih_l\(l)", [gh])
            add("rnn.bias_hh_l\(l)", [gh])
        }
        add("head.weight", [1, c.hidden])
        add("head.bias", [1])
        if c.stepOutputs > 0 {
            add("step_head.weight", [c.stepOutputs, c.hidden])
            add("step_head.bias", [c.stepOutputs])
        }
        self.specs = specs
        self.count = off
    }

    public subscript(name: String) -> TensorSpec {
        guard let s = specs.first(where: { $0.name == name }) else { preconditionFailure("no tensor \(name)") }
        return s
    }
}
