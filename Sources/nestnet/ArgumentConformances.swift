import ArgumentParser
import DefaultModel
import Linting
import ProgramGenerator
import RecurrentNet
import Training

// The library enums that commands take as option values, in one place.
extension Architecture: ExpressibleByArgument {}
extension CheckEngine: ExpressibleByArgument {}
extension EditSelection: ExpressibleByArgument {}
extension EmbeddedPair: ExpressibleByArgument {}
extension ErrorPosition: ExpressibleByArgument {}
extension FailOn: ExpressibleByArgument {}
extension Language: ExpressibleByArgument {}
extension LearningRateSchedule: ExpressibleByArgument {}
extension LengthDistribution: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension RecurrentInit: ExpressibleByArgument {}
extension ValidationMetric: ExpressibleByArgument {}

/// Output formats shared by the reporting commands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
