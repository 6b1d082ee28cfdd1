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

    /// The verdict of a file whose stack broke (`broken`, the stack's own), given the search
    /// for another reading of its moves (`moves`: its moves and near-moves, in order; or
    /// `searched`, the search already carried over the whole file by `runMoves` for a file read
    /// as one stretch, taken instead of searching again): valid, p_valid e^−cost, when a reading
    /// within `repairBudget` nats leaves the stack unbroken and empty; else the break where the
    /// last readings broke (`placed`), or the stack's own when they did not.
    func repaired(_ broken: Verdict, _ text: [UInt8], _ moves: [StackMoves.Candidate], searched: StackMoves.Repair? = nil) -> Verdict {
        let search = searched ?? .searched(moves, budget: repairBudget, beam: repairBeam)
        if let cost = search.cost {
            return Verdict(valid: true, pValid: Float(Double.exp(-Double(cost))), location: nil, message: "",
                           reason: .init(head: .repair, offset: max(0, text.count - 1)))
        }
        return placed(broken, text, search)
    }

    /// A break moved to where the search for another reading died (session 46): past every
    /// misread the budget forgives, the first pop no reading within it gets past, named against
    /// the push the cheapest reading had open (p_valid from that pop's logit). The stack's own
    /// break when the search did not die at a pop (it gave up at its work bound, or readings
    /// were left that leave something open) or when the break is a bracket left open.
    func placed(_ broken: Verdict, _ text: [UInt8], _ search: StackMoves.Repair) -> Verdict {
        guard let d = search.died, !broken.unclosed, let own = broken.location?.offset, d.offset > own else { return broken }
        return breakVerdict(text, d.offset, d.opener.map { .mismatched(opener: $0) } ?? .unexpected,
                            pValid: 1 - Self.sigmoid(d.pop))
    }
}
