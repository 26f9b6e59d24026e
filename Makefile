# archbook: `make run` and `make test` do everything on a fresh machine (installing what is missing).
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libcmark-gfm-dev libcmark-gfm-extensions-dev pkg-config
# Browser tests (tests/browser): Debian's Chromium and its matching driver, Selenium and axe-core from PyPI.
BROWSER_APT_PACKAGES := chromium chromium-driver fonts-dejavu-core
PYTHON ?= python3
VENV := .venv
SELENIUM_PIN := selenium==4.51.0
AXE_PIN := axe-playwright-python==0.1.8
ARCHBOOK ?= .build/debug/archbook

.PHONY: run test build deps bench clean browser-deps browser-test

deps:
	@if ! pkg-config --exists libcmark-gfm 2>/dev/null || [ ! -f /usr/include/cmark-gfm-core-extensions.h ]; then \
		echo "Installing $(APT_PACKAGES) ..."; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $(APT_PACKAGES); \
	fi

build: deps
	$(SWIFT) build -c release --product archbook

run: build
	./.build/release/archbook build content --output _site --quiet

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(MAKE) --no-print-directory browser-test ARCHBOOK=.build/debug/archbook

browser-deps: $(VENV)/.browser-deps
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then \
		echo "Installing $(BROWSER_APT_PACKAGES) ..."; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $(BROWSER_APT_PACKAGES); \
	fi

# axe-playwright-python only ships axe-core's JavaScript (4.12.1) here: --no-deps keeps Playwright out.
$(VENV)/.browser-deps: Makefile
	@[ -x $(VENV)/bin/python ] || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check $(SELENIUM_PIN)
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps $(AXE_PIN)
	@touch $@

# Real-browser tests of the built handbook (tests/browser/test_site.py), of its search
# (tests/browser/test_search.py) and of `archbook serve`'s reload and overlay (tests/browser/test_serve.py);
# all run, and the target fails if any does. ARCHBOOK= picks the binary.
browser-test: browser-deps
	@[ -x "$(ARCHBOOK)" ] || [ "$(ARCHBOOK)" != .build/debug/archbook ] || $(SWIFT) build --product archbook
	@status=0; \
	ARCHBOOK="$(ARCHBOOK)" timeout 900 $(VENV)/bin/python tests/browser/test_site.py || status=1; \
	ARCHBOOK="$(ARCHBOOK)" timeout 900 $(VENV)/bin/python tests/browser/test_search.py || status=1; \
	ARCHBOOK="$(ARCHBOOK)" timeout 300 $(VENV)/bin/python tests/browser/test_serve.py || status=1; \
	exit $$status

bench: build
	bash bench/run.sh

clean:
	rm -rf .build _site bench/out tests/browser/out
