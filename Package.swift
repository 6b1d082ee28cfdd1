// swift-tools-version:6.0
// NestNet: recurrent networks that check brace / paren / bracket nesting in C-like code.
//
// Data flow, one module per concern; a module only imports modules to its left:
//   (FileSupport: atomic files, JSON) NestingOracle → ProgramGenerator → RecurrentNet → RecurrentNet → Training → Reporting → nestnet
import PackageDescription

#if arch(x86_64)
/// Release builds get AVX2 + FMA; without a CPU target SIMD FMA becomes one libm call per
/// lane (see ../shared/notes/performance.md).
let fastMath: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release))]
#else
let fastMath: [SwiftSetting] = []
#endif

let package = Package(
    name: "NestNet",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "nestnet", targets: ["nestnet"]),
        .library(name: "NestingOracle", targets: ["NestingOracle"]),
        .library(name: "ProgramGenerator", targets: ["ProgramGenerator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "FileSupport", swiftSettings: fastMath),
        .target(name: "NestingOracle", swiftSettings: fastMath),
        .target(name: "ProgramGenerator", dependencies: ["NestingOracle", "FileSupport"], swiftSettings: fastMath),
        .target(name: "RecurrentNet", dependencies: ["FileSupport", "ProgramGenerator"], swiftSettings: fastMath),
        .executableTarget(
            name: "nestnet",
            dependencies: [
                "FileSupport", "NestingOracle", "ProgramGenerator", "RecurrentNet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: fastMath),
        .testTarget(name: "FileSupportTests", dependencies: ["FileSupport"]),
        .testTarget(name: "NestingOracleTests", dependencies: ["NestingOracle"]),
        .testTarget(name: "ProgramGeneratorTests", dependencies: ["ProgramGenerator", "NestingOracle"]),
        .testTarget(name: "RecurrentNetTests", dependencies: ["RecurrentNet"]),
        // Runs the built `nestnet` binary: exit codes, messages, files.
        .testTarget(name: "NestNetCLITests", dependencies: ["nestnet"]),
    ]
)
