#!/usr/bin/env python3
"""Real-browser tests of the handbook search (issue 5), on the sample handbook in content/.

Builds content/ twice with the archbook binary from $ARCHBOOK (default .build/debug/archbook):

* `single`: as it is, so the index is one file (search/index.json, search/index.js);
* `split`:  a temporary copy whose archbook.yml also says `site: search: {split-bytes: 1000, shard-bytes: 2000}`,
  so the index is split into term shards, facets and one file per document, loaded on demand.

Each build is opened over http (a server on 127.0.0.1, ephemeral port) and from disk (file://, where the index
comes as scripts), and headless Chromium checks through Selenium, on all four:

* queries whose first result is known (words, stemming, accents, case, a runbook, a post-mortem, IDs such as
  ADR-6, adr 6 and 0006), on search.html?q=... and through window.archbookSearch, with the same ranking in all
  four (the split index must answer exactly as the single file does); deploy, deploys, deployment and
  deployments find the same documents;
* a phrase in quotes matches fewer documents than its words; a typo (kafak) still finds ADR-0006 and says so;
* facets typed (kind:decision status:accepted) and clicked (the URL's q and the count follow the checkbox);
* <mark> around the matched words; the "Show more results" button;
* the keyboard: / focuses the header box, the dropdown opens as you type, ArrowDown/ArrowUp move through the
  results, Escape goes back to the box, Enter opens a result, Enter in the box opens search.html?q=...;
* the query is kept in the URL and the URL reproduces the results;
* archbookSearch.stem against tests/fixtures/porter-stems.tsv (the vectors the Swift tests also check);
* the split index downloads only the shards a query needs;
* no console errors anywhere, and zero axe-core violations on search.html with results (light and dark) and on a
  page with the dropdown open (http, both builds).

Screenshots go to tests/browser/out/search/. Exit status 0 only when every check passed.
Environment: as tests/browser/test_site.py (ARCHBOOK, CHROMIUM, CHROMEDRIVER, KEEP_TMP=1).
"""

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_site as base  # noqa: E402  (the Browser driver, axe, console helpers; sets SE_OFFLINE)
from test_site import CheckFailed, console_errors, ensure, format_console, format_violations  # noqa: E402

from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

REPO = base.REPO
OUT_DIR = base.OUT_DIR / "search"
VECTORS = REPO / "tests" / "fixtures" / "porter-stems.tsv"
SPLIT_CONFIG = "\nsite:\n  search:\n    split-bytes: 1000\n    shard-bytes: 500\n"

DECISION = "decisions/0006-stream-tracking-events-through-kafka.html"
SEARCH = "search.html"

# Query -> the ID of the document that must come first. Checked on search.html?q=... and through the API.
FIRST = [
    ("kafka", "ADR-0006"),          # title "Stream tracking events through Apache Kafka"
    ("KAFKA", "ADR-0006"),          # case
    ("kafká", "ADR-0006"),          # accents
    ("argo", "ADR-0009"),           # "Deploy services with Argo CD from a GitOps repository"
    ("gitops", "ADR-0009"),
    ("deploy", "ADR-0009"),
    ("deployments", "ADR-0009"),    # another form of the same word
    ("redis", "ADR-0004"),
    ("rabbitmq", "ADR-0003"),
    ("outbox", "ADR-0011"),
    ("oauth", "ADR-0005"),
    ("consumer lag", "RB-0001"),    # a runbook
    ("failover", "RB-0002"),        # a runbook: "pg-core primary failover"
    ("black friday", "INC-0001"),   # a post-mortem
    ("kafak", "ADR-0006"),          # a typo
    ("ADR-6", "ADR-0006"),          # IDs
    ("adr 6", "ADR-0006"),
    ("0006", "ADR-0006"),
    ("ADR-0006", "ADR-0006"),
    ("ADR-12", "ADR-0012"),
    ("inc 2", "INC-0002"),
    ("RB-3", "RB-0003"),
]
# Queries that must give exactly the same ranking as another one.
SAME_AS = [("kafká", "kafka"), ("KAFKA", "kafka"), ("Kafka", "kafka"), ("KAFKÁ", "kafka")]
# Queries whose ranking is compared between the four builds/schemes (plus every FIRST query).
MORE_QUERIES = ['"consumer lag"', "kind:decision status:accepted", "kafka kind:decision", "tag:tracking",
                "year:2024 kafka", "the", "tracking events", "deploys", "zzzzqx", "deployment", "deploy ",
                "deploys ", "deployment ", "deployments "]
# Forms of one word that stemming alone (a trailing space: no prefix matching) must find in the same documents.
SAME_DOCS = ["deploy ", "deploys ", "deployment ", "deployments "]

TIMEOUT = 15


