#!/usr/bin/env python3
"""The search part of `make bench` (see bench/README.md, "Search"): index sizes, bytes a query downloads and
query latency in headless Chromium, for archbook's search and for Pagefind on the same built site.

    python3 bench/search_bench.py config CORPUS_DIR OUT.yml
        A configuration for `archbook build --config OUT.yml` that is the corpus's own archbook.yml (if any)
        with `site: search: false` added: the build without search, to time what the index costs.
    python3 bench/search_bench.py queries CORPUS_DIR [--count 50]
        The latency queries for a corpus (printed, one a line), as `measure` picks them.
    python3 bench/search_bench.py measure --site SITE --corpus NAME --corpus-dir DIR --docs N [--query Q]
                                          [--pagefind-dir pagefind] [--out RESULT.json]
        Serves SITE on 127.0.0.1 (ephemeral port; gzip for text files, as a static host does) and measures in
        headless Chromium (selenium; /usr/bin/chromium and /usr/bin/chromedriver unless CHROMIUM/CHROMEDRIVER):
        * bytes one query downloads, from the Performance resource timing entries (cache disabled): archbook
          = assets/archbook-search.js + every search/* file the page fetched, for `archbookSearch.open()`,
          `search(q)` and the first 5 results' `index.doc()`; and for search.html?q=Q as a reader opens it
          (20 results shown). Pagefind = every pagefind/* file for `pagefind.search(q)` + the first 5
          results' `data()`. Sums of encodedBodySize (what went over the wire, gzip where the server
          compressed), decodedBodySize (the files' own sizes) and transferSize (with headers);
        * the same for the query with a typo (two middle letters swapped: kafka -> kfaka), where archbook
          falls back to close spellings;
        * query latency after the index is loaded: every query of `queries` run once (loading what it needs),
          then timed 3 times; median, p90 and max of those runs, for `archbookSearch.search(index, q)` and
          for `pagefind.search(q)`; and Q from a fresh page including loading the index.
        Writes one JSON object (stdout, or --out).
    python3 bench/search_bench.py report RESULTS.jsonl SEARCH.jsonl [--markdown-append OUT.md]
        The search tables: build time with search on (`archbook build` rows of RESULTS.jsonl) and off
        (`archbook build, no search`), index size, bytes per query, latency; and the two targets of the
        issue on synthetic-10000 (a query under 50 ms once the index is loaded; fewer bytes than Pagefind).
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import mimetypes
import os
import random
import re
import statistics
import sys
import threading
import time
import unicodedata
import urllib.parse
from pathlib import Path

TARGET_MS = 50.0
TARGET_CORPUS = "synthetic-10000"
TEXT_TYPES = {".html", ".json", ".js", ".mjs", ".css", ".svg", ".xml", ".txt", ".md"}
# A word found in more than this share of the documents is left out of the latency queries (it is a
# stop word in all but name: "that", "with", ...).
MAX_DF = 0.6
DEFAULT_QUERY = {"synthetic": "kafka", "rfc-rust": "closure"}


# ---- config --------------------------------------------------------------------------------------------

def search_off_config(corpus_dir: Path) -> str:
    """The corpus's archbook.yml (if any) with `search: false` under `site:`."""
    own = corpus_dir / "archbook.yml"
    text = own.read_text(encoding="utf-8") if own.is_file() else ""
    lines = text.splitlines()
    for k, line in enumerate(lines):
        if re.match(r"^site:\s*(#.*)?$", line):
            # Drop an existing search setting (and its indented block), then add ours.
            out, skip = lines[:k + 1], False
            for rest in lines[k + 1:]:
                if skip and (rest.startswith("    ") or not rest.strip()):
                    continue
                skip = False
                if re.match(r"^  search\s*:", rest):
                    skip = True
                    continue
                out.append(rest)
            out.insert(k + 1, "  search: false")
            return "\n".join(out) + "\n"
    if re.search(r"^site\s*:", text, re.M):
        raise SystemExit(f"search_bench: cannot add `search: false` to the inline site: of {own}")
    return text + ("\n" if text and not text.endswith("\n") else "") + "site:\n  search: false\n"


