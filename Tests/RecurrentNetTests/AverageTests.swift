import Testing
import NestNetSupport
@testable import RecurrentNet

@Suite("Weight averaging")
struct AverageTests {
    @Test func theAverageIsTheElementWiseMeanInAnyOrder() throws {
        let config = ModelConfig(arch: .lstm, embed: 4, hidden: 8, stepOutputs: 3)
        let a = try RecurrentModel.initialized(config, seed: 1), b = try RecurrentModel.initialized(config, seed: 2)
        let c = try RecurrentModel.initialized(config, seed: 3)
        let two = try RecurrentModel.average([a, b])
        #expect(two.config == config)
        for i in a.parameters.indices { #expect(two.parameters[i] == (a.parameters[i] + b.parameters[i]) / 2) }
        let abc = try RecurrentModel.average([a, b, c]), cab = try RecurrentModel.average([c, a, b])
        #expect(abc.parameters == cab.parameters)
        for i in a.parameters.indices {
            let mean = Float((Double(a.parameters[i]) + Double(b.parameters[i]) + Double(c.parameters[i])) / 3)
            #expect(abc.parameters[i] == mean)
        }
        #expect(try RecurrentModel.average([a, a, a]).parameters == a.parameters)
        #expect(try RecurrentModel.average([a]).parameters == a.parameters)
    }

    @Test func modelsOfOtherSizesDoNotAverage() throws {
        let a = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 8, stepOutputs: 3), seed: 1)
        let b = try RecurrentModel.initialized(ModelConfig(arch: .lstm, embed: 4, hidden: 8), seed: 1)
        let g = try RecurrentModel.initialized(ModelConfig(arch: .gru, embed: 4, hidden: 8, stepOutputs: 3), seed: 1)
        let e1 = #expect(throws: NestNetError.self) { try RecurrentModel.average([a, b]) }
        #expect(e1?.message.contains("3 step outputs") == true && e1?.message.contains("0 step outputs") == true)
        let e2 = #expect(throws: NestNetError.self) { try RecurrentModel.average([a, g]) }
        #expect(e2?.message.contains("cannot average lstm") == true && e2?.message.contains("with gru") == true)
        #expect(throws: NestNetError.self) { try RecurrentModel.average([]) }
    }
}
