// Keeps libcmark-gfm's inline trigger characters set for the whole process, so documents can be
// finished on several threads at once.
//
// libcmark-gfm 0.29 keeps the inline extensions' trigger characters (`:` and `w` for autolinks, `~` for
// strikethrough) in one process-wide table. cmark_parser_finish adds them before its inline pass and
// removes them after it, both through this exported function (github/cmark-gfm#176): a document
// finishing on one thread strips another's, mid-pass, of its autolinks. Defined here, in the program,
// this function takes the library's place (ELF symbol interposition: the library calls it through its
// PLT). Adding is passed on to the library's own; removing is skipped. Every parser archbook makes has
// the same extensions, so the table only ever holds their characters, and a character marked special
// that no extension of a parser claims is read as plain text, as before.
//
// Whether this definition is the one called is checked at run time (archbook_special_chars_kept):
// until it is seen called, MarkdownParser finishes documents one at a time, as without it.

#define _GNU_SOURCE
#include "cmark_fields.h"
#include <cmark-gfm-extension_api.h>
#include <dlfcn.h>
#include <stdatomic.h>

typedef void (*manage_fn)(cmark_parser *, int);

static manage_fn library_manage;
static atomic_int override_called;

__attribute__((constructor)) static void find_library_manage(void) {
    library_manage = (manage_fn)dlsym(RTLD_NEXT, "cmark_manage_extensions_special_characters");
}

void cmark_manage_extensions_special_characters(cmark_parser *parser, int add) {
    if (library_manage == NULL) return;  // cannot happen when linked with libcmark-gfm; then nothing is kept
    atomic_store(&override_called, 1);
    if (add) library_manage(parser, 1);
}

int archbook_special_chars_kept(void) {
    return library_manage != NULL && atomic_load(&override_called);
}
