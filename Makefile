# tasi — make targets. `make demo` and `make test` are the two commands a fresh Debian
# machine needs; both install their system packages first (scripts/install-deps.sh is
# idempotent).
GO        ?= go
BIN       := bin/tasi
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)

.PHONY: all deps build test test-browser demo bench lint clean

all: build

deps:
	bash scripts/install-deps.sh

build: deps
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/tasi

test: deps
	$(GO) vet ./...
	$(GO) test -count=1 ./...
	bash tests/browser/run.sh

# The web map in headless Chromium against `tasi serve` on the demo run (part of `make test`).
test-browser: deps
	bash tests/browser/run.sh

demo: build
	./$(BIN) demo --dir demo

bench: build
	bash scripts/bench.sh

lint: deps
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

clean:
	rm -rf bin demo
