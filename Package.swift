// swift-tools-version:6.0
// NestNet: recurrent networks that check brace / paren / bracket nesting in C-like code.
//
// Data flow, one module per concern; a module only imports modules to its left:
//   NestNetSupport → NestingOracle → ProgramGenerator → (CFloatMode) RecurrentNet → DefaultModel → StepHead → Training
//   → Linting → JUnit → CheckReporting, ExperimentReporting → nestnet
// The lint path (Linting, CheckReporting) needs neither the generator nor the trainer.
// Maths functions come from swift-numerics' RealModule; JSON output from NestNetSupport's JSONWriter.
import PackageDescription
#if os(Linux)
import Foundation
#endif

/// Release builds target the CPU they are built on, because NestNet is built from source
/// where it runs: AVX-512 (512-bit GEMM tiles) when the build machine has it, else AVX2 + FMA.
/// Without a CPU target SIMD FMA becomes one libm call per lane (../shared/notes/performance.md).
/// `NESTNET_PORTABLE=1 swift build` forces the AVX2 baseline for binaries that move machines.
func cpuSettings() -> [SwiftSetting] {
    #if arch(x86_64) && os(Linux)
    let env = ProcessInfo.processInfo.environment
    let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let flags = Set(info.split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").map(String.init) ?? [])
    let avx512 = ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains) && env["NESTNET_PORTABLE"] != "1"
    // AMD Zen 4/5 (every AVX-512 extension znver4 assumes): its scheduling model, which runs
    // LSTM inference faster than skylake-avx512 there (figures in the README's engine section).
    let zen4 = info.contains("AuthenticAMD") && ["avx512cd", "avx512ifma", "avx512vbmi", "avx512_vbmi2", "avx512_vnni",
        "avx512_bitalg", "avx512_vpopcntdq", "avx512_bf16", "gfni", "vaes", "vpclmulqdq"].allSatisfy(flags.contains)
    if avx512 {
        return [.unsafeFlags(["-target-cpu", zen4 ? "znver4" : "skylake-avx512"], .when(configuration: .release)),
                .define("NESTNET_AVX512", .when(configuration: .release))]
    }
    return [.unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release))]
    #elseif arch(x86_64)
    return [.unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release))]
    #else
    return []
    #endif
}
let fastMath = cpuSettings()
/// The engine is optimised in debug builds too: unoptimised, the SIMD kernels are ~400× slower,
/// which would make every test that runs them crawl.
let hot = fastMath + [.unsafeFlags(["-O"], .when(configuration: .debug))]
/// The library products (NestingOracle, ProgramGenerator) and what they depend on carry no
/// unsafe flags: SwiftPM refuses a versioned dependency whose products' targets have any.

let package = Package(
    name: "NestNet",
    // macOS 15: `Synchronization.Atomic` (StopSignal). Only Linux is built and tested here; the sources
    // import Glibc or Darwin by `canImport` and call no Glibc-only API by name.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "nestnet", targets: ["nestnet"]),
        .library(name: "NestingOracle", targets: ["NestingOracle"]),
        .library(name: "ProgramGenerator", targets: ["ProgramGenerator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.0"),
    ],
    targets: [
        .target(name: "NestNetSupport"),
        .target(name: "NestingOracle"),
        .target(name: "ProgramGenerator", dependencies: ["NestingOracle", "NestNetSupport", .product(name: "RealModule", package: "swift-numerics")]),
        // The training thread's floating-point mode (flush subnormals), which Swift cannot set.
        .target(name: "CFloatMode"),
        .target(name: "RecurrentNet", dependencies: ["NestNetSupport", "NestingOracle", "CFloatMode", .product(name: "RealModule", package: "swift-numerics")], swiftSettings: hot),
        // What the per-step head's outputs mean: targets from the oracle, and reading them back.
        .target(name: "StepHead", dependencies: ["NestingOracle"]),
        .target(name: "Training", dependencies: ["RecurrentNet", "ProgramGenerator", "NestingOracle", "StepHead", .product(name: "RealModule", package: "swift-numerics")], swiftSettings: fastMath),
        // The lint: model and oracle verdicts on files, the results every report is made of.
        .target(name: "Linting", dependencies: ["NestNetSupport", "NestingOracle", "RecurrentNet", "StepHead", .product(name: "RealModule", package: "swift-numerics")], swiftSettings: fastMath),
        // libxml2 through pkg-config (Debian: libxml2-dev), for JUnit XML.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]),
        .target(name: "JUnit", dependencies: ["CLibXML2", "NestNetSupport"]),
        // Lint reports: text, JSON, SARIF, GitHub annotations, JUnit.
        .target(name: "CheckReporting", dependencies: ["JUnit", "Linting", "NestNetSupport"]),
        // Experiment reports: Markdown and HTML with SVG charts, JUnit per architecture and length.
        .target(name: "ExperimentReporting", dependencies: ["JUnit", "NestNetSupport", "RecurrentNet", "Training", .product(name: "RealModule", package: "swift-numerics")], swiftSettings: fastMath),
        // The trained LSTM shipped inside the executable (scripts/train-default.sh): its bytes
        // compiled in by a C file (#embed), so the built binary needs no resource bundle.
        .target(name: "DefaultModelBytes", exclude: ["default-lstm.safetensors", "second-opinion.safetensors", "stack-network.safetensors", "stack-second.safetensors", "stack-third.safetensors"]),
        .target(name: "DefaultModel", dependencies: ["DefaultModelBytes", "NestNetSupport", "RecurrentNet"]),
        .executableTarget(
            name: "nestnet",
            dependencies: [
                "NestNetSupport", "NestingOracle", "ProgramGenerator", "RecurrentNet", "StepHead", "Training", "Linting",
                "JUnit", "CheckReporting", "ExperimentReporting", "DefaultModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: fastMath),
        .testTarget(name: "NestNetSupportTests", dependencies: ["NestNetSupport"]),
        .testTarget(name: "NestingOracleTests", dependencies: ["NestingOracle"]),
        .testTarget(name: "ProgramGeneratorTests", dependencies: ["ProgramGenerator", "NestingOracle", "NestNetSupport"]),
        // The engine's CPU settings, so release tests compile and run the AVX-512 kernels
        // (`FusedStepTests`) that release builds of the engine use.
        .testTarget(name: "RecurrentNetTests", dependencies: ["RecurrentNet", "NestNetSupport", "ProgramGenerator"], swiftSettings: fastMath),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "ProgramGenerator", "StepHead", "NestNetSupport", "NestingOracle"]),
        .testTarget(name: "LintingTests", dependencies: ["Linting", "DefaultModel", "NestNetSupport", "NestingOracle", "ProgramGenerator", "RecurrentNet"]),
        // Both report modules and the JUnit writer they share (validated against the schemas).
        .testTarget(name: "ReportingTests", dependencies: ["CheckReporting", "ExperimentReporting", "JUnit", "Linting", "CLibXML2", "Training", "RecurrentNet", "ProgramGenerator"], resources: [.copy("Schemas")]),
        // Runs the built `nestnet` binary: exit codes, messages, files.
        .testTarget(name: "NestNetCLITests", dependencies: ["nestnet", "NestNetSupport", "NestingOracle", "ProgramGenerator"]),
    ]
)
