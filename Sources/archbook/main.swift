// The archbook executable: all behaviour lives in ArchbookCLI.
import ArchbookCLI

ArchbookCommand.runMain()
