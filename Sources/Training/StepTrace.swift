/// The loss and the gradient norm (before clipping) of every training step, kept in at most
/// `capacity` points: while there is room each point is one step; when full, neighbouring
/// points merge pairwise and each later point covers twice as many steps. A point keeps the
/// largest loss and norm of its steps, so a spike survives any amount of merging (issue 16:
/// exploding gradients and what clipping does to them). Part of the training state, so a
/// resumed run ends with the trace an uninterrupted one would have.
public struct StepTrace: Sendable, Equatable, Codable {
    public static let capacity = 512
    /// Steps per point from here on.
    public private(set) var stride = 1
    /// First global step (1-based) of each point.
    public private(set) var steps: [Int] = []
    public private(set) var loss: [Float] = []
    public private(set) var gradNorm: [Float] = []
    /// Steps already folded into the last point.
    var filled = 0

    public init() {}

    /// Adds step `step`'s loss and gradient norm (non-finite values are kept as the largest float).
    public mutating func append(step: Int, loss l: Float, gradNorm g: Float) {
        let l = l.isFinite ? l : .greatestFiniteMagnitude, g = g.isFinite ? g : .greatestFiniteMagnitude
        if filled > 0 && filled < stride {
            loss[loss.count - 1] = max(loss[loss.count - 1], l)
            gradNorm[gradNorm.count - 1] = max(gradNorm[gradNorm.count - 1], g)
            filled += 1
            return
        }
        if steps.count == Self.capacity { halve() }
        steps.append(step); loss.append(l); gradNorm.append(g); filled = 1
    }

    /// Merges points pairwise; later points cover twice the steps.
    mutating func halve() {
        var s: [Int] = [], ls: [Float] = [], gs: [Float] = []
        for i in Swift.stride(from: 0, to: steps.count, by: 2) {
            let j = min(i + 1, steps.count - 1)
            s.append(steps[i]); ls.append(max(loss[i], loss[j])); gs.append(max(gradNorm[i], gradNorm[j]))
        }
        steps = s; loss = ls; gradNorm = gs; stride *= 2
        filled = stride  // the merged last point is full: the next step opens a new one
    }
}
