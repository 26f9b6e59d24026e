#!/usr/bin/env python3
"""Real-browser test of `archbook serve`: live reload and the build problems overlay.

Copies the CLI tests' site fixture to a temporary folder, adds a theme whose layout carries a strict
Content-Security-Policy (scripts, styles and connections from the site itself only), runs
`archbook serve --port 0` on it and drives headless Chromium through Selenium:

* the overlay shows the fixture's broken link (file:line:col, severity, message), with no console errors
  (a CSP violation is one) and no axe-core violations, and Dismiss and Escape hide it for good;
* editing a document reloads the open page by itself, and a new problem brings the overlay back;
* a broken archbook.yml shows "Build failed" over the page that stays (no reload), and fixing it reloads.

Screenshots go to tests/browser/out/serve-*.png. Exit status is 0 only when every check passed.
Environment: as tests/browser/test_site.py (ARCHBOOK, CHROMIUM, CHROMEDRIVER, KEEP_TMP=1).
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from test_site import OUT_DIR, REPO, Browser, CheckFailed, console_errors, ensure, format_console, format_violations, \
    resolve_binary  # noqa: E402 (also sets Selenium offline)
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

FIXTURE = REPO / "Tests" / "ArchbookCLITests" / "Site" / "fixture"
PAGE = "decisions/0001-use-postgresql.html"
SOURCE = "docs/decisions/0001-use-postgresql.md"
CSP = ("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self'; style-src 'self'; "
       "img-src 'self' https:; connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'\">")


class Serve:
    """`archbook serve` in the background; stderr is collected by a thread."""

    def __init__(self, binary, cwd):
        self.process = subprocess.Popen([str(binary), "serve", "docs", "--port", "0", "--theme", "csptheme", "--quiet"],
                                        cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines = []
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any("watching for changes with" in line for line in self.lines):
            if self.process.poll() is not None:
                raise SystemExit("archbook serve exited:\n" + "".join(self.lines))
            time.sleep(0.05)
        match = next((re.search(r"http://127\.0\.0\.1:\d+/", line) for line in self.lines if "serving" in line), None)
        if not match:
            raise SystemExit("archbook serve did not print its URL:\n" + "".join(self.lines))
        self.base = match.group(0)

    def _read(self):
        for line in self.process.stderr:
            self.lines.append(line)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def wait_for(condition, what, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except Exception:  # the page may be reloading under Selenium
            pass
        time.sleep(0.05)
    raise CheckFailed(f"timed out after {timeout}s waiting for {what}")


class Suite:
    def __init__(self, serve, browser, docs, shots):
        self.serve, self.browser, self.driver, self.docs, self.shots = serve, browser, browser.driver, docs, shots
        self.results = []

    def run(self, name, check):
        started = time.monotonic()
        try:
            detail = check() or ""
            ok = True
        except CheckFailed as error:
            ok, detail = False, str(error)
        except Exception as error:  # a Selenium error: still a failure, with context
            ok, detail = False, f"{type(error).__name__}: {error}"
        self.results.append((name, ok))
        print(f"{'ok  ' if ok else 'FAIL'} {name} ({time.monotonic() - started:.2f}s){(': ' + detail) if ok and detail else ''}",
              flush=True)
        if not ok:
            print("    " + detail.replace("\n", "\n    "), flush=True)

    def overlay(self):
        found = self.driver.find_elements(By.ID, "archbook-overlay")
        return found[0] if found else None

    def mark_page(self):
        """Marks the loaded document, so a reload (which drops the mark) can be told from a DOM update."""
        self.driver.execute_script("window.__archbookTestMark = true;")

    def reloaded(self):
        return self.driver.execute_script("return document.readyState === 'complete' && !window.__archbookTestMark;")

    def edit(self, path, change):
        file = self.docs.parent / path
        file.write_text(change(file.read_text(encoding="utf-8")), encoding="utf-8")

    # -- checks ---------------------------------------------------------------------------------------

    def overlay_shows_problems(self):
        errors = console_errors(self.browser.open(self.serve.base + PAGE))
        wait_for(self.overlay, "the overlay")
        box = self.overlay()
        title = box.find_element(By.ID, "archbook-overlay-title").text
        ensure(title == "1 error in the documents", f"overlay title: {title!r}")
        items = box.find_elements(By.CSS_SELECTOR, "li")
        ensure(len(items) == 1, f"{len(items)} problems listed")
        text = items[0].text
        ensure("docs/decisions/0002-use-cockroachdb.md:29:3" in text and "error" in text
               and "link target 'missing.md' does not exist" in text and "[broken-link]" in text, f"problem shown as {text!r}")
        ensure(box.get_attribute("aria-labelledby") == "archbook-overlay-title", "the overlay region is not labelled")
        ensure(box.value_of_css_property("position") == "fixed", "overlay.css did not apply (blocked by the CSP?)")
        self.browser.screenshot(self.shots / "serve-overlay.png")
        violations = self.browser.axe()["violations"]
        errors += console_errors(self.browser.console())
        ensure(not errors, f"console errors (a CSP violation is one):\n{format_console(errors)}")
        ensure(not violations, f"axe violations:\n{format_violations(violations)}")
        return "0 console errors, 0 axe violations with the overlay open"

    def dismiss_stays_dismissed(self):
        self.overlay().find_element(By.CSS_SELECTOR, "button").click()
        ensure(self.overlay() is None, "Dismiss did not remove the overlay")
        self.browser.open(self.serve.base + PAGE)
        time.sleep(0.5)  # the overlay would appear within a fetch's time
        ensure(self.overlay() is None, "the same problems showed again after a reload")

    def edit_reloads_page(self):
        self.mark_page()
        self.edit(SOURCE, lambda text: text.replace("# 1. Use PostgreSQL", "# 1. Use PostgreSQL for everything"))
        wait_for(self.reloaded, "the page to reload after the edit")
        wait_for(lambda: "for everything" in self.driver.find_element(By.TAG_NAME, "h1").text, "the new title")
        ensure(self.overlay() is None, "a reload with the same (dismissed) problems showed the overlay")
        errors = console_errors(self.browser.console())
        ensure(not errors, f"console errors:\n{format_console(errors)}")

    def new_problem_brings_overlay_back(self):
        self.mark_page()
        self.edit(SOURCE, lambda text: text + "\nSee [the plan](no-such-plan.md).\n")
        wait_for(self.reloaded, "the page to reload after the edit")
        wait_for(self.overlay, "the overlay with the new problem")
        title = self.overlay().find_element(By.ID, "archbook-overlay-title").text
        ensure(title == "2 errors in the documents", f"overlay title: {title!r}")
        ensure("no-such-plan.md" in self.overlay().text, "the new problem is not listed")
        ActionChains(self.driver).send_keys(Keys.ESCAPE).perform()
        wait_for(lambda: self.overlay() is None, "Escape to dismiss the overlay")

    def broken_config_keeps_page(self):
        self.mark_page()
        config = self.docs / "archbook.yml"
        config.write_text("site:\n  title: [unclosed\n", encoding="utf-8")
        wait_for(self.overlay, "the overlay to report the failed build")
        title = self.overlay().find_element(By.ID, "archbook-overlay-title").text
        ensure(title.startswith("Build failed"), f"overlay title: {title!r}")
        ensure("invalid YAML" in self.overlay().text, f"overlay text: {self.overlay().text!r}")
        ensure(not self.reloaded(), "the page reloaded although nothing new was built")
        self.browser.screenshot(self.shots / "serve-build-failed.png")
        violations = self.browser.axe()["violations"]
        ensure(not violations, f"axe violations:\n{format_violations(violations)}")
        config.unlink()
        wait_for(self.reloaded, "the page to reload once the configuration builds again")
        time.sleep(0.5)  # the overlay would appear within a fetch's time
        # The documents' two errors were dismissed before the config broke, so nothing shows now.
        ensure(self.overlay() is None, f"overlay after the fix: {self.overlay() and self.overlay().text!r}")


def main():
    binary = resolve_binary(os.environ.get("ARCHBOOK", ".build/debug/archbook"))
    if not binary.is_file():
        raise SystemExit(f"browser tests: archbook binary {binary} not found (set ARCHBOOK or build it first)")
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="archbook-browser-serve-"))
    shots = tmp / "shots"
    shots.mkdir()
    docs = tmp / "docs"
    shutil.copytree(FIXTURE, docs)
    layout = (REPO / "themes/default/templates/layout.mustache").read_text(encoding="utf-8")
    (tmp / "csptheme/templates").mkdir(parents=True)
    (tmp / "csptheme/templates/layout.mustache").write_text(layout.replace('<meta charset="utf-8">', '<meta charset="utf-8">\n' + CSP, 1),
                                                            encoding="utf-8")
    serve = browser = None
    suite = None
    try:
        serve = Serve(binary, tmp)
        print(f"archbook serve at {serve.base}", flush=True)
        browser = Browser(tmp / "chromedriver.log")
        suite = Suite(serve, browser, docs, shots)
        suite.run("overlay lists the problems (CSP in force, console + axe clean)", suite.overlay_shows_problems)
        suite.run("Dismiss hides the overlay until the problems change", suite.dismiss_stays_dismissed)
        suite.run("an edit reloads the open page", suite.edit_reloads_page)
        suite.run("a new problem reloads the page and shows the overlay again; Escape dismisses", suite.new_problem_brings_overlay_back)
        suite.run("a broken archbook.yml shows 'Build failed' over the last site, fixing it reloads", suite.broken_config_keeps_page)
    finally:
        if browser:
            browser.quit()
        if serve:
            serve.stop()
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        for shot in shots.glob("*.png"):
            shutil.copy(shot, OUT_DIR / shot.name)
        if os.environ.get("KEEP_TMP"):
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    failed = [name for name, ok in suite.results if not ok] if suite else ["setup"]
    print(f"serve: {len(suite.results) - len(failed) if suite else 0} passed, {len(failed)} failed; {time.monotonic() - started:.1f}s")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
