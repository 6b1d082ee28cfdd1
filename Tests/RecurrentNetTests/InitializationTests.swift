import Testing
@testable import RecurrentNet

/// Recurrent weight initialisations (issue 16): orthogonal, Xavier, identity, and a scale.
@Suite("Recurrent initialisation")
struct InitializationTests {
    func whh(_ m: RecurrentModel) -> [Float] {
        let s = m.layout["rnn.weight_hh_l0"]
        return Array(m.parameters[s.offset..<s.offset + s.count])
    }

    @Test(arguments: [Architecture.rnn, .lstm, .gru, .irnn])
    func eachKindHasItsShapeAndTheScaleMultiplies(arch: Architecture) throws {
        let c = ModelConfig(arch: arch, embed: 4, hidden: 6)
        let H = 6, G = arch.gates
        let orth = whh(try RecurrentModel.initialized(c, seed: 5))
        // Orthogonal: each H×H gate block has orthonormal rows.
        for g in 0..<G { for i in 0..<H { for j in 0..<H {
            let dot = (0..<H).reduce(Float(0)) { $0 + orth[(g * H + i) * H + $1] * orth[(g * H + j) * H + $1] }
            #expect(abs(dot - (i == j ? 1 : 0)) < 1e-4)
        } } }
        let xavier = whh(try RecurrentModel.initialized(c, seed: 5, recurrentInit: .xavier))
        let bound = Float((6.0 / Double(2 * H)).squareRoot())
        #expect(xavier.allSatisfy { abs($0) <= bound } && xavier != orth)
        let identity = whh(try RecurrentModel.initialized(c, seed: 5, recurrentInit: .identity))
        for g in 0..<G { for i in 0..<H { for j in 0..<H { #expect(identity[(g * H + i) * H + j] == (i == j ? 1 : 0)) } } }
        let scaled = whh(try RecurrentModel.initialized(c, seed: 5, recurrentScale: 2))
        #expect(zip(scaled, orth).allSatisfy { $0 == 2 * $1 })
        // Deterministic in the seed.
        #expect(whh(try RecurrentModel.initialized(c, seed: 5, recurrentInit: .xavier)) == xavier)
    }

    /// The IRNN starts from the identity unless told otherwise; the others from an orthogonal matrix.
    @Test func theIRNNStartsFromTheIdentity() throws {
        let c = ModelConfig(arch: .irnn, embed: 4, hidden: 6)
        let identity = whh(try RecurrentModel.initialized(c, seed: 5, recurrentInit: .identity))
        #expect(whh(try RecurrentModel.initialized(c, seed: 5)) == identity)
        #expect(whh(try RecurrentModel.initialized(c, seed: 5, recurrentInit: .orthogonal)) != identity)
        #expect(Architecture.allCases.filter { $0.defaultRecurrentInit == .identity } == [.irnn])
    }
}
