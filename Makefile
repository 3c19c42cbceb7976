# schemareg: build, run and test. `make help` lists the targets.
GO        ?= go
BIN       := bin/schemareg
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION) -X main.commit=$(shell git rev-parse HEAD 2>/dev/null)
FUZZTIME  ?= 60s
PKGS      := ./...
# staticcheck runs at this version through `go run pkg@version`: a fresh
# machine fetches it, and it stays out of the binary's module graph.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: help build run test test-short bench fuzz fuzz-short lint clean deps soak
.PHONY: release image

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-11s %s\n", $$1, $$2}'

build: ## build bin/schemareg
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/schemareg

release: ## reproducible release archives and checksums.txt in dist/ (linux and darwin, amd64 and arm64)
	$(GO) run ./internal/release/cmd -version $(VERSION) -out dist

image: ## dist/schemareg-image.tar, the container image in `docker load` format (no daemon needed)
	CGO_ENABLED=0 GOOS=linux $(GO) build -trimpath -buildvcs=false -ldflags "-s -w -buildid= -X main.version=$(VERSION) -X main.commit=$$(git rev-parse HEAD)" -o dist/image/schemareg ./cmd/schemareg
	cd deploy && $(GO) run ./image/cmd -binary ../dist/image/schemareg -out ../dist/schemareg-image.tar -version $(VERSION) -commit $$(git rev-parse HEAD) -created $$(git log -1 --format=%ct HEAD) -arch $$($(GO) env GOARCH)

run: build ## run the whole registry locally on :8000 (embedded etcd, compile, sync, serve, watch)
	$(BIN) dev $(ARGS)

deps: ## install what the tests need besides Go (Chromium for the site's browser test, apache-arrow for the Arrow JS check)
	@./.ci/deps

CONFORMANCE := $(or $(SCHEMAREG_CONFORMANCE_DIR),../shared/conformance)

test: deps ## go vet and the race-enabled tests of every package
	@[ -d "$(CONFORMANCE)" ] || echo "NOTE: no conformance data at $(CONFORMANCE): compiler's TestConformance (Confluent's and Apicurio's verdicts) is skipped; set SCHEMAREG_CONFORMANCE_DIR"
	$(GO) vet $(PKGS)
	$(GO) test -race -timeout 30m $(PKGS)
	cd deploy && $(GO) vet ./... && $(GO) test -race -timeout 10m ./...
	cd e2e/confluent && $(GO) vet ./... && $(GO) test -timeout 10m ./...

test-short: ## the tests that need no etcd, browser or built binary
	$(GO) test -short $(PKGS)

bench: ## benchmarks with the figures each issue names, against their references
	./.ci/bench

fuzz: ## run every fuzz target for FUZZTIME (default 60s)
	./.ci/fuzz $(FUZZTIME)

fuzz-short: ## run every fuzz target briefly, as CI does
	./.ci/fuzz 20s

lint: ## gofmt check, go vet, staticcheck and the import rules
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) $(PKGS)
	$(GO) test -count=1 ./internal/importrules

soak: build ## five minutes of load with a new generation every 10s
	./.ci/soak

clean: ## remove build output and local registry data
	rm -rf bin build .schemareg dist
