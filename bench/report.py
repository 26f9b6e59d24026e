#!/usr/bin/env python3
"""Render bench/out/results.jsonl (written by bench/run.sh via bench/timeit.py) as a table.

    python3 bench/report.py RESULTS.jsonl [--markdown OUT.md] [--header-file HEADER.md]

Prints an aligned plain-text table to stdout and, with --markdown, writes the same table as
Markdown (preceded by the contents of --header-file, if given).  Each JSONL line is one timing with
the fields timeit.py writes plus corpus, docs, bytes, tool and flags: baseline=1 for the cmark
reference row, hugo_ref=1 for the Hugo row, vs_hugo=1 for rows compared with it (archbook build).
MB are 10^6 bytes; "x cmark" is the row's median wall time divided by the corpus's baseline row's;
"x hugo (wall)" and "RSS ÷ hugo" divide the row's median wall time and peak RSS by the Hugo row's.
Under the table it says whether the issue's targets hold on --target-corpus (synthetic-10000):
archbook build at least 3x faster than Hugo, with a peak RSS under a quarter of Hugo's.
"""
from __future__ import annotations

import argparse
import json
import sys

COLUMNS = ["corpus", "docs", "MB", "tool", "median wall s", "CPU s", "peak RSS MB", "docs/s", "MB/s",
           "x cmark (wall)", "x hugo (wall)", "RSS ÷ hugo"]
RIGHT = {1, 2, 4, 5, 6, 7, 8, 9, 10, 11}
TARGET_SPEEDUP = 3.0   # archbook build at least this many times faster than Hugo ...
TARGET_RSS_SHARE = 0.25  # ... with a peak RSS below this share of Hugo's


def rows_from(results: list[dict]) -> tuple[list[list[str]], list[str]]:
    baselines = {r["corpus"]: r for r in results if r.get("baseline") and r.get("ok")}
    hugos = {r["corpus"]: r for r in results if r.get("hugo_ref") and r.get("ok")}
    rows, notes = [], []
    for r in results:
        mb = r["bytes"] / 1e6
        head = [r["corpus"], f"{r['docs']:,}", f"{mb:.1f}"]
        if not r.get("ok"):
            code = r.get("exit")
            why = f"exit {code}" if isinstance(code, int) and code >= 0 else r.get("error", "failed")
            rows.append(head + [f"{r['tool']}: not available ({why})"] + ["—"] * (len(COLUMNS) - 4))
            continue
        wall, cpu, rss = r["wall_median_s"], r["cpu_median_s"], r["peak_rss_bytes"]
        base = baselines.get(r["corpus"])
        ratio = f"{wall / base['wall_median_s']:.2f}x" if base else "—"
        hugo = hugos.get(r["corpus"]) if r.get("vs_hugo") or r.get("hugo_ref") else None
        x_hugo = f"{wall / hugo['wall_median_s']:.2f}x" if hugo else "—"
        rss_hugo = f"{rss / hugo['peak_rss_bytes']:.2f}" if hugo else "—"
        rows.append(head + [
            r["tool"], f"{wall:.3f}", f"{cpu:.3f}", f"{rss / 1e6:.1f}",
            f"{r['docs'] / wall:,.0f}", f"{mb / wall:.1f}", ratio, x_hugo, rss_hugo,
        ])
        if r.get("exit", 0) != 0:
            notes.append(f"{r['tool']} exited {r['exit']} (diagnostics found) on {r['corpus']}"
                         + (f"; its report is in {r['report']}" if r.get("report") else ""))
    outputs = [r for r in results if r.get("ok") and "out_files" in r]
    for corpus in dict.fromkeys(r["corpus"] for r in outputs):
        wrote = [f"{r['tool']} {int(r['out_files']):,} files ({int(r['out_bytes']) / 1e6:.0f} MB)"
                 for r in outputs if r["corpus"] == corpus]
        notes.append(f"output on {corpus}: " + ", ".join(wrote))
    return rows, notes


def targets(results: list[dict], corpus: str) -> list[str]:
    """The issue's targets on one corpus: archbook build vs Hugo, wall time and peak RSS."""
    build = next((r for r in results if r.get("corpus") == corpus and r.get("tool") == "archbook build"), None)
    hugo = next((r for r in results if r.get("corpus") == corpus and r.get("hugo_ref")), None)
    if not build or not hugo or not build.get("ok") or not hugo.get("ok"):
        missing = [name for name, r in (("archbook build", build), ("hugo", hugo)) if not r or not r.get("ok")]
        return [f"targets on {corpus}: not evaluated ({' and '.join(missing)} not measured)"]
    speedup = hugo["wall_median_s"] / build["wall_median_s"]
    share = build["peak_rss_bytes"] / hugo["peak_rss_bytes"]
    verdict = lambda ok: "HOLDS" if ok else "MISSED"
    return [
        f"target on {corpus}: archbook build >= {TARGET_SPEEDUP:g}x faster than Hugo: "
        f"{verdict(speedup >= TARGET_SPEEDUP)} -- {build['wall_median_s']:.2f} s vs {hugo['wall_median_s']:.2f} s, "
        + (f"{speedup:.2f}x faster" if speedup >= 1 else f"{1 / speedup:.2f}x slower")
        + f" (needs <= {hugo['wall_median_s'] / TARGET_SPEEDUP:.2f} s)",
        f"target on {corpus}: archbook build peak RSS < {TARGET_RSS_SHARE:.0%} of Hugo's: "
        f"{verdict(share < TARGET_RSS_SHARE)} -- {build['peak_rss_bytes'] / 1e6:.0f} MB vs "
        f"{hugo['peak_rss_bytes'] / 1e6:.0f} MB = {share:.0%} "
        f"(needs < {hugo['peak_rss_bytes'] * TARGET_RSS_SHARE / 1e6:.0f} MB)",
    ]


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
    ap.add_argument("--target-corpus", default="synthetic-10000",
                    help="corpus the issue's targets are checked on (default synthetic-10000)")
    args = ap.parse_args()
    with open(args.results) as f:
        results = [json.loads(line) for line in f if line.strip()]
    rows, notes = rows_from(results)
    verdicts = targets(results, args.target_corpus) if any(r.get("hugo_ref") for r in results) else []
    print(plain(rows))
    for n in notes:
        print(f"note: {n}")
    for v in verdicts:
        print(v)
    if args.markdown:
        header = ""
        if args.header_file:
            with open(args.header_file) as f:
                header = f.read().rstrip() + "\n\n"
        body = markdown(rows) + "\n"
        if notes:
            body += "\n" + "\n".join(f"- {n}" for n in notes) + "\n"
        if verdicts:
            body += "\n" + "\n".join(f"- {v}" for v in verdicts) + "\n"
        with open(args.markdown, "w") as f:
            f.write(header + body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
