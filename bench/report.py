#!/usr/bin/env python3
"""Render bench/out/results.jsonl (written by bench/run.sh via bench/timeit.py) as a table.

    python3 bench/report.py RESULTS.jsonl [--markdown OUT.md] [--header-file HEADER.md] [--quiet]

Prints an aligned plain-text table to stdout (not with --quiet) and, with --markdown, writes the same table
as Markdown (preceded by the contents of --header-file, if given).  Each JSONL line is one timing with
the fields timeit.py (or serve_latency.py) writes plus corpus, docs, bytes, tool and flags: baseline=1 for
the cmark parse reference row, render_floor=1 for the cmark render+write row, hugo_ref=1 for the Hugo row,
hugo_pf_ref=1 for the Hugo + Pagefind row, vs_hugo=1 for rows compared with Hugo (archbook build),
vs_hugo_pf=1 for rows compared with Hugo + Pagefind (archbook build with search), per_edit=1 for rows that
time one edit rather than the whole corpus (no throughput or x cmark/x floor for those).
MB are 10^6 bytes; "x cmark" is the row's median wall time divided by the corpus's baseline row's, "x floor"
by the render floor's; "x hugo (wall)" and "RSS ÷ hugo" divide the row's median wall time and peak RSS by
the Hugo row's, "x hugo+pf (wall)" the wall time by the Hugo + Pagefind row's.
Under the table it says whether the issue's targets hold on --target-corpus (synthetic-10000): archbook
build at least 3x faster than Hugo, with a peak RSS under a quarter of Hugo's (only when Hugo was measured);
the full build with search within 2x the render floor and at least 10x faster than Hugo + Pagefind; check
within 2x and within 1.5x cmark-gfm parsing on 2 threads; a rebuild after one edit under 300 ms; the
build's peak RSS under 1 GB.
"""
from __future__ import annotations

import argparse
import json
import sys

COLUMNS = ["corpus", "docs", "MB", "tool", "median wall s", "CPU s", "peak RSS MB", "docs/s", "MB/s",
           "x cmark (wall)", "x floor (wall)", "x hugo (wall)", "RSS ÷ hugo", "x hugo+pf (wall)"]
RIGHT = set(range(len(COLUMNS))) - {0, 3}
TARGET_SPEEDUP = 3.0   # archbook build at least this many times faster than Hugo ...
TARGET_RSS_SHARE = 0.25  # ... with a peak RSS below this share of Hugo's
TARGET_FLOOR = 2.0       # full build with search at most this many times the render floor (wall)
TARGET_SPEEDUP_PF = 10.0  # full build with search at least this many times faster than Hugo + Pagefind
TARGET_CHECK = (2.0, 1.5)  # check at most these many times cmark-gfm parsing on 2 threads (issue 2; then 1.5x)
TARGET_EDIT_S = 0.300    # a rebuild after one edit under this many seconds
TARGET_BUILD_RSS = 1e9   # archbook build peak RSS under this many bytes (1 GB)
BUILD = "archbook build"
NEW = "archbook build, new output"
CHECK = "archbook check"
EDIT = "archbook build, one edit"
SERVE = "archbook serve, edit to reload"


def ratio(a: float | None, b: dict | None, fmt: str = "{:.2f}x", key: str = "wall_median_s") -> str:
    return fmt.format(a / b[key]) if b and a is not None and b.get(key) else "—"