class Build:
    """One `archbook build` of the sample handbook, served over http."""

    def __init__(self, name, binary, source, root, split):
        self.name, self.root, self.split = name, root, split
        started = time.monotonic()
        result = subprocess.run([str(binary), "build", str(source), "--output", str(root)],
                                cwd=REPO, capture_output=True, text=True, timeout=300)
        self.seconds = time.monotonic() - started
        if result.returncode != 0:
            raise SystemExit(f"search tests: `{binary} build {source}` exited {result.returncode}\n"
                             f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
        meta = json.loads((root / "search" / "index.json").read_text(encoding="utf-8"))
        self.shards = sorted((root / "search").glob("terms-*.json"))
        self.first_terms = meta.get("shards", [])
        if meta.get("split") != split or (split and len(self.shards) < 2) or (not split and self.shards):
            raise SystemExit(f"search tests: the {name} build wrote split={meta.get('split')} with "
                             f"{len(self.shards)} term shard(s); expected split={split}")
        handler = functools.partial(base.QuietHandler, directory=str(root))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Target:
    """A build opened one way: over http or from disk."""

    def __init__(self, build, scheme):
        self.build, self.scheme = build, scheme
        self.name = f"{build.name} {scheme}"

    def href(self, page, q=None):
        url = self.build.base + page if self.scheme == "http" else (self.build.root / page).resolve().as_uri()
        return url + ("?q=" + urllib.parse.quote(q) if q is not None else "")


def query_of(url):
    values = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).get("q")
    return values[0] if values else None


# Everything the tests read from a search page, in one round trip.
READ_PAGE = r"""
const page = document.querySelector('.search-page');
const text = el => el ? el.textContent.replace(/\s+/g, ' ').trim() : null;
return {
  ready: page.getAttribute('data-ready'), ms: page.getAttribute('data-query-ms'),
  status: text(page.querySelector('.search-status')), input: page.querySelector('input[type=search]').value,
  url: location.href,
  more: !page.querySelector('.search-more').hidden,
  results: [...page.querySelectorAll('ol.search-results > li.search-result')].map(li => {
    const a = li.querySelector('a.search-result-title'), meta = li.querySelector('.search-result-meta');
    const badge = meta.querySelector('span.badge'), time = meta.querySelector('time');
    const id = text(a.querySelector('span.doc-id'));
    return {id: id || text(a), title: text(a), href: a.href,
      kind: meta.firstChild && meta.firstChild.nodeType === 3 ? meta.firstChild.textContent.trim() : null,
      badge: badge ? {cls: badge.className, text: text(badge)} : null, time: time ? time.getAttribute('datetime') : null,
      titleMarks: [...a.querySelectorAll('mark')].map(m => m.textContent),
      marks: [...li.querySelectorAll('.search-snippet mark')].map(m => m.textContent),
      snippet: text(li.querySelector('p.search-snippet'))};
  }),
  facets: [...page.querySelectorAll('.search-facets fieldset')].map(fs => ({legend: text(fs.querySelector('legend')),
    options: [...fs.querySelectorAll('.facet-option')].map(o => ({label: text(o.querySelector('label')),
      checked: o.querySelector('input').checked, id: o.querySelector('input').id}))})),
};"""

# archbookSearch.search for several queries: the IDs in ranking order, the fuzzy flag and the counts.
API_RANKINGS = r"""
const cb = arguments[arguments.length - 1], queries = arguments[0], s = window.archbookSearch;
s.open().then(index => Promise.all(queries.map(q => s.search(index, q).then(o =>
    Promise.all(o.results.map(r => index.doc(r.doc))).then(frags => ({q: q, fuzzy: o.fuzzy,
      ids: frags.map(f => f[0] || f[1])}))))))
  .then(out => cb({ok: out}), e => cb({error: String(e && e.stack || e)}));"""


