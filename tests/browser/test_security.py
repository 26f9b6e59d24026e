#!/usr/bin/env python3
"""Real-browser tests of readers' safety: a hostile handbook runs no code of its own in the built site.

Writes a docs tree whose documents carry <script>, event handlers, javascript: and data: URLs, CSS in front
matter values, Mustache delimiters and HTML in titles; builds it twice with the archbook binary from $ARCHBOOK
(raw HTML off, the default, and on, where only the Content-Security-Policy stands between the HTML and the
reader); then opens the pages in headless Chromium over http and from file:// and checks that

* every payload, if it ran, would set data-pwned on <html> or open a dialog: neither happens;
* every page carries the CSP meta tag, and with raw HTML on the browser reports refusing the inline handlers;
* the site's own scripts still work under the CSP, also from file:// (the search data scripts load, results show);
* search results show hostile titles as text;
* linked files that would run script in the site's origin when opened (an SVG with <script> or onload, an HTML
  report) are not in the site and their links are broken, while a plain SVG is there and shows; a third build
  with `site: publish-active-files: true` publishes them, and opened there they do run: what leaving them out
  prevents.

Environment: as tests/browser/test_site.py (ARCHBOOK, CHROMIUM, CHROMEDRIVER, KEEP_TMP=1).
"""

import functools
import http.server
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
import test_site as base  # noqa: E402  (the Browser driver and console helpers; sets SE_OFFLINE)
from test_site import CheckFailed, ensure, format_console  # noqa: E402

from selenium.common.exceptions import UnexpectedAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https:; connect-src 'self'; "
       "font-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'")

# Each payload marks the page if it runs; none may.
PWN = "document.documentElement.dataset.pwned='{}'"
HOSTILE = f"""---
title: "Hostile <img src=x onerror=\\"{PWN.format('title')}\\"> {{{{siteTitle}}}}"
status: "accepted\\" style=\\"background:red\\" onmouseover=\\"{PWN.format('status')}"
tags: ["</style><script>{PWN.format('tag')}</script>", "x;background:url(javascript:alert(1))"]
deciders: ["{{{{#doc}}}}{{{{{{body}}}}}}{{{{/doc}}}}"]
date: 2024-01-01
---
## Status

Accepted

## Context

<script>{PWN.format('script')}</script>
<img src="x" onerror="{PWN.format('onerror')}">
<svg onload="{PWN.format('svg')}"><circle r="5"/></svg>
<div style="position:fixed;inset:0;background:red" onclick="{PWN.format('onclick')}">covering div</div>
<style>body {{ background: red; }}</style>
<iframe src="javascript:{PWN.format('iframe')}"></iframe>
<a href="javascript:{PWN.format('href')}" id="raw-js-link">raw js link</a>

![plain svg](img/plain.svg) ![script svg](img/script.svg) [handler svg](img/handler.svg)
[linked report](files/report.html)

[js link](javascript:{PWN.format('mdlink')}) and ![js image](javascript:{PWN.format('mdimg')})
and [data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) and
![data image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+) and {{{{{{body}}}}}} and {{{{#doc}}}}x{{{{/doc}}}}.

## Decision

We decide `<script>{PWN.format('code')}</script>` is only text.

## Consequences

None.
"""

# Files the hostile document links to. Opened directly, the last three would run in the site's origin.
LINKED = {
    "decisions/img/plain.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
                               '<rect width="40" height="20" fill="#36c"/></svg>\n',
    "decisions/img/script.svg": f'<svg xmlns="http://www.w3.org/2000/svg"><script>{PWN.format("linked-svg-script")}</script></svg>\n',
    "decisions/img/handler.svg": f'<svg xmlns="http://www.w3.org/2000/svg" onload="{PWN.format("linked-svg-onload")}">'
                                 '<rect width="5" height="5"/></svg>\n',
    "decisions/files/report.html": f'<!doctype html><title>Report</title><script>{PWN.format("linked-html")}</script>\n',
}
ACTIVE = ["decisions/img/script.svg", "decisions/img/handler.svg", "decisions/files/report.html"]