def rows_from(results: list[dict]) -> tuple[list[list[str]], list[str]]:
    baselines = {r["corpus"]: r for r in results if r.get("baseline") and r.get("ok")}
    floors = {r["corpus"]: r for r in results if r.get("render_floor") and r.get("ok")}
    hugos = {r["corpus"]: r for r in results if r.get("hugo_ref") and r.get("ok")}
    hugo_pfs = {r["corpus"]: r for r in results if r.get("hugo_pf_ref") and r.get("ok")}
    runs = [r.get("runs") for r in results if r.get("ok") and not r.get("per_edit")]
    usual_runs = max(set(runs), key=runs.count) if runs else None
    rows, notes = [], []
    for r in results:
        mb = r["bytes"] / 1e6
        head = [r["corpus"], f"{r['docs']:,}", f"{mb:.1f}"]
        if not r.get("ok"):
            code = r.get("exit")
            why = f"exit {code}" if isinstance(code, int) and code >= 0 else r.get("error", "failed")
            rows.append(head + [f"{r['tool']}: not available ({why})"] + ["—"] * (len(COLUMNS) - 4))
            continue
        wall, cpu, rss = r["wall_median_s"], r.get("cpu_median_s"), r.get("peak_rss_bytes")
        whole = not r.get("per_edit")  # the row processed the whole corpus (not one edit)
        hugo = hugos.get(r["corpus"]) if r.get("vs_hugo") or r.get("hugo_ref") else None
        hugo_pf = hugo_pfs.get(r["corpus"]) if r.get("vs_hugo_pf") or r.get("hugo_pf_ref") else None
        rows.append(head + [
            r["tool"], f"{wall:.3f}", f"{cpu:.3f}" if cpu is not None else "—",
            f"{rss / 1e6:.1f}" if rss else "—",
            f"{r['docs'] / wall:,.0f}" if whole else "—", f"{mb / wall:.1f}" if whole else "—",
            ratio(wall, baselines.get(r["corpus"])) if whole else "—",
            ratio(wall, floors.get(r["corpus"])) if whole else "—",
            ratio(wall, hugo), ratio(rss, hugo, "{:.2f}", "peak_rss_bytes"), ratio(wall, hugo_pf),
        ])
        if r.get("exit", 0) != 0:
            notes.append(f"{r['tool']} exited {r['exit']} (diagnostics found) on {r['corpus']}"
                         + (f"; its report is in {r['report']}" if r.get("report") else ""))
        if whole and usual_runs and r.get("runs") != usual_runs:
            notes.append(f"{r['tool']} on {r['corpus']}: median of {r['runs']} run{'s' if r['runs'] != 1 else ''}"
                         + (", no warm-up" if "pagefind" in r["tool"] else ""))
        if r["tool"] == EDIT:
            reused = (f"; the untimed edit after them: {int(r['reused_pages']):,} of {int(r['pages']):,} pages "
                      "taken from the previous site" if r.get("pages") and r.get("reused_pages") is not None else "")
            notes.append(f"{EDIT} on {r['corpus']}: {r['runs']} rebuild{'s' if r['runs'] != 1 else ''}, each after changing one word of "
                         f"{r.get('edited', 'one document')}: {', '.join(f'{w:.3f}' for w in r['wall_s'])} s{reused}")
        if r["tool"] == SERVE:
            rebuild = r.get("rebuild_s") or []
            notes.append(f"{SERVE} on {r['corpus']}: {r['runs']} edit{'s' if r['runs'] != 1 else ''} of {r.get('edited', 'one document')}, from saving "
                         f"to the reload event: {', '.join(f'{w:.3f}' for w in r['wall_s'])} s (includes serve's 100 ms "
                         f"debounce)" + (f"; serve's own rebuild times: {', '.join(f'{b:.2f}' for b in rebuild)} s"
                                         if rebuild else "")
                         + (f"; first build and start {r['startup_s']:.2f} s" if r.get("startup_s") else "")
                         + ("; CPU s = serve's CPU per edit, peak RSS = serve's VmHWM over the session" )
                         + (f"; {r['stop']}" if r.get("stop") else "")
                         + (f"; {r['rebuilds_seen']} rebuilds seen for {r['runs'] + r.get('warmup', 0)} edits"
                            if r.get("rebuilds_seen") is not None else ""))
    outputs = [r for r in results if r.get("ok") and "out_files" in r]
    for corpus in dict.fromkeys(r["corpus"] for r in outputs):
        wrote = [f"{r['tool']} {int(r['out_files']):,} files ({int(r['out_bytes']) / 1e6:.0f} MB)"
                 for r in outputs if r["corpus"] == corpus]
        notes.append(f"output on {corpus}: " + ", ".join(wrote))
    return rows, notes


