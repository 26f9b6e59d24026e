// swift-tools-version:6.0
import PackageDescription
import Foundation

let package = Package(
    name: "archbook",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "archbook", targets: ["archbook"]),
        .library(name: "ArchbookCore", targets: ["ArchbookCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(path: "Vendor/swift-mustache"),
        // HTTP server for `archbook serve` only: the CLI depends on it, the core never does.
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        .target(name: "CCmarkFields", dependencies: ["CCmarkGFM"]),
        .target(
            name: "ArchbookCore",
            dependencies: [
                "CCmarkGFM",
                "CCmarkFields",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .target(
            name: "ArchbookCLI",
            dependencies: [
                "ArchbookCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "FlyingSocks", package: "FlyingFox"),
                "CFileAccess",
            ]
        ),
        // openat2(2) for DiskFileTree, which Swift cannot call itself (a variadic syscall).
        .target(name: "CFileAccess"),
        // mimalloc (Debian's libmimalloc-dev) replaces glibc's malloc in the executable only: a check or build
        // allocates millions of small nodes and strings on both cores, and this takes a fifth off check's CPU
        // time (see bench/README.md). The library, tests and fuzzers keep the system allocator (sanitizers need it).
        .executableTarget(name: "archbook", dependencies: ["ArchbookCLI", "CAllocatorTuning"], linkerSettings: [.linkedLibrary("mimalloc", .when(platforms: [.linux]))]),
        // Sets mimalloc's options from the executable (C, because Swift cannot import mimalloc.h without a module);
        // the executable's link brings mimalloc itself.
        .target(name: "CAllocatorTuning"),
        .target(name: "ArchbookFuzzTargets", dependencies: ["ArchbookCore"]),
        .testTarget(name: "ArchbookCoreTests", dependencies: ["ArchbookCore", "ArchbookFuzzTargets"], exclude: ["PresetTemplates", "FuzzRegressions"]),
        .testTarget(
            name: "ArchbookCLITests",
            dependencies: ["ArchbookCLI", "ArchbookCore", .product(name: "Yams", package: "Yams")],
            exclude: ["Golden", "Site"]
        ),
    ]
)

// libFuzzer harnesses (`make fuzz`): only with ARCHBOOK_FUZZ set, because they have no main of their own and
// are built with -sanitize=fuzzer, which the normal build must not need.
if ProcessInfo.processInfo.environment["ARCHBOOK_FUZZ"] != nil {
    package.targets += [
        .executableTarget(name: "fuzz-document", dependencies: ["ArchbookFuzzTargets"], path: "Fuzz/FuzzDocument"),
        .executableTarget(name: "fuzz-site", dependencies: ["ArchbookCore", "ArchbookFuzzTargets"], path: "Fuzz/FuzzSite"),
        .executableTarget(name: "fuzz-config", dependencies: ["ArchbookFuzzTargets"], path: "Fuzz/FuzzConfig"),
    ]
}
