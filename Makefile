# MedVision: `make demo` serves the platform, `make test` runs every test.
# Both install what is missing first (scripts/bootstrap).

SHELL := /bin/bash
# Every recipe runs the pinned node and npm (scripts/node-version) that
# bootstrap puts in .tools/node, whatever node the system has.
export PATH := $(CURDIR)/.tools/node/bin:$(PATH)
DEV := build/dev
RELEASE := build/release
WEB_DIST := web/dist/index.html

.PHONY: demo test bench format bootstrap build-dev build-release web clean

bootstrap:
	@scripts/bootstrap

$(DEV)/build.ninja:
	cmake --preset dev

$(RELEASE)/build.ninja:
	cmake --preset release

build-dev: bootstrap $(DEV)/build.ninja
	cmake --build --preset dev

build-release: bootstrap $(RELEASE)/build.ninja
	cmake --build --preset release --target medvision

web: bootstrap
	cd web && npm run --silent build

demo: build-release web
	$(RELEASE)/src/app/medvision serve --web-root web/dist

# The set-up and build are timed so that run-tests can print every phase.
test:
	@start=$$(date +%s); $(MAKE) --no-print-directory build-dev web || exit $$?; \
	  echo $$(( $$(date +%s) - start )) > build/.build-seconds
	@scripts/run-tests

bench: build-release
	cmake --build --preset release --target benches
	@bench/run

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf build web/dist
