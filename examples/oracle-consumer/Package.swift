// swift-tools-version:6.0
// A package that depends on NestNet's libraries (the exact oracle and the program generator),
// as any other project would. It depends on this checkout by path; scripts/test-consumer.sh
// builds it against a tagged git copy instead (NESTNET_URL), the form in which SwiftPM refuses
// dependencies whose products carry unsafe build flags.
import PackageDescription
import Foundation

let nestnet: Package.Dependency = ProcessInfo.processInfo.environment["NESTNET_URL"]
    .map { .package(url: $0, from: "0.1.0") } ?? .package(name: "NestNet", path: "../..")

let package = Package(
    name: "oracle-consumer",
    dependencies: [nestnet],
    targets: [
        .executableTarget(name: "nesting-demo", dependencies: [
            .product(name: "NestingOracle", package: "NestNet"),
            .product(name: "ProgramGenerator", package: "NestNet"),
        ]),
    ]
)