class Suite(base.Suite):
    def __init__(self, browser, shots):
        super().__init__(site=None, browser=browser, shots=shots)
        self.rankings = {}  # target name -> {query: [ids]}
        self.errors = []    # console errors of the check that is running
        self.expected = {}  # what the single http build answered, the reference for the others

    # -- plumbing ------------------------------------------------------------------------------------

    def run(self, name, check, *args):
        """As test_site's, and any console error logged during the check fails it."""
        def checked():
            self.errors = []
            detail = check(*args)
            self.errors += console_errors(self.browser.console())
            ensure(not self.errors, f"console errors:\n{format_console(self.errors)}")
            return detail
        super().run(name, checked)

    def open(self, url):
        self.errors += console_errors(self.browser.open(url))

    def wait(self, script, what, *args, timeout=TIMEOUT):
        """Polls a JS expression (`return ...`) until it is truthy; fails with `what` otherwise."""
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(
                lambda d: d.execute_script(script, *args))
        except Exception:
            status = self.driver.execute_script(
                "const s = document.querySelector('.search-status, .search-dropdown-status'); return s && s.textContent;")
            raise CheckFailed(f"timed out after {timeout}s waiting for {what} (status: {status!r}, url {self.driver.current_url})")

    def search_page(self, target, q):
        """Opens search.html?q=... and waits for the results (for an empty q, for the help text)."""
        self.open(target.href(SEARCH, q))
        if q:
            self.wait("return document.querySelector('.search-page').getAttribute('data-ready')", f"results for {q!r}")
        else:
            self.wait("return document.querySelector('.search-status').textContent !== ''", "the empty search page")
        return self.driver.execute_script(READ_PAGE)

    def rerun_and_read(self, before):
        self.wait("return (document.querySelector('.search-page').getAttribute('data-ready') || '') !== arguments[0]",
                  "the results to update", before["ready"] or "")
        return self.driver.execute_script(READ_PAGE)

    def api(self, queries):
        out = self.driver.execute_async_script(API_RANKINGS, queries)
        ensure("error" not in out, f"archbookSearch failed: {out.get('error')}")
        return {r["q"]: r for r in out["ok"]}

    def shot(self, target, label):
        self.browser.screenshot(self.shots / f"{target.build.name}-{target.scheme}-{label}.png")

    def axe_clean(self, where):
        violations = self.axe_violations()
        ensure(not violations, f"{where}: {len(violations)} axe violation(s):\n{format_violations(violations)}")

    # -- checks ----------------------------------------------------------------------------------------

    def first_results(self, target):
        """search.html?q=... puts the expected document first; the page shows the API's ranking."""
        wrong, shown = [], []
        for q, expected in FIRST:
            page = self.search_page(target, q)
            ids = [r["id"] for r in page["results"]]
            if not ids or ids[0] != expected:
                wrong.append(f"{q!r}: first is {ids[:1]}, expected {expected} (status {page['status']!r})")
            if query_of(page["url"]) != q or page["input"] != q:
                wrong.append(f"{q!r}: the page shows q={query_of(page['url'])!r}, input {page['input']!r}")
            try:
                float(page["ms"])
            except (TypeError, ValueError):
                wrong.append(f"{q!r}: data-query-ms is {page['ms']!r}")
            shown.append((q, ids))
        api = self.api([q for q, _ in FIRST] + MORE_QUERIES + [q for q, _ in SAME_AS])
        for q, ids in shown:
            if ids != api[q]["ids"][:20]:
                wrong.append(f"{q!r}: the page shows {ids}, archbookSearch.search ranks {api[q]['ids'][:20]}")
        self.rankings[target.name] = {q: r["ids"] for q, r in api.items()}
        ensure(not wrong, f"{len(wrong)} of {len(FIRST)} queries wrong:\n    " + "\n    ".join(wrong))
        return f"{len(FIRST)} queries first as expected"

    def same_rankings(self, target):
        """Case and accents do not change the answer."""
        r = self.rankings.get(target.name)
        ensure(r, "no rankings recorded (the first-results check failed early)")
        wrong = [f"{q!r} ranks {r[q][:6]}…, {other!r} ranks {r[other][:6]}…" for q, other in SAME_AS if r[q] != r[other]]
        ensure(not wrong, "\n    ".join(wrong))
        ensure(r["deployments"][0] == r["deploy"][0] == "ADR-0009", "deploy/deployments: different first documents")
        sets = {q: sorted(r[q]) for q in SAME_DOCS}
        ensure(len({tuple(v) for v in sets.values()}) == 1 and sets[SAME_DOCS[0]],
               "the forms of deploy find different documents:\n    " + "\n    ".join(f"{q!r}: {v}" for q, v in sets.items()))
        return (", ".join(f"{q} = {other}" for q, other in SAME_AS) + f" ({len(r['kafka'])} documents); "
                + ", ".join(q.strip() for q in SAME_DOCS) + f" find the same {len(sets[SAME_DOCS[0]])} documents")

    def phrase(self, target):
        loose = self.search_page(target, "consumer lag")
        exact = self.search_page(target, '"consumer lag"')
        ensure(loose["status"] == "5 documents match.", f"consumer lag: status {loose['status']!r}, expected 5 documents")
        ensure(exact["status"] == "4 documents match.", f"\"consumer lag\": status {exact['status']!r}, expected 4 documents")
        loose_ids, exact_ids = [r["id"] for r in loose["results"]], [r["id"] for r in exact["results"]]
        ensure(set(exact_ids) < set(loose_ids), f"the phrase's results {exact_ids} are not a subset of the words' {loose_ids}")
        ensure(exact_ids[0] == "RB-0001", f"\"consumer lag\": first is {exact_ids[:1]}")
        # The document dropped has both words, but never next to each other.
        ensure("ADR-0011" in loose_ids and "ADR-0011" not in exact_ids, f"ADR-0011 should match the words only: {exact_ids}")
        marks = {m.lower() for r in exact["results"] for m in r["marks"] + r["titleMarks"]}
        ensure(marks and marks <= {"consumer", "consumers", "lag"}, f"\"consumer lag\" marks {marks}")
        self.shot(target, "phrase")
        return f"{len(loose_ids)} documents for the words, {len(exact_ids)} for the phrase"

    def typo(self, target):
        page = self.search_page(target, "kafak")
        ids = [r["id"] for r in page["results"]]
        ensure(ids[:1] == ["ADR-0006"], f"kafak: first is {ids[:1]}")
        ensure(page["status"] == f"{len(ids)} documents match (including close spellings).", f"kafak: status {page['status']!r}")
        ensure(page["results"][0]["titleMarks"] == ["Kafka"], f"kafak: title marks {page['results'][0]['titleMarks']}")
        exact = self.search_page(target, "kafka")
        ensure(exact["status"] == "12 documents match.", f"kafka: status {exact['status']!r} (no close spellings expected)")
        return page["status"]

    def facets_typed(self, target):
        # The decision kind page lists every decision with its status: the count to expect, from other code.
        self.open(target.href("kinds/decision.html"))
        accepted = len(self.driver.find_elements(By.CSS_SELECTOR, "table.doc-table tbody tr[data-status='accepted']"))
        ensure(accepted == 9, f"kinds/decision.html lists {accepted} accepted decisions; the sample handbook has 9")
        page = self.search_page(target, "kind:decision status:accepted")
        ensure(page["status"] == f"{accepted} documents match.", f"status {page['status']!r}, expected {accepted}")
        wrong = [r for r in page["results"] if r["kind"] != "Decision" or not r["badge"]
                 or "status-accepted" not in r["badge"]["cls"].split() or r["badge"]["text"] != "accepted"
                 or not r["id"].startswith("ADR-")]
        ensure(not wrong, f"{len(wrong)} result(s) are not accepted decisions: {wrong[:3]}")
        boxes = {o["label"]: o["checked"] for f in page["facets"] for o in f["options"]}
        ensure(boxes.get(f"Decisions ({accepted})") is True and boxes.get(f"accepted ({accepted})") is True,
               f"the facet boxes do not show the typed filters as checked: {boxes}")
        # Typed the other way round, by the kind's label, and in capitals: the same documents.
        again = self.search_page(target, "status:ACCEPTED kind:Decisions")
        ensure([r["id"] for r in again["results"]] == [r["id"] for r in page["results"]],
               f"status:ACCEPTED kind:Decisions gives {[r['id'] for r in again['results']]}")
        self.shot(target, "facets-typed")
        return f"{accepted} accepted decisions, each with kind Decision and badge status-accepted"

    def facet_option(self, page, legend, prefix):
        for f in page["facets"]:
            if f["legend"] == legend:
                for o in f["options"]:
                    if o["label"].startswith(prefix + " ("):
                        return o, int(o["label"].rsplit("(", 1)[1].rstrip(")"))
        raise CheckFailed(f"no {legend} facet option {prefix!r} in {page['facets']}")

    def facets_clicked(self, target):
        page = self.search_page(target, "kafka")
        total = len(page["results"])
        option, n = self.facet_option(page, "Kind", "Decisions")
        ensure(not option["checked"] and 0 < n < total, f"Decisions facet {option} for {total} results")
        self.driver.find_element(By.ID, option["id"]).click()
        page = self.rerun_and_read(page)
        ensure(query_of(page["url"]) == "kafka kind:decision", f"after ticking Decisions the URL's q is {query_of(page['url'])!r}")
        ensure(page["input"].strip() == "kafka kind:decision", f"the box says {page['input']!r}")
        ensure(page["status"] == f"{n} documents match." and len(page["results"]) == n,
               f"Decisions ({n}) ticked: status {page['status']!r}, {len(page['results'])} results")
        ensure(all(r["kind"] == "Decision" for r in page["results"]), f"non-decisions shown: {[r['id'] for r in page['results']]}")
        option, _ = self.facet_option(page, "Kind", "Decisions")
        ensure(option["checked"], "the Decisions box is not checked after the rerun")
        # A second facet narrows further: a year.
        year, m = self.facet_option(page, "Year", "2024")
        self.driver.find_element(By.ID, year["id"]).click()
        page = self.rerun_and_read(page)
        ensure(query_of(page["url"]) == "kafka kind:decision year:2024", f"URL q {query_of(page['url'])!r}")
        ensure(page["status"] == f"{m} document{'s' if m != 1 else ''} match{'es' if m == 1 else ''}." and len(page["results"]) == m,
               f"2024 ({m}) ticked: status {page['status']!r}")
        ensure(all(r["time"] and r["time"].startswith("2024") for r in page["results"]), "a result is not from 2024")
        self.shot(target, "facets-clicked")
        # Unticking both brings the first answer back.
        option, _ = self.facet_option(page, "Kind", "Decisions")
        self.driver.find_element(By.ID, option["id"]).click()
        page = self.rerun_and_read(page)
        year, _ = self.facet_option(page, "Year", "2024")
        self.driver.find_element(By.ID, year["id"]).click()
        page = self.rerun_and_read(page)
        ensure(query_of(page["url"]) == "kafka" and len(page["results"]) == total,
               f"after unticking: q {query_of(page['url'])!r}, {len(page['results'])} results (expected {total})")
        # "kafka" is still being typed, so it also matches kafkaconnect (RB-0002): the Runbooks box counts it, and
        # ticking the box must keep that reading of the query.
        option, r = self.facet_option(page, "Kind", "Runbooks")
        self.driver.find_element(By.ID, option["id"]).click()
        page = self.rerun_and_read(page)
        ensure(query_of(page["url"]) == "kafka kind:runbook" and len(page["results"]) == r,
               f"Runbooks ({r}) ticked: q {query_of(page['url'])!r}, {len(page['results'])} results {[x['id'] for x in page['results']]}")
        # With a trailing space the last word is complete (no prefix matching: kafka, not kafkaconnect); ticking a
        # box keeps that, so the count the box showed is again the count the query gets, and the URL says so.
        page = self.search_page(target, "kafka ")
        closed = len(page["results"])
        ensure(closed == total - 1, f"'kafka ' gives {closed} results, 'kafka' {total}: expected one fewer (kafkaconnect)")
        option, k = self.facet_option(page, "Kind", "Runbooks")
        self.driver.find_element(By.ID, option["id"]).click()
        page = self.rerun_and_read(page)
        ensure(query_of(page["url"]) == "kafka kind:runbook " and len(page["results"]) == k,
               f"'kafka ' + Runbooks ({k}): q {query_of(page['url'])!r}, {len(page['results'])} results")
        ids = [r["id"] for r in page["results"]]
        self.open(page["url"])
        self.wait("return document.querySelector('.search-page').getAttribute('data-ready')", "results from the URL")
        again = self.driver.execute_script(READ_PAGE)
        ensure([r["id"] for r in again["results"]] == ids, f"{page['url']} shows {[r['id'] for r in again['results']]}, not {ids}")
        return f"kafka: {total} → Decisions {n} → 2024 {m} → {total} → Runbooks {r}; 'kafka ': {closed} → Runbooks {k}, reloaded alike"

    def highlighting(self, target):
        out = []
        for q, allowed in (("kafka", {"kafka"}), ("kafká", {"kafka"}), ("KAFKA", {"kafka"}),
                           ("rabbitmq", {"rabbitmq"}), ("consumer lag", {"consum", "lag"})):
            page = self.search_page(target, q)
            first = page["results"][0]
            marks = first["marks"] + first["titleMarks"]
            ensure(first["marks"], f"{q!r}: no <mark> in the first result's snippet: {first['snippet']!r}")
            terms = self.driver.execute_script(
                "return arguments[0].map(m => archbookSearch.term(archbookSearch.normalize(m)));", marks)
            ensure(set(terms) <= allowed, f"{q!r}: marked {marks} (terms {terms}), expected only {allowed}")
            out.append(f"{q}: {len(marks)} marks")
        page = self.search_page(target, "kafka")
        html = self.driver.execute_script("return document.querySelector('.search-result .search-snippet').innerHTML")
        ensure("<mark>Kafka</mark>" in html, f"the first snippet has no <mark>Kafka</mark>: {html[:300]}")
        self.shot(target, "highlight")
        return "; ".join(out)

    def show_more(self, target):
        page = self.search_page(target, "the")
        ensure(page["status"] == "24 documents match.", f"the: status {page['status']!r}")
        ensure(len(page["results"]) == 20 and page["more"], f"the: {len(page['results'])} shown, more button {page['more']}")
        self.driver.find_element(By.CSS_SELECTOR, ".search-more").click()
        self.wait("return document.querySelectorAll('.search-page ol.search-results > li').length === 24", "24 results")
        ensure(self.driver.execute_script("return document.querySelector('.search-more').hidden"), "the button is still shown")
        return "20 shown, 24 after Show more"

    def url_round_trip(self, target):
        """Typing on the search page puts q in the URL; that URL gives the same results."""
        page = self.search_page(target, "")
        ensure(page["status"].startswith("Type to search"), f"empty search page says {page['status']!r}")
        box = self.driver.find_element(By.ID, "search-page-input")
        box.send_keys("argo cd")
        self.wait("const p = document.querySelector('.search-page');"
                  "return p.getAttribute('data-ready') && p.querySelector('input').value === 'argo cd'"
                  " && new URLSearchParams(location.search).get('q') === 'argo cd'", "the URL to carry q=argo cd")
        time.sleep(0.3)  # past the 60 ms debounce: the last run has settled
        typed = self.driver.execute_script(READ_PAGE)
        ids = [r["id"] for r in typed["results"]]
        ensure(ids[:1] == ["ADR-0009"], f"argo cd: first is {ids[:1]}")
        self.open(typed["url"])
        self.wait("return document.querySelector('.search-page').getAttribute('data-ready')", "results from the URL")
        again = self.driver.execute_script(READ_PAGE)
        ensure([r["id"] for r in again["results"]] == ids and again["input"] == "argo cd",
               f"{typed['url']} shows {[r['id'] for r in again['results']]}, typed showed {ids}")
        # Enter in the header box of another page opens search.html?q=...
        self.open(target.href(DECISION))
        header = self.driver.find_element(By.ID, "site-search-input")
        header.send_keys("gitops", Keys.ENTER)
        self.wait("return location.pathname.endsWith('/search.html') && document.querySelector('.search-page')"
                  " && document.querySelector('.search-page').getAttribute('data-ready')", "search.html after Enter")
        page = self.driver.execute_script(READ_PAGE)
        ensure(query_of(page["url"]) == "gitops" and page["input"] == "gitops", f"Enter opened {page['url']}")
        ensure([r["id"] for r in page["results"]][:1] == ["ADR-0009"], f"gitops: first is {page['results'][:1]}")
        return f"{typed['url'].rsplit('/', 1)[-1]} → {len(ids)} results, reproduced; Enter in the header → {page['url'].rsplit('/', 1)[-1]}"

    def open_dropdown(self, q, expected_first):
        """Types q into the header box (focused) and waits until the dropdown shows its final results."""
        box = self.driver.find_element(By.ID, "site-search-input")
        box.send_keys(q)
        n = len(self.api([q])[q]["ids"])
        status = f"{n} result{'s' if n != 1 else ''}"
        script = ("const f = document.querySelector('form.site-search'), p = f.querySelector('.search-dropdown');"
                  "const a = f.querySelector('a.search-result-title .doc-id');"
                  "return !p.hidden && f.querySelector('.search-dropdown-status').textContent.startsWith(arguments[0])"
                  " && a && a.textContent === arguments[1];")
        self.wait(script, f"the dropdown to show {status} with {expected_first} first", status, expected_first)
        time.sleep(0.3)  # the debounce has fired for the last key: nothing re-renders under the test
        ensure(self.driver.execute_script(script, status, expected_first), "the dropdown changed after it settled")
        return n

    def active(self):
        return self.driver.execute_script(
            "const a = document.activeElement; return {id: a.id, cls: a.className, text: a.textContent.trim(),"
            " href: a.href || null, index: [...document.querySelectorAll('form.site-search a.search-result-title')].indexOf(a)};")

    def keyboard(self, target):
        self.open(target.href(DECISION))
        self.driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);")
        ActionChains(self.driver).send_keys("/").perform()
        a = self.active()
        ensure(a["id"] == "site-search-input", f"/ focused {a}, expected #site-search-input")
        ensure(self.driver.find_element(By.ID, "site-search-input").get_attribute("value") == "", "/ was typed into the box")
        n = self.open_dropdown("kafka", "ADR-0006")
        links = self.driver.find_elements(By.CSS_SELECTOR, "form.site-search a.search-result-title")
        ensure(len(links) == min(8, n), f"the dropdown shows {len(links)} links for {n} results")
        keys = ActionChains(self.driver)
        steps = [(Keys.ARROW_DOWN, 0), (Keys.ARROW_DOWN, 1), (Keys.ARROW_DOWN, 2), (Keys.ARROW_UP, 1), (Keys.ARROW_UP, 0),
                 (Keys.ARROW_UP, "box"), (Keys.ARROW_DOWN, 0)]
        for key, want in steps:
            keys.send_keys(key).perform()
            a = self.active()
            got = "box" if a["id"] == "site-search-input" else a["index"]
            ensure(got == want, f"after {'ArrowDown' if key == Keys.ARROW_DOWN else 'ArrowUp'} focus is on {a}, expected {want}")
        self.shot(target, "dropdown-keyboard")
        keys.send_keys(Keys.ESCAPE).perform()
        a = self.active()
        ensure(a["id"] == "site-search-input", f"Escape left focus on {a}")
        ensure(self.driver.execute_script("return document.querySelector('.search-dropdown').hidden"), "Escape did not close the dropdown")
        # Open it again and follow the second result with Enter.
        box = self.driver.find_element(By.ID, "site-search-input")
        box.clear()
        self.open_dropdown("kafka", "ADR-0006")
        keys.send_keys(Keys.ARROW_DOWN).send_keys(Keys.ARROW_DOWN).perform()
        a = self.active()
        ensure(a["index"] == 1 and a["href"], f"focus is on {a}, expected the second result")
        keys.send_keys(Keys.ENTER).perform()
        self.wait("return location.href === arguments[0] && document.readyState === 'complete'", f"Enter to open {a['href']}", a["href"])
        h1 = self.driver.find_element(By.TAG_NAME, "h1").text.strip()
        title = a["text"].split(" ", 1)[1] if " " in a["text"] else a["text"]
        ensure(h1 == title, f"Enter opened a page titled {h1!r}, the result was {a['text']!r}")
        self.errors += console_errors(self.browser.console())
        return f"/ → box, ↓↓↓↑↑↑↓ moved as expected, Esc → box, Enter → {a['href'].rsplit('/', 1)[-1]}"

    def page_keyboard(self, target):
        """On search.html ArrowDown goes from the box into the results too."""
        self.search_page(target, "kafka")
        box = self.driver.find_element(By.ID, "search-page-input")
        box.click()
        ActionChains(self.driver).send_keys(Keys.ARROW_DOWN).perform()
        a = self.driver.execute_script("const a = document.activeElement; return [a.className, a.closest('.search-page ol') !== null,"
                                       " a.querySelector('.doc-id') && a.querySelector('.doc-id').textContent];")
        ensure(a == ["search-result-title", True, "ADR-0006"], f"ArrowDown on search.html focused {a}")
        ActionChains(self.driver).send_keys(Keys.ARROW_UP).perform()
        ensure(self.active()["id"] == "search-page-input", "ArrowUp did not return to the box")
        # "/" from elsewhere on the page focuses the page's own box.
        self.driver.execute_script("document.activeElement.blur()")
        ActionChains(self.driver).send_keys("/").perform()
        ensure(self.active()["id"] == "search-page-input", f"/ on search.html focused {self.active()}")
        return "↓ into the results, ↑ back, / focuses the page's box"

    def stems(self, target):
        vectors = []
        for line in VECTORS.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                word, stem = line.split("\t")
                vectors.append((word, stem))
        ensure(len(vectors) >= 60, f"{VECTORS} has only {len(vectors)} vectors")
        self.open(target.href(DECISION))
        got = self.driver.execute_script(
            "return arguments[0].map(v => [archbookSearch.stem(v[0]), archbookSearch.term(v[0])]);", vectors)
        wrong = [f"{w} → {g[0]} (term {g[1]}), expected {s}" for (w, s), g in zip(vectors, got) if g[0] != s or g[1] != s]
        ensure(not wrong, f"{len(wrong)} of {len(vectors)} stems differ from {VECTORS.name}:\n    " + "\n    ".join(wrong))
        return f"{len(vectors)} Porter vectors agree"

    def no_short_stems(self, target):
        """The word being typed reaches back to a shorter stem only when it matches nothing as it stands."""
        r = self.api(["caller", "caller ", "afternoon", "afternoon ", "deploym", "deploy "])
        ids = {q: sorted(v["ids"]) for q, v in r.items()}
        ensure(ids["caller"] and ids["caller"] == ids["caller "],
               f"'caller' finds {ids['caller']}, 'caller ' {ids['caller ']} (the stem 'call' must not be added)")
        ensure(ids["afternoon"] and ids["afternoon"] == ids["afternoon "],
               f"'afternoon' finds {ids['afternoon']}, 'afternoon ' {ids['afternoon ']} (not 'after')")
        ensure(ids["deploym"] and ids["deploym"] == ids["deploy "],
               f"'deploym' (past the stem) finds {ids['deploym']}, 'deploy ' {ids['deploy ']}")
        return f"caller {len(ids['caller'])}, afternoon {len(ids['afternoon'])}, deploym = deploy ({len(ids['deploym'])})"

    def typo_shards(self, target):
        """A close spelling of a word whose first letter fills many shards reads only the shards of its first letters."""
        starting = [t for t in target.build.first_terms if t.startswith("s")]
        ensure(len(starting) > 8, f"the split build has only {len(starting)} shards starting with s; the check needs more")
        page = self.search_page(target, "serivce")
        ensure(page["results"] and "close spellings" in page["status"], f"serivce: status {page['status']!r}")
        names = self.driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        shards = sorted({n.split("/search/", 1)[1] for n in names if "/search/terms-" in n})
        ensure(len(shards) <= 9, f"serivce loaded {len(shards)} term shards: {shards}")
        return f"serivce: {page['status']} from {len(shards)} term shards ({len(starting)}+ hold terms starting with s)"

    def split_loads(self, target):
        """A query on the split index fetches (http) or inserts (file://) only the shards it needs."""
        self.search_page(target, "kafka")
        if target.scheme == "http":
            names = self.driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        else:
            names = self.driver.execute_script("return [...document.querySelectorAll('script[src]')].map(s => s.src)")
        files = sorted({n.split("/search/", 1)[1] for n in names if "/search/" in n})
        ext = ".json" if target.scheme == "http" else ".js"
        shards = [f for f in files if f.startswith("terms-")]
        docs = [f for f in files if f.startswith("docs/")]
        total = len(target.build.shards)
        ensure(f"index{ext}" in files and f"facets{ext}" in files, f"loaded {files}")
        # The per-document files exist only as scripts: inserted over http too.
        ensure(all(f.endswith(".js" if f.startswith("docs/") else ext) for f in files),
               f"{target.scheme} loaded the wrong kind of index file: {files}")
        ensure(1 <= len(shards) < total, f"loaded {len(shards)} of {total} term shards: {shards}")
        ensure(0 < len(docs) <= 20, f"loaded {len(docs)} document files")
        return f"kafka loaded {len(shards)} of {total} term shards and {len(docs)} document files"

    def axe_search_page(self, target, scheme):
        self.browser.set_scheme(scheme)
        try:
            self.search_page(target, "kafka")
            self.shot(target, f"results-{scheme}")
            self.axe_clean(f"search.html?q=kafka ({scheme})")
            page = self.search_page(target, "")
            self.axe_clean(f"search.html, no query ({scheme})")
            page = self.search_page(target, "kafka")
            option, _ = self.facet_option(page, "Kind", "Decisions")
            self.driver.find_element(By.ID, option["id"]).click()
            self.rerun_and_read(page)
            self.axe_clean(f"search.html?q=kafka kind:decision, ticked ({scheme})")
            return "0 violations with results, empty, and with a facet ticked"
        finally:
            self.browser.set_scheme("light")

    def axe_dropdown(self, target, scheme):
        self.browser.set_scheme(scheme)
        try:
            self.open(target.href(DECISION))
            self.driver.find_element(By.ID, "site-search-input").click()
            self.open_dropdown("kafka", "ADR-0006")
            self.shot(target, f"dropdown-{scheme}")
            self.axe_clean(f"{DECISION} with the dropdown open ({scheme})")
            return "0 violations"
        finally:
            self.browser.set_scheme("light")

    def same_everywhere(self, targets):
        """The split index and file:// answer exactly as the single index over http."""
        ref = self.rankings.get(targets[0].name)
        ensure(ref, f"no rankings from {targets[0].name}")
        wrong = []
        for t in targets[1:]:
            other = self.rankings.get(t.name)
            if not other:
                wrong.append(f"{t.name}: no rankings")
                continue
            wrong += [f"{t.name} {q!r}: {other[q][:8]} vs {ref[q][:8]}" for q in ref if other.get(q) != ref[q]]
        ensure(not wrong, f"{len(wrong)} ranking(s) differ from {targets[0].name}:\n    " + "\n    ".join(wrong))
        return f"{len(ref)} queries ranked identically by {', '.join(t.name for t in targets)}"