PLAIN = """# 2. A plain neighbour

## Status

Accepted

## Context

Links to [the hostile one](0001-hostile.md).

## Decision

Nothing.

## Consequences

None.
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


class Site:
    """One build of the hostile tree, served over http."""

    def __init__(self, binary, tmp, name, raw_html, publish_active=False):
        docs = tmp / f"docs-{name}"
        (docs / "decisions").mkdir(parents=True)
        (docs / "decisions" / "0001-hostile.md").write_text(HOSTILE)
        (docs / "decisions" / "0002-plain.md").write_text(PLAIN)
        for path, text in LINKED.items():
            (docs / path).parent.mkdir(parents=True, exist_ok=True)
            (docs / path).write_text(text)
        settings = ("  raw-html: true\n" if raw_html else "") + ("  publish-active-files: true\n" if publish_active else "")
        if settings:
            (docs / "archbook.yml").write_text("site:\n" + settings)
        self.publishes_active = publish_active
        self.root = tmp / f"site-{name}"
        result = subprocess.run([str(binary), "build", str(docs), "--output", str(self.root), "--quiet"],
                                capture_output=True, text=True, timeout=120)
        if result.returncode not in (0, 1):
            raise SystemExit(f"security tests: build exited {result.returncode}\n{result.stdout}\n{result.stderr}")
        handler = functools.partial(QuietHandler, directory=str(self.root))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, page, scheme):
        return self.base + page if scheme == "http" else (self.root / page.split("?")[0]).resolve().as_uri() + (
            "?" + page.split("?", 1)[1] if "?" in page else "")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Suite:
    def __init__(self, browser):
        self.browser = browser
        self.driver = browser.driver
        self.results = []

    def run(self, name, check, *args):
        started = time.monotonic()
        try:
            detail = check(*args) or ""
            ok = True
        except CheckFailed as error:
            ok, detail = False, str(error)
        except UnexpectedAlertPresentException as error:
            ok, detail = False, f"a dialog opened: {error.alert_text!r}"
        except Exception as error:  # a Selenium error: still a failure, with context
            ok, detail = False, f"{type(error).__name__}: {error}"
        seconds = time.monotonic() - started
        self.results.append((name, ok))
        print(f"{'ok  ' if ok else 'FAIL'} {name} ({seconds:.2f}s){(': ' + detail) if ok and detail else ''}", flush=True)
        if not ok:
            print("    " + detail.replace("\n", "\n    "), flush=True)

    def pwned(self):
        return self.driver.execute_script("return document.documentElement.dataset.pwned || null")

    def inert(self, site, page, scheme, raw_html):
        """The page loads, runs none of the payloads (also when its links and the covering div are clicked)."""
        console = self.browser.open(site.url(page, scheme))
        time.sleep(0.3)  # let image errors and late handlers fire
        ensure(self.pwned() is None, f"a payload ran: data-pwned={self.pwned()!r}")
        metas = self.driver.find_elements(By.CSS_SELECTOR, 'meta[http-equiv="Content-Security-Policy"]')
        ensure(len(metas) == 1 and metas[0].get_attribute("content") == CSP,
               f"CSP meta: {[m.get_attribute('content') for m in metas]}")
        for element in self.driver.find_elements(By.CSS_SELECTOR, "main a, main div, main img"):
            try:
                self.driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));"
                                           "arguments[0].click();", element)
            except Exception:  # noqa: BLE001 (an element that navigated away; the check below still runs)
                pass
            if not self.driver.current_url.startswith(site.url(page, scheme).split("?")[0]):
                self.driver.back()
        ensure(self.pwned() is None, f"a payload ran after clicks: data-pwned={self.pwned()!r}")
        background = self.driver.execute_script("return getComputedStyle(document.body).backgroundColor")
        ensure(background != "rgb(255, 0, 0)", "a style from the document applied to the page")
        refused = [e for e in console if "Content Security Policy" in e.get("message", "")]
        if raw_html and page.startswith("decisions/0001"):
            # With raw HTML kept, the inline handlers and style reach the page: only the CSP stops them.
            ensure(refused, "raw HTML on, but the browser reported no CSP refusal:\n" + format_console(console))
            return f"{len(refused)} CSP refusal(s) reported"
        ensure(not refused, "the site's own files were refused by its CSP:\n" + format_console(refused))
        return ""

    def linked_files(self, site, scheme):
        """The hostile linked files are not in the site and the page shows them as broken; the plain SVG is there,
        shows on the page and runs nothing when opened. Where they are published (the opt-in), they run."""
        plain = site.root / "decisions/img/plain.svg"
        ensure(plain.is_file(), "the plain SVG was not published")
        for path in ACTIVE:
            ensure((site.root / path).exists() == site.publishes_active,
                   f"{path} {'was not' if site.publishes_active else 'was'} published")
        self.browser.open(site.url("decisions/0001-hostile.html", scheme))
        images = self.driver.execute_script(
            "return [...document.querySelectorAll('main img')].filter(i => i.alt.endsWith(' svg'))"
            ".map(i => [i.alt, i.getAttribute('src'), i.className, i.naturalWidth])")
        links = self.driver.execute_script(
            "return [...document.querySelectorAll('main a')].filter(a => /svg|report/.test(a.textContent))"
            ".map(a => [a.textContent, a.getAttribute('href'), a.className])")
        if site.publishes_active:
            ensure(["script svg", "img/script.svg", ""] in [i[:3] for i in images], f"images: {images}")
            ensure(["linked report", "files/report.html", ""] in links, f"links: {links}")
        else:
            ensure(["plain svg", "img/plain.svg", "", 40] in images, f"the plain SVG does not show: {images}")
            ensure(["script svg", None, "broken-image", 0] in images, f"images: {images}")
            ensure(["handler svg", None, "broken-link"] in links and ["linked report", None, "broken-link"] in links,
                   f"links: {links}")
        self.browser.open(site.url("decisions/img/plain.svg", scheme))
        ensure(self.pwned() is None, f"the plain SVG ran something: data-pwned={self.pwned()!r}")
        if not site.publishes_active:
            return f"{len(ACTIVE)} active files left out"
        ran = []
        for path in ACTIVE:
            self.browser.open(site.url(path, scheme))
            time.sleep(0.3)
            ran.append(self.pwned())
        ensure(None not in ran, f"published, the payloads should run (else this test proves nothing): {ran}")
        return f"published with the opt-in, they ran: {ran}"

    def search(self, site, scheme):
        """The site's scripts and the search data scripts run under the CSP: results show, titles as text."""
        self.browser.open(site.url("search.html?q=hostile", scheme))
        WebDriverWait(self.driver, 15).until(
            lambda d: d.execute_script("return document.querySelectorAll('.search-page ol.search-results > li').length > 0"),
            "no search results")
        first = self.driver.find_element(By.CSS_SELECTOR, ".search-page ol.search-results > li")
        ensure("<img" in first.text or "Hostile" in first.text, f"first result: {first.text!r}")
        ensure(not first.find_elements(By.TAG_NAME, "img"), "a title became an <img> element in the results")
        ensure(self.pwned() is None, f"a payload ran in search: data-pwned={self.pwned()!r}")
        loaded = self.driver.execute_script(
            "return [...document.scripts].map(s => s.getAttribute('src'))")
        return f"{len(self.driver.find_elements(By.CSS_SELECTOR, '.search-page ol.search-results > li'))} result(s); scripts {loaded}"


