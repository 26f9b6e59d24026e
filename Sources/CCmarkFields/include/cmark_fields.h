// Reads a cmark-gfm node's string fields in place, without the copy the public getters make.

#ifndef ARCHBOOK_CMARK_FIELDS_H
#define ARCHBOOK_CMARK_FIELDS_H

#include <cmark-gfm.h>

/// Bytes of one field, valid until the node is freed; not NUL-terminated.
typedef struct {
    const unsigned char *data;
    int length;
} archbook_bytes;

/// Text, code, HTML and footnote literals, and a code block's contents.
archbook_bytes archbook_literal(cmark_node *node);
/// A link's or image's destination and title.
archbook_bytes archbook_url(cmark_node *node);
archbook_bytes archbook_title(cmark_node *node);
/// A code block's info string.
archbook_bytes archbook_fence_info(cmark_node *node);

/// What the tree walk needs of every node, fetched in one call rather than eight.
typedef struct {
    cmark_node_type type;
    int start_line, start_column, end_line, end_column;
    cmark_node *first_child, *next, *parent;
} archbook_node_info;

void archbook_get_node_info(cmark_node *node, archbook_node_info *info);

/// 1 once cmark-gfm has called archbook's cmark_manage_extensions_special_characters (special_chars.c)
/// rather than its own: from then on documents may be finished on several threads at once.
int archbook_special_chars_kept(void);

#endif