def main():
    binary = base.resolve_binary(os.environ.get("ARCHBOOK", ".build/debug/archbook"))
    if not binary.is_file():
        raise SystemExit(f"search tests: archbook binary {binary} not found (set ARCHBOOK or build it first)")
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="archbook-search-"))
    shots = tmp / "shots"
    shots.mkdir()
    builds, browser, suite = [], None, None
    try:
        builds.append(Build("single", binary, REPO / "content", tmp / "single", split=False))
        source = tmp / "content-split"
        shutil.copytree(REPO / "content", source)
        with open(source / "archbook.yml", "a", encoding="utf-8") as f:
            f.write(SPLIT_CONFIG)
        builds.append(Build("split", binary, source, tmp / "split", split=True))
        for b in builds:
            files = list((b.root / "search").rglob("*.json"))
            print(f"built {b.name} in {b.seconds:.2f}s: {len(files)} index files, "
                  f"{sum(f.stat().st_size for f in files):,} bytes of JSON; serving at {b.base}", flush=True)
        try:
            browser = base.Browser(tmp / "chromedriver.log")
        except Exception as error:
            raise SystemExit(f"search tests: could not start headless Chromium ({type(error).__name__}: {error}); "
                             "is `make browser-deps` done?")
        print(f"Chromium {browser.driver.capabilities.get('browserVersion', '?')}", flush=True)
        suite = Suite(browser, shots)
        targets = [Target(b, scheme) for b in builds for scheme in ("http", "file")]
        for t in targets:
            suite.run(f"[{t.name}] expected first results", suite.first_results, t)
            suite.run(f"[{t.name}] case and accents", suite.same_rankings, t)
            suite.run(f"[{t.name}] phrase", suite.phrase, t)
            suite.run(f"[{t.name}] typo", suite.typo, t)
            suite.run(f"[{t.name}] facets typed", suite.facets_typed, t)
            suite.run(f"[{t.name}] facets clicked", suite.facets_clicked, t)
            suite.run(f"[{t.name}] highlighting", suite.highlighting, t)
            suite.run(f"[{t.name}] show more", suite.show_more, t)
            suite.run(f"[{t.name}] query in the URL", suite.url_round_trip, t)
            suite.run(f"[{t.name}] keyboard in the header dropdown", suite.keyboard, t)
            suite.run(f"[{t.name}] keyboard on search.html", suite.page_keyboard, t)
            suite.run(f"[{t.name}] stems", suite.stems, t)
            suite.run(f"[{t.name}] no shorter stems", suite.no_short_stems, t)
            if t.build.split and t.scheme == "http":
                suite.run(f"[{t.name}] typo reads few shards", suite.typo_shards, t)
            if t.build.split:
                suite.run(f"[{t.name}] loads only the shards it needs", suite.split_loads, t)
            if t.scheme == "http":
                for scheme in ("light", "dark"):
                    suite.run(f"[{t.name}] search.html axe [{scheme}]", suite.axe_search_page, t, scheme)
                    suite.run(f"[{t.name}] dropdown axe [{scheme}]", suite.axe_dropdown, t, scheme)
        suite.run("same rankings in all four", suite.same_everywhere, targets)
    finally:
        if browser:
            browser.quit()
        for b in builds:
            b.close()
        if shots.is_dir():
            shutil.rmtree(OUT_DIR, ignore_errors=True)
            OUT_DIR.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(shots, OUT_DIR)
        if os.environ.get("KEEP_TMP"):
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    failed = [r for r in suite.results if not r[1]]
    passed = len(suite.results) - len(failed)
    print(f"search: 2 builds x (http, file://), screenshots in {OUT_DIR.relative_to(REPO)}/; "
          f"{time.monotonic() - started:.1f}s in all")
    if failed:
        print("failed checks:")
        for name, _, _, _ in failed:
            print(f"  - {name}")
    print(f"search: {passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
