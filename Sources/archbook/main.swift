// The archbook executable: all behaviour lives in ArchbookCLI; only the allocator is set up here.
import ArchbookCLI
import CAllocatorTuning

archbook_tune_allocator()
ArchbookCommand.runMain()
