// Exposes libcmark-gfm and its core GFM extensions (tables, task lists, ...) to Swift.
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>

// Node types the extensions register at run time; exported by libcmark-gfm-extensions but not
// declared in its installed headers. Comparing against them is cheaper than comparing type names.
extern cmark_node_type CMARK_NODE_TABLE;
extern cmark_node_type CMARK_NODE_TABLE_ROW;
extern cmark_node_type CMARK_NODE_TABLE_CELL;
extern cmark_node_type CMARK_NODE_STRIKETHROUGH;