# ---- queries -------------------------------------------------------------------------------------------

def markdown_files(corpus_dir: Path) -> list[Path]:
    return sorted(p for p in corpus_dir.rglob("*") if p.suffix in (".md", ".markdown") and p.is_file())


def pick_queries(corpus_dir: Path, count: int = 50) -> list[str]:
    """Deterministic queries from the words of the corpus's text: 38 single words spread over the document
    frequencies (half among the 500 most frequent words or the first half, half among the rest), 5 pairs of
    words, 5 prefixes of words (the last word of a query is matched as a prefix while it is typed) and 2
    frequent words with two letters swapped (a typo: archbook then looks for close spellings)."""
    files = markdown_files(corpus_dir)
    step = max(1, len(files) // 1500)
    sample = files[::step]
    df: dict[str, int] = {}
    for p in sample:
        text = p.read_text(encoding="utf-8", errors="replace")
        # Words a reader sees: not the front matter's keys and values, link destinations or autolinks.
        text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
        text = re.sub(r"\]\([^)]*\)|<[a-z]+://[^>]*>|^\[[^\]]+\]:.*$", "]", text, flags=re.M)
        text = unicodedata.normalize("NFKD", text.lower())
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        words = {w for w in re.findall(r"[^\W\d_]+", text) if len(w) >= 4 and w.isascii()}
        for w in words:
            df[w] = df.get(w, 0) + 1
    ranked = sorted((w for w, n in df.items() if 2 <= n <= MAX_DF * len(sample)), key=lambda w: (-df[w], w))
    if len(ranked) < 60:
        raise SystemExit(f"search_bench: only {len(ranked)} usable words in {corpus_dir}")
    singles_n = count - 12
    split = min(500, len(ranked) // 2)
    head, tail = ranked[:split], ranked[split:]
    pick = lambda pool, n: [pool[int(i * (len(pool) - 1) / max(1, n - 1))] for i in range(n)]
    singles = pick(head, singles_n // 2) + pick(tail, singles_n - singles_n // 2)
    rng = random.Random(7)
    frequent = head[:100]
    pairs = [f"{a} {b}" for a, b in (rng.sample(frequent, 2) for _ in range(5))]
    prefixes = [w[:4] for w in rng.sample(head[:200], 5)]
    typos = [typo(w) for w in rng.sample([w for w in head[:200] if len(w) >= 6], 2)]
    out = list(dict.fromkeys(singles + pairs + prefixes + typos))
    return out[:count]


def typo(word: str) -> str:
    """The word with two letters in its middle swapped: storage -> stroage."""
    k = len(word) // 2
    return word[:k - 1] + word[k] + word[k - 1] + word[k + 1:]


def default_query(corpus: str, queries: list[str]) -> str:
    for key, q in DEFAULT_QUERY.items():
        if corpus.startswith(key):
            return q
    return queries[len(queries) // 4]


# ---- the server ----------------------------------------------------------------------------------------

class StaticHandler(http.server.BaseHTTPRequestHandler):
    """GET of files under `root`, gzip-encoded for text types when the browser accepts it (as a static host
    such as GitHub Pages or Netlify serves JSON and JavaScript). Pagefind's own files are gzip already and
    are sent as they are."""
    root: Path = Path(".")
    cache: dict = {}
    sent: list = []  # (path from the site root, body bytes sent, file size) of every 200 response
    lock = threading.Lock()
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002
        pass

    def do_GET(self):  # noqa: N802
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        file = (self.root / path.lstrip("/")).resolve()
        if file.is_dir():
            file = file / "index.html"
        if not str(file).startswith(str(self.root)) or not file.is_file():
            body = b"not found"
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        data = file.read_bytes()
        ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if file.suffix in (".js", ".mjs"):
            ctype = "text/javascript"
        gz = file.suffix in TEXT_TYPES and "gzip" in self.headers.get("Accept-Encoding", "")
        if gz:
            with self.lock:
                key = (str(file), file.stat().st_mtime_ns)
                if key not in self.cache:
                    self.cache[key] = gzip.compress(data, 6, mtime=0)
                data = self.cache[key]
        with self.lock:
            self.sent.append((path.lstrip("/"), len(data), file.stat().st_size))
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        if gz:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        self.wfile.write(data)


def serve(root: Path):
    handler = type("Handler", (StaticHandler,), {"root": root.resolve(), "cache": {}, "sent": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


# ---- the browser ---------------------------------------------------------------------------------------

def browser():
    os.environ.setdefault("SE_OFFLINE", "true")
    os.environ.setdefault("SE_AVOID_STATS", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                 "--window-size=1280,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.set_page_load_timeout(120)
    driver.set_script_timeout(600)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    return driver


RESOURCES = """
return performance.getEntriesByType('resource').map(e => ({name: e.name, transfer: e.transferSize,
  encoded: e.encodedBodySize, decoded: e.decodedBodySize}));"""


def fresh(driver, url, server=None):
    driver.get("about:blank")
    if server:
        del server.RequestHandlerClass.sent[:]
    driver.get(url)
    driver.execute_script("performance.setResourceTimingBufferSize(100000);")


def downloaded(driver, server, base: str, prefixes: tuple[str, ...]) -> dict:
    """What the page downloaded of the files whose path (from the site root) starts with one of `prefixes`,
    counted by the server (every request, also those a Web Worker makes, which Pagefind does and which the
    page's resource timing does not show): `encoded` = body bytes sent (gzip for text files), `decoded` = the
    files' sizes. For the page's own requests, the resource timing sums too (`rt_*`), as a cross-check."""
    sent = [e for e in server.RequestHandlerClass.sent if e[0].startswith(prefixes)]
    entries = [e for e in driver.execute_script(RESOURCES) if e["name"].startswith(base)
               and urllib.parse.urlsplit(e["name"]).path.lstrip("/").startswith(prefixes)]
    files = sorted(e[0] for e in sent)
    return {"files": len(sent), "encoded": sum(e[1] for e in sent), "decoded": sum(e[2] for e in sent),
            "rt_files": len(entries), "rt_encoded": sum(e["encoded"] for e in entries),
            "rt_transfer": sum(e["transfer"] for e in entries),
            "paths": files[:40] + ([f"... {len(files) - 40} more"] if len(files) > 40 else [])}


ARCHBOOK_QUERY = """
const cb = arguments[arguments.length - 1], q = arguments[0], s = window.archbookSearch;
const t0 = performance.now();
s.open().then(ix => s.search(ix, q).then(o => { const t1 = performance.now();
  return Promise.all(o.results.slice(0, 5).map(r => ix.doc(r.doc))).then(frags =>
    cb({results: o.results.length, ms: t1 - t0, top: frags.map(f => f[0] || f[1])})); }))
 .catch(e => cb({error: String(e && e.stack || e)}));"""

PAGEFIND_QUERY = """
const cb = arguments[arguments.length - 1], q = arguments[0], url = arguments[1];
const t0 = performance.now();
import(url).then(async pf => { await pf.init(); const s = await pf.search(q); const t1 = performance.now();
  const data = await Promise.all(s.results.slice(0, 5).map(r => r.data()));
  cb({results: s.results.length, ms: t1 - t0, top: data.map(d => d.url)}); })
 .catch(e => cb({error: String(e && e.stack || e)}));"""

ARCHBOOK_LATENCY = """
const cb = arguments[arguments.length - 1], queries = arguments[0], s = window.archbookSearch;
(async () => {
  const t0 = performance.now();
  const ix = await s.open();
  await s.search(ix, arguments[1]);
  const first = performance.now() - t0, cold = [], warm = [], counts = [];
  for (const q of queries) { const t = performance.now(); const o = await s.search(ix, q); cold.push(performance.now() - t); counts.push(o.results.length); }
  for (let pass = 0; pass < 3; pass++)
    for (const q of queries) { const t = performance.now(); await s.search(ix, q); warm.push(performance.now() - t); }
  return {first, cold, warm, counts};
})().then(cb, e => cb({error: String(e && e.stack || e)}));"""

PAGEFIND_LATENCY = """
const cb = arguments[arguments.length - 1], queries = arguments[0], url = arguments[2];
(async () => {
  const t0 = performance.now();
  const pf = await import(url);
  await pf.init();
  await pf.search(arguments[1]);
  const first = performance.now() - t0, cold = [], warm = [], counts = [];
  for (const q of queries) { const t = performance.now(); const o = await pf.search(q); cold.push(performance.now() - t); counts.push(o.results.length); }
  for (let pass = 0; pass < 3; pass++)
    for (const q of queries) { const t = performance.now(); await pf.search(q); warm.push(performance.now() - t); }
  return {first, cold, warm, counts};
})().then(cb, e => cb({error: String(e && e.stack || e)}));"""


def summary(times: list[float]) -> dict:
    s = sorted(times)
    return {"median_ms": round(statistics.median(s), 3), "p90_ms": round(s[min(len(s) - 1, int(0.9 * len(s)))], 3),
            "max_ms": round(s[-1], 3), "n": len(s)}


def latency(driver, base, script, queries, first, *extra):
    """`first` is timed from a fresh page, loading included; then every query once, then 3 timed passes."""
    fresh(driver, base + "index.html")
    r = driver.execute_async_script(script, queries, first, *extra)
    if "error" in r:
        raise RuntimeError(r["error"])
    return {"first_query_with_loading_ms": round(r["first"], 1), "warm": summary(r["warm"]),
            "first_run": summary(r["cold"]), "matches": dict(zip(queries, r["counts"]))}


def tree(path: Path, pattern: str = "*") -> dict:
    files = [p for p in path.rglob(pattern) if p.is_file()] if path.is_dir() else []
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}


def measure(args) -> dict:
    site = Path(args.site).resolve()
    queries = pick_queries(Path(args.corpus_dir))
    query = args.query or default_query(args.corpus, queries)
    typo_query = typo(query)
    out = {"corpus": args.corpus, "docs": args.docs, "query": query, "typo_query": typo_query, "queries": queries}
    meta = json.loads((site / "search" / "index.json").read_text(encoding="utf-8"))
    out["archbook_index"] = {"split": meta.get("split"), "documents": meta.get("documents"),
                             "all": tree(site / "search"), "json": tree(site / "search", "*.json"),
                             "term_shards": len(meta.get("shards", [])) or 1}
    pagefind = site / args.pagefind_dir
    if (pagefind / "pagefind.js").is_file():
        out["pagefind_index"] = tree(pagefind)
    server, base = serve(site)
    driver = browser()
    try:
        out["browser"] = driver.capabilities.get("browserVersion")
        # archbook, as the benchmark's API call: open, search, the first 5 results' fragments.
        fresh(driver, base + "index.html", server)
        r = driver.execute_async_script(ARCHBOOK_QUERY, query)
        if "error" in r:
            raise RuntimeError("archbook query: " + r["error"])
        out["archbook_query"] = dict(r, **downloaded(driver, server, base, ("search/", "assets/archbook-search.js")))
        # archbook's search page as a reader opens it: search.html?q=... (20 results shown).
        fresh(driver, base + "search.html?q=" + urllib.parse.quote(query), server)
        deadline = time.monotonic() + 120
        while not driver.execute_script("return document.querySelector('.search-page').getAttribute('data-ready')"):
            if time.monotonic() > deadline:
                raise RuntimeError("search.html never showed its results")
            time.sleep(0.05)
        shown = driver.execute_script("return document.querySelectorAll('.search-page li.search-result').length")
        out["archbook_page"] = dict(downloaded(driver, server, base, ("search/", "assets/archbook-search.js")), shown=shown,
                                    query_ms=float(driver.execute_script(
                                        "return document.querySelector('.search-page').getAttribute('data-query-ms')")))
        # The same with a typo: nothing matches exactly, so archbook looks for close spellings among the terms
        # that start with the same letter (which, split, spans many shards).
        fresh(driver, base + "index.html", server)
        r = driver.execute_async_script(ARCHBOOK_QUERY, typo_query)
        if "error" in r:
            raise RuntimeError("archbook typo query: " + r["error"])
        out["archbook_typo"] = dict(r, **downloaded(driver, server, base, ("search/", "assets/archbook-search.js")))
        out["archbook_latency"] = latency(driver, base, ARCHBOOK_LATENCY, queries, query)
        if "pagefind_index" in out:
            url = base + args.pagefind_dir + "/pagefind.js"
            fresh(driver, base + "index.html", server)
            r = driver.execute_async_script(PAGEFIND_QUERY, query, url)
            if "error" in r:
                raise RuntimeError("pagefind query: " + r["error"])
            out["pagefind_query"] = dict(r, **downloaded(driver, server, base, (args.pagefind_dir + "/",)))
            fresh(driver, base + "index.html", server)
            r = driver.execute_async_script(PAGEFIND_QUERY, typo_query, url)
            if "error" in r:
                raise RuntimeError("pagefind typo query: " + r["error"])
            out["pagefind_typo"] = dict(r, **downloaded(driver, server, base, (args.pagefind_dir + "/",)))
            out["pagefind_latency"] = latency(driver, base, PAGEFIND_LATENCY, queries, query, url)
    finally:
        driver.quit()
        server.shutdown()
        server.server_close()
    return out


# ---- report --------------------------------------------------------------------------------------------

def kb(n):
    return f"{n / 1e3:,.1f}"


def table(columns, rows, right):
    md = ["| " + " | ".join(columns) + " |", "|" + "|".join("---:" if i in right else "---" for i in range(len(columns))) + "|"]
    md += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    widths = [max(len(r[i]) for r in [columns] + rows) for i in range(len(columns))]
    plain = []
    for n, row in enumerate([columns] + rows):
        plain.append("  ".join(c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(row)).rstrip())
        if n == 0:
            plain.append("  ".join("-" * w for w in widths))
    return "\n".join(md), "\n".join(plain)


def report(results_path: Path, search_path: Path) -> tuple[str, str]:
    results = [json.loads(line) for line in results_path.read_text().splitlines() if line.strip()] if results_path.is_file() else []
    search = [json.loads(line) for line in search_path.read_text().splitlines() if line.strip()] if search_path.is_file() else []
    timing = {(r["corpus"], r["tool"]): r for r in results if r.get("ok")}
    measured = {s["corpus"]: s for s in search if s.get("kind") == "measure"}
    pagefind_build = {s["corpus"]: s for s in search if s.get("tool") == "pagefind index" and s.get("ok")}
    failures = [s for s in search if s.get("ok") is False]
    corpora = list(dict.fromkeys([r["corpus"] for r in results if r.get("tool") == "archbook build"] + list(measured)))

    build_rows, size_rows, query_rows, typo_rows, notes, verdicts = [], [], [], [], [], []
    for c in corpora:
        on, off = timing.get((c, "archbook build")), timing.get((c, "archbook build, no search"))
        m = measured.get(c, {})
        docs = (on or off or m or {}).get("docs", 0)
        pf = pagefind_build.get(c)
        if on and off:
            d = on["wall_median_s"] - off["wall_median_s"]
            build_rows.append([c, f"{docs:,}", f"{on['wall_median_s']:.3f}", f"{off['wall_median_s']:.3f}",
                               f"{d:+.3f}", f"{on['wall_median_s'] / off['wall_median_s']:.2f}x",
                               f"{on['cpu_median_s'] - off['cpu_median_s']:+.3f}",
                               f"{pf['wall_median_s']:.3f}" if pf else "—"])
        if m:
            ix, pfi = m["archbook_index"], m.get("pagefind_index")
            size_rows.append([c, f"{docs:,}", "split" if ix["split"] else "one file", f"{ix['term_shards']:,}",
                              f"{ix['json']['files']:,}", f"{ix['json']['bytes'] / 1e6:.2f}", f"{ix['all']['bytes'] / 1e6:.2f}",
                              f"{pfi['files']:,}" if pfi else "—", f"{pfi['bytes'] / 1e6:.2f}" if pfi else "—"])
            aq, ap, pq = m["archbook_query"], m["archbook_page"], m.get("pagefind_query")
            al, pl = m["archbook_latency"], m.get("pagefind_latency")
            ratio = f"{aq['encoded'] / pq['encoded']:.2f}" if pq else "—"
            query_rows.append([
                c, m["query"], f"{aq['results']:,}", f"{aq['files']} / {kb(aq['encoded'])} / {kb(aq['decoded'])}",
                f"{ap['files']} / {kb(ap['encoded'])}",
                f"{pq['results']:,}" if pq else "—",
                f"{pq['files']} / {kb(pq['encoded'])} / {kb(pq['decoded'])}" if pq else "—", ratio,
                f"{al['warm']['median_ms']:.2f} / {al['warm']['p90_ms']:.2f}",
                f"{pl['warm']['median_ms']:.2f} / {pl['warm']['p90_ms']:.2f}" if pl else "—",
                f"{al['first_run']['median_ms']:.1f} / {al['first_run']['max_ms']:.0f}",
                f"{pl['first_run']['median_ms']:.1f} / {pl['first_run']['max_ms']:.0f}" if pl else "—",
                f"{al['first_query_with_loading_ms']:.0f}", f"{pl['first_query_with_loading_ms']:.0f}" if pl else "—",
            ])
            at, pt = m.get("archbook_typo"), m.get("pagefind_typo")
            if at:
                typo_rows.append([c, m["typo_query"], f"{at['results']:,}", f"{at['files']} / {kb(at['encoded'])} / {kb(at['decoded'])}",
                                  f"{at['ms']:.0f}", f"{pt['results']:,}" if pt else "—",
                                  f"{pt['files']} / {kb(pt['encoded'])} / {kb(pt['decoded'])}" if pt else "—",
                                  f"{pt['ms']:.0f}" if pt else "—"])
            if c == TARGET_CORPUS:
                ms = al["warm"]["median_ms"]
                verdicts.append(f"target on {c}: a query answers in under {TARGET_MS:g} ms once the index is loaded: "
                                f"{'HOLDS' if ms < TARGET_MS else 'MISSED'} -- median {ms:.2f} ms, p90 {al['warm']['p90_ms']:.2f} ms, "
                                f"slowest {al['warm']['max_ms']:.1f} ms over {al['warm']['n']} runs of {len(m['queries'])} queries "
                                f"(the first run of each query, which also fetches its shards: median {al['first_run']['median_ms']:.1f} ms)")
                if pq:
                    for key, what in (("encoded", "as sent (gzip for JSON/JS)"), ("decoded", "uncompressed files")):
                        a, p = aq[key], pq[key]
                        verdicts.append(f"target on {c}: the query `{m['query']}` downloads fewer bytes than Pagefind, {what}: "
                                        f"{'HOLDS' if a < p else 'MISSED'} -- {kb(a)} kB vs {kb(p)} kB ({a / p:.2f}x)")
                else:
                    verdicts.append(f"target on {c}: bytes against Pagefind: not evaluated (Pagefind not measured)")
    if TARGET_CORPUS not in measured:
        verdicts.append(f"search targets on {TARGET_CORPUS}: not evaluated (not measured)")
    for f in failures:
        notes.append(f"search: {f.get('tool', 'measure')} on {f['corpus']} failed: {f.get('error', '?')}")
    for c, m in measured.items():
        aq = m["archbook_query"]
        notes.append(f"{c}: archbook's 5 results for `{m['query']}`: {', '.join(aq['top'])}; files: {', '.join(aq['paths'][:12])}"
                     + (" …" if len(aq["paths"]) > 12 else ""))
        if m.get("pagefind_query"):
            pq = m["pagefind_query"]
            notes.append(f"{c}: Pagefind's 5 results: {', '.join(u.rsplit('/', 1)[-1] for u in pq['top'])}; files: "
                         f"{', '.join(p.split('/', 1)[-1] for p in pq['paths'][:12])}" + (" …" if len(pq["paths"]) > 12 else ""))

    md_parts, plain_parts = [], []
    sections = [
        ("Search: build time (median wall s; the search index's cost = with − without)",
         ["corpus", "docs", "build s, search on", "build s, search off", "search s", "on ÷ off", "search CPU s", "pagefind index s"],
         build_rows, set(range(1, 8))),
        ("Search: index size (MB = 10^6 bytes)",
         ["corpus", "docs", "archbook index", "term shards", "JSON files", "JSON MB", "search/ MB (JSON + .js twins)",
          "pagefind files", "pagefind MB"], size_rows, set(range(1, 9)) - {2}),
        ("Search: one query over http, and latency in headless Chromium (kB = 10^3 bytes; files / kB sent / kB uncompressed)",
         ["corpus", "query", "archbook matches", "archbook: 5 results", "archbook search.html (20 shown): files / kB sent",
          "pagefind matches", "pagefind: 5 results", "archbook ÷ pagefind (sent)",
          "archbook ms median / p90", "pagefind ms median / p90", "archbook 1st run ms median / max",
          "pagefind 1st run ms median / max",
          "archbook 1st query + load ms", "pagefind 1st query + load ms"], query_rows, set(range(2, 14))),
        ("Search: the typical query with a typo, from a fresh page (files / kB sent / kB uncompressed; ms including loading)",
         ["corpus", "query", "archbook matches", "archbook: 5 results", "archbook ms", "pagefind matches",
          "pagefind: 5 results", "pagefind ms"], typo_rows, {2, 3, 4, 5, 6, 7}),
    ]
    for title, columns, rows, right in sections:
        if not rows:
            continue
        md, plain = table(columns, rows, right)
        md_parts.append(f"### {title}\n\n{md}")
        plain_parts.append(f"{title}\n{plain}")
    tail = [f"- {n}" for n in notes] + [f"- {v}" for v in verdicts]
    md = "\n\n".join(md_parts) + ("\n\n" + "\n".join(tail) if tail else "")
    plain = "\n\n".join(plain_parts) + ("\n" + "\n".join(notes + verdicts) if tail else "")
    return md, plain


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("config")
    c.add_argument("corpus_dir")
    c.add_argument("out")
    q = sub.add_parser("queries")
    q.add_argument("corpus_dir")
    q.add_argument("--count", type=int, default=50)
    m = sub.add_parser("measure")
    m.add_argument("--site", required=True)
    m.add_argument("--corpus", required=True)
    m.add_argument("--corpus-dir", required=True)
    m.add_argument("--docs", type=int, required=True)
    m.add_argument("--query")
    m.add_argument("--pagefind-dir", default="pagefind")
    m.add_argument("--out")
    r = sub.add_parser("report")
    r.add_argument("results")
    r.add_argument("search")
    r.add_argument("--markdown-append")
    args = ap.parse_args()
    if args.cmd == "config":
        Path(args.out).write_text(search_off_config(Path(args.corpus_dir)), encoding="utf-8")
    elif args.cmd == "queries":
        print("\n".join(pick_queries(Path(args.corpus_dir), args.count)))
    elif args.cmd == "measure":
        try:
            out = dict(measure(args), kind="measure", ok=True)
        except Exception as error:  # reported as a row that failed, not a crash of the whole bench
            out = {"kind": "measure", "ok": False, "corpus": args.corpus, "docs": args.docs,
                   "error": f"{type(error).__name__}: {str(error)[:400]}"}
        text = json.dumps(out)
        if args.out:
            Path(args.out).write_text(text + "\n", encoding="utf-8")
        print(text)
        return 0 if out["ok"] else 1
    elif args.cmd == "report":
        md, plain = report(Path(args.results), Path(args.search))
        print(plain)
        if args.markdown_append and md:
            with open(args.markdown_append, "a", encoding="utf-8") as f:
                f.write("\n## Search\n\n" + md + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
