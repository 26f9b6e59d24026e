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

void archbook_get_node_info(cmark_node *node, archbook_node_info *info) {
    info->type = (cmark_node_type)node->type;
    info->start_line = node->start_line;
    info->start_column = node->start_column;
    info->end_line = node->end_line;
    info->end_column = node->end_column;
    info->first_child = node->first_child;
    info->next = node->next;
    info->parent = node->parent;
}

#else

static archbook_bytes cstring(const char *s) {
    archbook_bytes b = {(const unsigned char *)s, s ? (int)strlen(s) : 0};
    return b;
}

archbook_bytes archbook_literal(cmark_node *node) { return cstring(cmark_node_get_literal(node)); }
archbook_bytes archbook_url(cmark_node *node) { return cstring(cmark_node_get_url(node)); }
archbook_bytes archbook_title(cmark_node *node) { return cstring(cmark_node_get_title(node)); }
archbook_bytes archbook_fence_info(cmark_node *node) { return cstring(cmark_node_get_fence_info(node)); }

void archbook_get_node_info(cmark_node *node, archbook_node_info *info) {
    info->type = cmark_node_get_type(node);
    info->start_line = cmark_node_get_start_line(node);
    info->start_column = cmark_node_get_start_column(node);
    info->end_line = cmark_node_get_end_line(node);
    info->end_column = cmark_node_get_end_column(node);
    info->first_child = cmark_node_first_child(node);
    info->next = cmark_node_next(node);
    info->parent = cmark_node_parent(node);
}

#endif
