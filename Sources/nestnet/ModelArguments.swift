import ArgumentParser
import RecurrentNet

extension Architecture: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
