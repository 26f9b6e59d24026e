// cmark_node_get_literal, _get_url, _get_title and _get_fence_info copy their field into a new
// NUL-terminated buffer the first time they are called: one allocation per text node of every
// document. Where cmark-gfm installs its node layout (Debian and Ubuntu package it), the fields are
// read in place; elsewhere the public getters are used.

#include "cmark_fields.h"
#include <string.h>

#if __has_include(<cmark-gfm/node.h>)
#include <cmark-gfm/node.h>

static archbook_bytes chunk(const cmark_chunk *c) {
    archbook_bytes b = {c->data, c->len};
    return b;
}

// Callers ask only for the fields their node's type has, as with the getters.
archbook_bytes archbook_literal(cmark_node *node) {
    return chunk(node->type == CMARK_NODE_CODE_BLOCK ? &node->as.code.literal : &node->as.literal);
}
archbook_bytes archbook_url(cmark_node *node) { return chunk(&node->as.link.url); }
archbook_bytes archbook_title(cmark_node *node) { return chunk(&node->as.link.title); }
archbook_bytes archbook_fence_info(cmark_node *node) { return chunk(&node->as.code.info); }

#else

static archbook_bytes cstring(const char *s) {
    archbook_bytes b = {(const unsigned char *)s, s ? (int)strlen(s) : 0};
    return b;
}

archbook_bytes archbook_literal(cmark_node *node) { return cstring(cmark_node_get_literal(node)); }
archbook_bytes archbook_url(cmark_node *node) { return cstring(cmark_node_get_url(node)); }
archbook_bytes archbook_title(cmark_node *node) { return cstring(cmark_node_get_title(node)); }
archbook_bytes archbook_fence_info(cmark_node *node) { return cstring(cmark_node_get_fence_info(node)); }

#endif
