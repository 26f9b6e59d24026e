#!/usr/bin/env python3
"""Render bench/out/results.jsonl (written by bench/run.sh via bench/timeit.py) as a table.

    python3 bench/report.py RESULTS.jsonl [--markdown OUT.md] [--header-file HEADER.md]

Prints an aligned plain-text table to stdout and, with --markdown, writes the same table as
Markdown (preceded by the contents of --header-file, if given).  Each JSONL line is one timing with
the fields timeit.py writes plus corpus, docs, bytes, tool and (for the reference row) baseline=1.
MB are 10^6 bytes; "x cmark" is the row's median wall time divided by the corpus's baseline row's.
"""
from __future__ import annotations

import argparse
import json
import sys

COLUMNS = ["corpus", "docs", "MB", "tool", "median wall s", "CPU s", "peak RSS MB", "docs/s", "MB/s",
           "x cmark (wall)"]
RIGHT = {1, 2, 4, 5, 6, 7, 8, 9}


def rows_from(results: list[dict]) -> tuple[list[list[str]], list[str]]:
    baselines = {r["corpus"]: r for r in results if r.get("baseline") and r.get("ok")}
    rows, notes = [], []
    for r in results:
        mb = r["bytes"] / 1e6
        head = [r["corpus"], f"{r['docs']:,}", f"{mb:.1f}"]
        if not r.get("ok"):
            code = r.get("exit")
            why = f"exit {code}" if isinstance(code, int) and code >= 0 else r.get("error", "failed")
            rows.append(head + [f"{r['tool']}: not available ({why})"] + ["—"] * 6)
            continue
        wall, cpu = r["wall_median_s"], r["cpu_median_s"]
        base = baselines.get(r["corpus"])
        ratio = f"{wall / base['wall_median_s']:.2f}x" if base else "—"
        rows.append(head + [
            r["tool"], f"{wall:.3f}", f"{cpu:.3f}", f"{r['peak_rss_bytes'] / 1e6:.1f}",
            f"{r['docs'] / wall:,.0f}", f"{mb / wall:.1f}", ratio,
        ])
        if r.get("exit", 0) != 0:
            notes.append(f"{r['tool']} exited {r['exit']} (diagnostics found) on {r['corpus']}"
                         + (f"; its report is in {r['report']}" if r.get("report") else ""))
    return rows, notes


def plain(rows: list[list[str]]) -> str:
    table = [COLUMNS] + rows
    widths = [max(len(row[i]) for row in table) for i in range(len(COLUMNS))]
    out = []
    for n, row in enumerate(table):
        cells = [c.rjust(widths[i]) if i in RIGHT else c.ljust(widths[i]) for i, c in enumerate(row)]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def markdown(rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(COLUMNS) + " |",
           "|" + "|".join("---:" if i in RIGHT else "---" for i in range(len(COLUMNS))) + "|"]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--markdown")
    ap.add_argument("--header-file")
    args = ap.parse_args()
    with open(args.results) as f:
        results = [json.loads(line) for line in f if line.strip()]
    rows, notes = rows_from(results)
    print(plain(rows))
    for n in notes:
        print(f"note: {n}")
    if args.markdown:
        header = ""
        if args.header_file:
            with open(args.header_file) as f:
                header = f.read().rstrip() + "\n\n"
        body = markdown(rows) + "\n"
        if notes:
            body += "\n" + "\n".join(f"- {n}" for n in notes) + "\n"
        with open(args.markdown, "w") as f:
            f.write(header + body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