def verdict(ok: bool) -> str:
    return "HOLDS" if ok else "MISSED"


def label(tool: str) -> str:
    """How a verdict names the build row it was evaluated on."""
    return "archbook build" if tool == BUILD else "archbook build, new output"


def hugo_targets(results: list[dict], corpus: str, tool: str = BUILD) -> list[str]:
    """The issue's first targets on one corpus: archbook build vs Hugo, wall time and peak RSS."""
    build = next((r for r in results if r.get("corpus") == corpus and r.get("tool") == tool), None)
    hugo = next((r for r in results if r.get("corpus") == corpus and r.get("hugo_ref")), None)
    if not build or not hugo or not build.get("ok") or not hugo.get("ok"):
        missing = [name for name, r in ((tool, build), ("hugo", hugo)) if not r or not r.get("ok")]
        return [f"targets on {corpus}: not evaluated ({' and '.join(missing)} not measured)"]
    speedup = hugo["wall_median_s"] / build["wall_median_s"]
    share = build["peak_rss_bytes"] / hugo["peak_rss_bytes"]
    return [
        f"target on {corpus}: {label(tool)} >= {TARGET_SPEEDUP:g}x faster than Hugo: "
        f"{verdict(speedup >= TARGET_SPEEDUP)} -- {build['wall_median_s']:.2f} s vs {hugo['wall_median_s']:.2f} s, "
        + (f"{speedup:.2f}x faster" if speedup >= 1 else f"{1 / speedup:.2f}x slower")
        + f" (needs <= {hugo['wall_median_s'] / TARGET_SPEEDUP:.2f} s)",
        f"target on {corpus}: {label(tool)} peak RSS < {TARGET_RSS_SHARE:.0%} of Hugo's: "
        f"{verdict(share < TARGET_RSS_SHARE)} -- {build['peak_rss_bytes'] / 1e6:.0f} MB vs "
        f"{hugo['peak_rss_bytes'] / 1e6:.0f} MB = {share:.0%} "
        f"(needs < {hugo['peak_rss_bytes'] * TARGET_RSS_SHARE / 1e6:.0f} MB)",
    ]


def build_targets(results: list[dict], corpus: str, tool: str) -> list[str]:
    """The full build's targets against the render floor and Hugo + Pagefind, on one build row."""
    def row(pick) -> dict | None:
        return next((r for r in results if r.get("corpus") == corpus and pick(r)), None)

    build = row(lambda r: r.get("tool") == tool)
    floor = row(lambda r: r.get("render_floor"))
    hugo_pf = row(lambda r: r.get("hugo_pf_ref"))
    if not any(r.get("corpus") == corpus for r in results):
        return []
    full = f"{label(tool)} (full, with search)"
    out = []
    what = f"target on {corpus}: {full} <= {TARGET_FLOOR:g}x the render floor (cmark-gfm render+write, 2 threads; wall): "
    if not build or not build.get("ok") or not floor or not floor.get("ok"):
        gone = [n for n, r in ((tool, build), ("the render floor", floor)) if not r or not r.get("ok")]
        out.append(what + f"not evaluated ({' and '.join(gone)} not measured)")
    else:
        a, b = build["wall_median_s"], floor["wall_median_s"]
        out.append(what + f"{verdict(a / b <= TARGET_FLOOR)} -- {a:.2f} s vs {b:.2f} s = {a / b:.2f}x (needs <= {b * TARGET_FLOOR:.2f} s)")
    what = f"target on {corpus}: {full} >= {TARGET_SPEEDUP_PF:g}x faster than hugo + pagefind (wall): "
    if not build or not build.get("ok") or not hugo_pf or not hugo_pf.get("ok"):
        gone = [n for n, r in ((tool, build), ("hugo + pagefind", hugo_pf)) if not r or not r.get("ok")]
        out.append(what + f"not evaluated ({' and '.join(gone)} not measured)")
    else:
        speedup = hugo_pf["wall_median_s"] / build["wall_median_s"]
        out.append(what + f"{verdict(speedup >= TARGET_SPEEDUP_PF)} -- {build['wall_median_s']:.2f} s vs "
                   f"{hugo_pf['wall_median_s']:.2f} s, "
                   + (f"{speedup:.2f}x faster" if speedup >= 1 else f"{1 / speedup:.2f}x slower")
                   + f" (needs <= {hugo_pf['wall_median_s'] / TARGET_SPEEDUP_PF:.2f} s)")
    return out


