import Foundation
import StepHead

/// Another reading of a stack network's moves for the files its stack breaks (session 45;
/// `StackMoves.repairCost`): the network's outputs give every move a price, and a file is
/// valid when a reading within `repairBudget` nats leaves the stack unbroken.
extension ModelChecker {
    /// The readings the repair search keeps by default.
    public static let defaultRepairBeam = 32
    /// `check --repair-budget`'s default (nats), chosen by the rule in reports/stack-network.md
    /// (session 45) on the valid packages + dev pool and 1,000 edited files: of 0.5, 1, 1.5 and
    /// 2, the fewest valid files flagged (41 → 13) keeping the broken ones caught to within 1%.
    public static let defaultRepairBudget: Float = 1.5
    /// The largest budget `check` takes: the search keeps every byte whose push or pop logit is
    /// above −budget, so a larger one keeps most bytes of a file.
    public static let maxRepairBudget: Float = 10

    /// The verdict of a file whose stack broke, when another reading of its moves (`moves`: its
    /// moves and near-moves, in order) within `repairBudget` nats leaves the stack unbroken:
    /// valid, p_valid e^−cost (`end`: the file's length); nil when none does.
    func repaired(_ moves: [StackMoves.Candidate], end: Int) -> Verdict? {
        guard let cost = StackMoves.repairCost(moves, budget: repairBudget, beam: repairBeam) else { return nil }
        return Verdict(valid: true, pValid: Float(Double.exp(-Double(cost))), location: nil, message: "",
                       reason: .init(head: .repair, offset: max(0, end - 1)))
    }
}
