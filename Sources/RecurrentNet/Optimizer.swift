import RealModule

/// The update rules NestNet trains with, over the model's flat parameter buffer.
public enum OptimizerKind: String, Sendable, CaseIterable, Codable {
    case adam, rmsprop, sgd
}

/// An optimizer with its state (moments), which training checkpoints save and restore.
public struct Optimizer: Sendable, Codable, Equatable {
    public var kind: OptimizerKind
    public var learningRate: Float
    /// Adam β1 / SGD momentum.
    public var beta1: Float = 0.9
    /// Adam β2 / RMSProp decay.
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    public var step = 0
    /// First moments (Adam) or momentum buffer (SGD).
    public var m: [Float] = []
    /// Second moments (Adam, RMSProp).
    public var v: [Float] = []

    public init(_ kind: OptimizerKind, learningRate: Float, parameterCount: Int) {
        self.kind = kind; self.learningRate = learningRate
        switch kind {
        case .adam: m = .init(repeating: 0, count: parameterCount); v = m
        case .rmsprop: beta2 = 0.99; v = .init(repeating: 0, count: parameterCount)
        case .sgd: m = .init(repeating: 0, count: parameterCount)
        }
    }

    /// One update of `params` from `grads` (already clipped); `rateScale` (one factor per
    /// parameter) multiplies the learning rate where given.
    public mutating func update(_ params: inout [Float], _ grads: [Float], rateScale: [Float]? = nil) {
        if let s = rateScale {
            precondition(s.count == params.count)
            let before = params
            update(&params, grads)
            for i in 0..<params.count where s[i] != 1 { params[i] = before[i] + (params[i] - before[i]) * s[i] }
            return
        }
        step += 1
        let lr = learningRate, b1 = beta1, b2 = beta2, eps = epsilon
        switch kind {
        case .adam:
            let c1 = 1 - powF(b1, step), c2 = 1 - powF(b2, step)
            let stepSize = lr / c1, c2s = c2.squareRoot()
            for i in 0..<params.count {
                let g = grads[i]
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                params[i] -= stepSize * m[i] / (v[i].squareRoot() / c2s + eps)
            }
        case .rmsprop:
            for i in 0..<params.count {
                let g = grads[i]
                v[i] = b2 * v[i] + (1 - b2) * g * g
                params[i] -= lr * g / (v[i].squareRoot() + eps)
            }
        case .sgd:
            for i in 0..<params.count {
                m[i] = b1 * m[i] + grads[i]
                params[i] -= lr * m[i]
            }
        }
    }
}

func powF(_ x: Float, _ n: Int) -> Float { Float(Double.exp(Double(n) * Double.log(Double(x)))) }

/// Scales `grads` so their global L2 norm is at most `maxNorm` (as `clip_grad_norm_`);
/// returns the norm before clipping (nan/inf when the gradients are not finite).
@discardableResult
public func clipGlobalNorm(_ grads: inout [Float], maxNorm: Float) -> Float {
    var s = 0.0
    for g in grads { s += Double(g) * Double(g) }
    let norm = Float(s.squareRoot())
    if maxNorm > 0, norm.isFinite, norm > maxNorm {
        let k = maxNorm / (norm + 1e-6)
        for i in 0..<grads.count { grads[i] *= k }
    }
    return norm
}
