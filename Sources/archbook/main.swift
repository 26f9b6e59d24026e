// The archbook executable: all behaviour lives in ArchbookCLI; only the allocator is set up here.
import ArchbookCLI
import CAllocatorTuning

// Large pages saved `check` a few thousand page faults; for `build` and `serve` they only added 6% to the peak
// RSS (synthetic-10000: 498 vs 465 MB), which has a target of its own (bench/README.md).
archbook_tune_allocator(CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "check" ? 1 : 0)
ArchbookCommand.runMain()
