# archbook: `make run` and `make test` do everything on a fresh machine (installing what is missing).
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libcmark-gfm-dev libcmark-gfm-extensions-dev pkg-config

.PHONY: run test build deps bench clean

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

bench: build
	bash bench/run.sh

clean:
	rm -rf .build _site bench/out
