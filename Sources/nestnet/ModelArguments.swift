import ArgumentParser
import RecurrentNet
import Training

extension Architecture: ExpressibleByArgument {}
extension RecurrentInit: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension ValidationMetric: ExpressibleByArgument {}
