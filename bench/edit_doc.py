#!/usr/bin/env python3
"""The one-document edit of `make bench`'s incremental rows (bench/README.md, "Incremental rebuild and serve").

    python3 bench/edit_doc.py pick DOCS_DIR     prints the document the edits go to (DOCS_DIR/...)
    python3 bench/edit_doc.py toggle FILE       edits it once

`pick` takes the middle one of the tree's Markdown files (*.md, *.markdown; hidden folders and the folders
archbook skips left out) in byte order of their paths, or the first after it that has a paragraph to edit.
`toggle` changes one word of the body text of that document: in the first paragraph line of its body
(outside front matter and fenced code, after a blank line, starting with a letter, at least 8 words, not a
table row, not followed by a setext underline, not under a `Status` heading), the marker word
`benchmarkedita` after the line's first word; the next toggle turns it into `benchmarkeditb`, the one after
back into `benchmarkedita`, and so on. Each toggle is a real change of a paragraph (not of the title,
status, dates or links), the file keeps its size after the first one, and it is written in place with one
write, as an editor saving the file does.
"""
from __future__ import annotations

import os
import re
import sys

MARKERS = ("benchmarkedita", "benchmarkeditb")
SKIPPED_DIRS = {"_site", "node_modules", "vendor", ".build"}
SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$")


def markdown_files(root: str) -> list[str]:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS]
        found += [os.path.join(folder, f) for f in files
                  if not f.startswith(".") and f.endswith((".md", ".markdown"))]
    return sorted(found, key=lambda p: p.encode("utf-8", "surrogateescape"))


def target_line(lines: list[str]) -> int | None:
    """Index of the line `toggle` edits (one that already holds a marker wins), or None."""
    for i, line in enumerate(lines):
        if any(m in line for m in MARKERS):
            return i
    start = 0
    if lines and lines[0].rstrip("\r\n") == "---":
        for j in range(1, len(lines)):
            if lines[j].rstrip("\r\n") in ("---", "..."):
                start = j + 1
                break
    fence = None
    heading = ""
    for i in range(start, len(lines)):
        text = lines[i].rstrip("\r\n")
        m = FENCE.match(text)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not text.strip()[len(m.group(1)):].strip():
                fence = None
            continue
        if m:
            fence = m.group(1)
            continue
        h = HEADING.match(text)
        if h:
            heading = h.group(1).lower()
            continue
        previous = lines[i - 1].strip() if i > start else ""
        following = lines[i + 1].rstrip("\r\n") if i + 1 < len(lines) else ""
        if (not previous and text[:1].isalpha() and len(text.split()) >= 8 and "|" not in text
                and not SETEXT.match(following) and "status" not in heading
                and not re.match(r"^\w[\w -]*:", text)):
            return i
    return None


def pick(root: str) -> str | None:
    files = markdown_files(root)
    if not files:
        return None
    middle = len(files) // 2
    for path in files[middle:] + files[:middle]:
        with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
            if target_line(f.readlines()) is not None:
                return path
    return None


def toggle(path: str) -> str:
    """Edits `path` once; returns the marker it now holds."""
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
        lines = f.readlines()
    i = target_line(lines)
    if i is None:
        raise SystemExit(f"edit_doc.py: {path}: no paragraph to edit")
    line = lines[i]
    if MARKERS[0] in line:
        lines[i], now = line.replace(MARKERS[0], MARKERS[1], 1), MARKERS[1]
    elif MARKERS[1] in line:
        lines[i], now = line.replace(MARKERS[1], MARKERS[0], 1), MARKERS[0]
    else:
        first, sep, rest = line.partition(" ")
        lines[i], now = f"{first} {MARKERS[0]} {rest}" if sep else line, MARKERS[0]
    data = "".join(lines).encode("utf-8", "surrogateescape")
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    return now


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] not in ("pick", "toggle"):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    if sys.argv[1] == "pick":
        path = pick(sys.argv[2])
        if not path:
            print(f"edit_doc.py: no Markdown document with a paragraph to edit in {sys.argv[2]}", file=sys.stderr)
            return 1
        print(path)
    else:
        toggle(sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
