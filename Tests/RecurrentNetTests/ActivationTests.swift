import Foundation
import Testing
@testable import RecurrentNet

/// The vector tanh and sigmoid against Double libm over the whole useful range and beyond.
@Suite("Activations")
struct ActivationTests {
    @Test func tanhAndSigmoidMatchLibm() {
        var worstTanh = 0.0, worstSigmoid = 0.0, largest = 0.0
        var x = -40.0
        while x < 40 {
            var v = Vec(repeating: 0)
            for l in 0..<Vec.scalarCount { v[l] = Float(x + Double(l) * 1.3e-4) }
            let t = simdTanh(v), s = simdSigmoid(v)
            for l in 0..<Vec.scalarCount {
                let xd = Double(v[l])
                worstTanh = max(worstTanh, abs(Double(t[l]) - tanh(xd)))
                worstSigmoid = max(worstSigmoid, abs(Double(s[l]) - 1 / (1 + exp(-xd))))
                largest = max(largest, abs(Double(t[l])))
            }
            x += 0.00271
        }
        #expect(worstTanh < 5e-7, "tanh error \(worstTanh)")
        #expect(worstSigmoid < 3e-7, "sigmoid error \(worstSigmoid)")
        #expect(largest <= 1.0000002)
        // Odd and saturating; extreme inputs stay finite.
        let big = simdTanh(Vec(repeating: 1e30)), small = simdTanh(Vec(repeating: -1e30))
        #expect(abs(big[0] - 1) < 1e-6 && abs(small[0] + 1) < 1e-6)
        #expect(simdTanh(Vec(repeating: 0.3))[0] == -simdTanh(Vec(repeating: -0.3))[0])
        #expect(simdSigmoid(Vec(repeating: -1e30))[0] >= 0 && simdSigmoid(Vec(repeating: 1e30))[0] <= 1.0000002)
    }
}
