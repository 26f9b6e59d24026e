// Exposes libcmark-gfm and its core GFM extensions (tables, task lists, ...) to Swift.
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
