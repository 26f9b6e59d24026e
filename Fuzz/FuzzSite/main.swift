// libFuzzer harness over one Markdown document rendered into a whole site in memory: bodies, links, pages, search index.

import ArchbookCore
import ArchbookFuzzTargets
import Foundation

/// Loaded once before fuzzing starts: reading the theme for every input would make each run mostly file I/O.
nonisolated(unsafe) var theme: Theme?

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTargets.site(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [], theme: theme!)
    return 0
}

/// libFuzzer's driver. SwiftPM gives an executable a main of its own (renamed for testing), which
/// wins over libFuzzer's, so this main hands over to the driver explicitly.
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>,
               _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

let themeDir = ProcessInfo.processInfo.environment["ARCHBOOK_THEME_DIR"] ?? "themes/default"
var themeFiles: [String: [UInt8]] = [:]
for case let path as String in FileManager.default.enumerator(atPath: themeDir)?.allObjects ?? [] {
    if let data = FileManager.default.contents(atPath: themeDir + "/" + path) { themeFiles[path] = Array(data) }
}
theme = FuzzTargets.loadTheme(files: themeFiles)
guard theme != nil else {
    FileHandle.standardError.write(Data("fuzz-site: cannot load the theme from \(themeDir); set ARCHBOOK_THEME_DIR\n".utf8))
    exit(2)
}
var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runDriver(&argc, &argv, testOneInput))
