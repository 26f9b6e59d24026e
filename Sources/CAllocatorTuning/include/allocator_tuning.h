// How the archbook executable sets up mimalloc before it does any work.
#ifndef ARCHBOOK_ALLOCATOR_TUNING_H
#define ARCHBOOK_ALLOCATOR_TUNING_H

/// Commits mimalloc's memory eagerly and, with `large_pages`, in 2 MiB pages where the kernel allows (transparent
/// huge pages). An environment variable the user set (MIMALLOC_EAGER_COMMIT_DELAY, MIMALLOC_LARGE_OS_PAGES) wins.
void archbook_tune_allocator(int large_pages);

#endif
