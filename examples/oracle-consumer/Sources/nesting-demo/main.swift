// Checks each argument's nesting with NestNet's oracle, then one generated C example.
import NestingOracle
import ProgramGenerator

for text in CommandLine.arguments.dropFirst() {
    let v = NestingOracle.check(text)
    print("\(text): " + (v.error.map { "invalid at \($0.line):\($0.column): \($0.message)" } ?? "valid, depth \(v.maxDepth)"))
}
let example = try ExampleGenerator(GeneratorOptions(language: .c, minLength: 64, maxLength: 256)).example(seed: 7, index: 0, valid: false)
let verdict = NestingOracle.check(example.text)
print("generated: \(example.text.count) bytes, labelled \(example.valid ? "valid" : "invalid"), oracle \(verdict.isValid ? "valid" : "invalid")")
