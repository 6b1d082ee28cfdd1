import NestNetSupport

/// Weight averaging: fine-tunes of one model, averaged tensor by tensor, can read better than
/// any one of them ("model soups", Wortsman et al. 2022), at the cost of one model.
extension RecurrentModel {
    /// The element-wise mean of `models`, which must share one configuration (architecture,
    /// sizes, step outputs). Sums run in Double and round once, so the order of the models
    /// does not matter and the mean of two is exactly what Float arithmetic would give.
    public static func average(_ models: [RecurrentModel]) throws -> RecurrentModel {
        guard let first = models.first else { throw NestNetError("nothing to average: no models") }
        if let other = models.first(where: { $0.config != first.config }) {
            func sizes(_ c: ModelConfig) -> String {
                "\(c.arch.rawValue) (embed \(c.embed), hidden \(c.hidden), \(c.layers) layer\(c.layers == 1 ? "" : "s"), \(c.stepOutputs) step outputs)"
            }
            throw NestNetError("cannot average \(sizes(first.config)) with \(sizes(other.config)): the models must have one architecture and size")
        }
        var sum = [Double](repeating: 0, count: first.parameters.count)
        for m in models { for (i, v) in m.parameters.enumerated() { sum[i] += Double(v) } }
        let n = Double(models.count)
        return try RecurrentModel(config: first.config, parameters: sum.map { Float($0 / n) })
    }
}