def main():
    binary = base.resolve_binary(os.environ.get("ARCHBOOK", ".build/debug/archbook"))
    if not binary.is_file():
        raise SystemExit(f"security tests: archbook binary {binary} not found")
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="archbook-security-"))
    sites, browser = [], None
    try:
        sites = [(Site(binary, tmp, "default", False), False), (Site(binary, tmp, "raw", True), True)]
        published = Site(binary, tmp, "publish", False, publish_active=True)
        sites.append((published, False))
        browser = base.Browser(tmp / "chromedriver.log")
        suite = Suite(browser)
        for site, raw in sites[:2]:
            label = "raw-html" if raw else "default"
            for scheme in ("http", "file"):
                for page in ("decisions/0001-hostile.html", "decisions/0002-plain.html", "index.html", "tags.html"):
                    suite.run(f"[{label} {scheme}] {page} inert, CSP", suite.inert, site, page, scheme, raw)
                suite.run(f"[{label} {scheme}] search under the CSP", suite.search, site, scheme)
                suite.run(f"[{label} {scheme}] active linked files left out", suite.linked_files, site, scheme)
        for scheme in ("http", "file"):
            suite.run(f"[publish-active-files {scheme}] active linked files published, and they run", suite.linked_files,
                      published, scheme)
    finally:
        if browser:
            browser.quit()
        for site, _ in sites:
            site.close()
        if os.environ.get("KEEP_TMP"):
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    failed = [name for name, ok in suite.results if not ok]
    print(f"security: {len(suite.results) - len(failed)} passed, {len(failed)} failed; {time.monotonic() - started:.1f}s in all")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