def targets(results: list[dict], corpus: str) -> list[str]:
    """The other targets on one corpus, each HOLDS, MISSED or not evaluated, with the numbers."""
    def row(pick) -> dict | None:
        return next((r for r in results if r.get("corpus") == corpus and pick(r)), None)

    build = row(lambda r: r.get("tool") == BUILD)
    check = row(lambda r: r.get("tool") == CHECK)
    edit = row(lambda r: r.get("tool") == EDIT)
    parse = row(lambda r: r.get("baseline"))

    measured = any(r.get("corpus") == corpus for r in results)

    def missing(*named) -> str | None:
        if not measured:
            return f"not evaluated ({corpus} not measured)"
        gone = [name for name, r in named if not r or not r.get("ok")]
        return f"not evaluated ({' and '.join(gone)} not measured)" if gone else None

    def at_most(what: str, row: tuple, base: tuple, limit: float) -> str:
        """A target "row's wall time <= limit x base's"."""
        why = missing(row, base)
        if why:
            return what + why
        a, b = row[1]["wall_median_s"], base[1]["wall_median_s"]
        return what + f"{verdict(a / b <= limit)} -- {a:.2f} s vs {b:.2f} s = {a / b:.2f}x (needs <= {b * limit:.2f} s)"

    out = []
    for tool in (BUILD, NEW):
        if tool == BUILD or any(r.get("tool") == NEW for r in results):
            out += build_targets(results, corpus, tool)
    for limit, label in zip(TARGET_CHECK, (" (issue 2)", "")):
        out.append(at_most(f"target on {corpus}: archbook check <= {limit:g}x cmark-gfm parsing, 2 threads (wall){label}: ",
                           (CHECK, check), ("cmark-gfm, 2 threads", parse), limit))
    what = f"target on {corpus}: incremental rebuild after one edit < {TARGET_EDIT_S * 1000:g} ms (wall): "
    why = missing((EDIT, edit))
    out.append(what + (why or f"{verdict(edit['wall_median_s'] < TARGET_EDIT_S)} -- median "
                              f"{edit['wall_median_s'] * 1000:.0f} ms over {edit['runs']} rebuild{'s' if edit['runs'] != 1 else ''} "
                              f"(slowest {max(edit['wall_s']) * 1000:.0f} ms)"))
    what = f"target on {corpus}: archbook build peak RSS < {TARGET_BUILD_RSS / 1e9:g} GB (10^9 bytes): "
    why = missing((BUILD, build))
    out.append(what + (why or f"{verdict(build['peak_rss_bytes'] < TARGET_BUILD_RSS)} -- "
                              f"{build['peak_rss_bytes'] / 1e6:,.0f} MB"))
    return out


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
    ap.add_argument("--quiet", action="store_true", help="print nothing (only write --markdown)")
    args = ap.parse_args()
    with open(args.results) as f:
        results = [json.loads(line) for line in f if line.strip()]
    rows, notes = rows_from(results)
    verdicts = []
    if any(r.get("hugo_ref") for r in results):
        verdicts += hugo_targets(results, args.target_corpus)
        if any(r.get("tool") == NEW for r in results):
            verdicts += hugo_targets(results, args.target_corpus, NEW)
    verdicts += targets(results, args.target_corpus)
    if not args.quiet:
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
