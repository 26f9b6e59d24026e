#!/usr/bin/env python3
"""Prepare a Hugo site that renders a corpus with bench/hugo's config and layouts (used by bench/run.sh).

    python3 bench/hugo_site.py CORPUS_DIR SITE_DIR

SITE_DIR is recreated: config.toml and layouts/ are symlinks to bench/hugo, content/ is a symlink to
CORPUS_DIR -- unless some Markdown files would make Hugo fail before rendering anything:

Hugo reads a file whose first non-blank character is '-', '+' or '{' as the start of YAML, TOML or
JSON front matter (lines opening an HTML comment are skipped first), so a page that begins with a
list item ("- Feature Name: ...", as most Rust RFCs do) stops the whole build with "invalid YAML
delimiter" (gohugoio/hugo#10372; the maintainers' advice is to start such files with an empty front
matter block).  When the corpus has such files, content/ is instead a copy of the corpus in which
exactly those files start with "---\\n---\\n"; all other bytes are unchanged, so Hugo renders the
same Markdown as archbook reads.

Prints one line: "patched N of M Markdown files" (N = 0: content/ is the corpus itself).
"""
from __future__ import annotations

import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EMPTY_FRONT_MATTER = b"---\n---\n"
MARKDOWN = (".md", ".markdown")


def breaks_hugo(data: bytes) -> bool:
    """True when Hugo would take the start of this file for front matter that is not there.

    Mirrors Hugo's lexIntroSection: a byte order mark, blank space and lines that open an HTML comment
    are skipped; then '-' or '+' must open a "---" / "+++" block closed by the same line further down,
    and '{' opens JSON front matter (which archbook does not read, so such a file is patched too)."""
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    while pos < len(data):
        if data[pos:pos + 1] in (b" ", b"\t", b"\r", b"\n"):
            pos += 1
        elif data.startswith(b"<!--", pos):
            end = data.find(b"\n", pos)
            pos = len(data) if end < 0 else end + 1
        else:
            break
    first = data[pos:pos + 1]
    if first == b"{":
        return True
    if first not in (b"-", b"+"):
        return False
    delim = first * 3
    line_end = data.find(b"\n", pos)
    first_line = data[pos:] if line_end < 0 else data[pos:line_end]
    if first_line.rstrip(b" \t\r") != delim or line_end < 0:
        return True
    return not (data.startswith(delim, line_end + 1) or b"\n" + delim in data[line_end + 1:])


def markdown_files(root: str) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        dirnames.sort()
        found += [os.path.join(dirpath, f) for f in sorted(filenames) if f.endswith(MARKDOWN)]
    return found


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    corpus, site = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if not os.path.isdir(corpus):
        print(f"hugo_site.py: {corpus} is not a directory", file=sys.stderr)
        return 2
    shutil.rmtree(site, ignore_errors=True)
    os.makedirs(site)
    for name in ("config.toml", "layouts"):
        os.symlink(os.path.relpath(os.path.join(HERE, "hugo", name), site), os.path.join(site, name))

    files = markdown_files(corpus)
    bad = set()
    for path in files:
        with open(path, "rb") as f:
            if breaks_hugo(f.read()):
                bad.add(path)
    content = os.path.join(site, "content")
    if not bad:
        os.symlink(corpus, content)
    else:
        shutil.copytree(corpus, content, symlinks=False)
        for path in bad:
            copy = os.path.join(content, os.path.relpath(path, corpus))
            with open(path, "rb") as f:
                data = f.read()
            with open(copy, "wb") as f:
                f.write(EMPTY_FRONT_MATTER + data)
    print(f"patched {len(bad)} of {len(files)} Markdown files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
