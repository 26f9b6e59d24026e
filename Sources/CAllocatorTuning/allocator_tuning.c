// A check or build allocates its whole working set in the first tenth of a second on both cores; committing it
// page by page cost 10,000 page faults on 1,000 documents (bench/README.md, "Start-up"). mimalloc reads its
// options from the environment when the process starts; these are set afterwards, so they apply to the memory
// it asks the system for from then on, which is nearly all of it.
#include "allocator_tuning.h"
#include <mimalloc.h>
#include <stdlib.h>

static void set_unless_given(mi_option_t option, const char *name, long value) {
    if (getenv(name) == NULL) mi_option_set(option, value);
}

void archbook_tune_allocator(int large_pages) {
    set_unless_given(mi_option_eager_commit_delay, "MIMALLOC_EAGER_COMMIT_DELAY", 0);
    if (large_pages) set_unless_given(mi_option_large_os_pages, "MIMALLOC_LARGE_OS_PAGES", 1);
}
