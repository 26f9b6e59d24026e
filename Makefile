# archbook: `make run` and `make test` do everything on a fresh machine (installing what is missing).
SHELL := /bin/bash
SWIFT ?= swift
# libcurl4-openssl-dev: only the release build's static Swift runtime needs it at link time (FoundationNetworking,
# which the HTTP server package imports, is linked into the binary and calls libcurl).
APT_PACKAGES := libcmark-gfm-dev libcmark-gfm-extensions-dev libmimalloc-dev libcurl4-openssl-dev pkg-config
# Browser tests (tests/browser): Debian's Chromium and its matching driver, Selenium and axe-core from PyPI.
BROWSER_APT_PACKAGES := chromium chromium-driver fonts-dejavu-core
PYTHON ?= python3
VENV := .venv
SELENIUM_PIN := selenium==4.51.0
AXE_PIN := axe-playwright-python==0.1.8
ARCHBOOK ?= .build/debug/archbook

.PHONY: run test build deps bench clean browser-deps browser-test fuzz

deps:
	@if ! pkg-config --exists libcmark-gfm 2>/dev/null || [ ! -f /usr/include/cmark-gfm-core-extensions.h ] || [ ! -f /usr/include/mimalloc.h ] || ! pkg-config --exists libcurl 2>/dev/null; then \
		echo "Installing $(APT_PACKAGES) ..."; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $(APT_PACKAGES); \
	fi

# The Swift runtime and Foundation are linked statically into the release binary: the dynamic loader then binds
# a handful of libraries instead of fifty, which takes a start from 25 ms to 13 ms (bench/README.md, "Start-up").
build: deps
	$(SWIFT) build -c release --product archbook --static-swift-stdlib

run: build
	./.build/release/archbook build content --output _site --quiet

# Vendor/swift-mustache is swift-mustache with a speed patch (Vendor/swift-mustache/PATCHES.md): its own tests too.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(SWIFT) test --package-path Vendor/swift-mustache
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

# Real-browser tests of the built handbook (tests/browser/test_site.py), of its search (test_search.py), of
# readers' safety under hostile documents and the CSP (test_security.py) and of `archbook serve`'s reload and
# overlay (test_serve.py); all run, and the target fails if any does. ARCHBOOK= picks the binary.
browser-test: browser-deps
	@[ -x "$(ARCHBOOK)" ] || [ "$(ARCHBOOK)" != .build/debug/archbook ] || $(SWIFT) build --product archbook
	@status=0; \
	ARCHBOOK="$(ARCHBOOK)" timeout 900 $(VENV)/bin/python tests/browser/test_site.py || status=1; \
	ARCHBOOK="$(ARCHBOOK)" timeout 900 $(VENV)/bin/python tests/browser/test_search.py || status=1; \
	ARCHBOOK="$(ARCHBOOK)" timeout 600 $(VENV)/bin/python tests/browser/test_security.py || status=1; \
	ARCHBOOK="$(ARCHBOOK)" timeout 300 $(VENV)/bin/python tests/browser/test_serve.py || status=1; \
	exit $$status

# libFuzzer harnesses (Fuzz/), each run FUZZ_SECONDS with seeds from content/ and ../shared/corpora.
# Built in release with ASan into their own scratch folder; the fuzz targets exist only with ARCHBOOK_FUZZ=1.
FUZZ_SECONDS ?= 60
FUZZ_SCRATCH ?= .build-fuzz
FUZZ_BUILD := ARCHBOOK_FUZZ=1 $(SWIFT) build -c release --scratch-path $(FUZZ_SCRATCH) \
	-Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address

fuzz: deps
	$(FUZZ_BUILD) --product fuzz-document 2>&1 | grep -v "Cannot export local symbol" ; test $${PIPESTATUS[0]} -eq 0
	$(FUZZ_BUILD) --product fuzz-site 2>&1 | grep -v "Cannot export local symbol" ; test $${PIPESTATUS[0]} -eq 0
	$(FUZZ_BUILD) --product fuzz-config 2>&1 | grep -v "Cannot export local symbol" ; test $${PIPESTATUS[0]} -eq 0
	FUZZ_BIN=$$($(FUZZ_BUILD) --show-bin-path) FUZZ_SECONDS=$(FUZZ_SECONDS) bash Fuzz/run.sh

bench: build
	bash bench/run.sh

clean:
	rm -rf .build _site bench/out tests/browser/out .build-fuzz .fuzz
