# schemareg: build, run and test. `make help` lists the targets.
GO        ?= go
BIN       := bin/schemareg
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
FUZZTIME  ?= 60s
PKGS      := ./...

.PHONY: help build run test test-short bench fuzz fuzz-short lint clean deps soak

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-11s %s\n", $$1, $$2}'

build: ## build bin/schemareg
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/schemareg

run: build ## run the whole registry locally on :8000 (embedded etcd, compile, sync, serve, watch)
	$(BIN) dev

deps: ## install what the tests need besides Go (Chromium for the site's browser test)
	@./.ci/deps

test: deps ## go vet and the race-enabled tests of every package
	$(GO) vet $(PKGS)
	$(GO) test -race -timeout 30m $(PKGS)

test-short: ## the tests that need no etcd, browser or built binary
	$(GO) test -short $(PKGS)

bench: ## benchmarks with the figures each issue names, against their references
	./.ci/bench

fuzz: ## run every fuzz target for FUZZTIME (default 60s)
	./.ci/fuzz $(FUZZTIME)

fuzz-short: ## run every fuzz target briefly, as CI does
	./.ci/fuzz 20s

lint: ## gofmt check and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

soak: build ## five minutes of load with a new generation every 10s
	./.ci/soak

clean: ## remove build output and local registry data
	rm -rf bin build .schemareg
