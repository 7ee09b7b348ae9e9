# vendorctl — run `make help` for the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
ADDR ?= 127.0.0.1:8080
# Spectral (the OpenAPI linter of lint-specs), pinned, installed with npm into a git-ignored folder on
# first use. SPECTRAL_DIR may point at a folder shared by several checkouts.
SPECTRAL_VERSION ?= 6.16.3
SPECTRAL_DIR ?= .tools/spectral
SPECTRAL = $(SPECTRAL_DIR)/node_modules/.bin/spectral
# Redocly's linter, the second OpenAPI tool of lint-specs, pinned and installed the same way (its engines
# accept Node 20.19 and newer).
REDOCLY_VERSION ?= 2.77.0
REDOCLY_DIR ?= .tools/redocly
REDOCLY = $(REDOCLY_DIR)/node_modules/.bin/redocly
GOFILES = $(shell git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*')

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-16s %s\n", $$1, $$2}'

.PHONY: generate
generate: ## regenerate gen/ from specs/ with the pinned oapi-codegen
	$(GO) generate ./gen/...

.PHONY: check-generated
GENERATED := gen ':(glob)clients/*/*.gen.go'

check-generated: generate ## regenerate, then fail if gen/ or the clients' *.gen.go differ from what is committed
	@if [ -n "$$(git status --porcelain -- $(GENERATED))" ]; then \
		echo "generated code is stale or has untracked output: run 'make generate' and commit:"; \
		git status --porcelain -- $(GENERATED); git --no-pager diff --stat -- $(GENERATED); exit 1; \
	fi
	@echo "gen/ and clients/*/*.gen.go are up to date"

.PHONY: fmt
fmt: ## gofmt every Go file
	gofmt -w $(GOFILES)

.PHONY: lint
lint: ## gofmt check and go vet
	@unformatted="$$(gofmt -l $(GOFILES))"; if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

.PHONY: spec-check
spec-check: ## load, validate and lint every spec (examples against schemas, authoring rules, CHANGELOG)
	$(GO) test -count=1 -run 'TestSpecs' ./specs/ ./specs/speclint/

.PHONY: lint-specs
lint-specs: ## Spectral (spectral:oas) and Redocly (recommended) on every spec; fails on errors; skipped without npm
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "lint-specs: SKIPPED: npm is not installed, so Spectral and Redocly cannot run (the Go spec checks still do)"; exit 0; \
	fi; \
	if [ ! -f "$(SPECTRAL_DIR)/.installed-$(SPECTRAL_VERSION)" ]; then \
		echo "lint-specs: installing @stoplight/spectral-cli@$(SPECTRAL_VERSION) into $(SPECTRAL_DIR) (first run only)"; \
		npm install --prefix "$(SPECTRAL_DIR)" --save-exact --no-audit --no-fund --loglevel=error "@stoplight/spectral-cli@$(SPECTRAL_VERSION)"; \
		touch "$(SPECTRAL_DIR)/.installed-$(SPECTRAL_VERSION)"; \
	fi; \
	"$(SPECTRAL)" lint --ruleset .spectral.yaml --fail-severity error specs/*/openapi.yaml; \
	if [ ! -f "$(REDOCLY_DIR)/.installed-$(REDOCLY_VERSION)" ]; then \
		echo "lint-specs: installing @redocly/cli@$(REDOCLY_VERSION) into $(REDOCLY_DIR) (first run only)"; \
		npm install --prefix "$(REDOCLY_DIR)" --save-exact --no-audit --no-fund --loglevel=error "@redocly/cli@$(REDOCLY_VERSION)"; \
		touch "$(REDOCLY_DIR)/.installed-$(REDOCLY_VERSION)"; \
	fi; \
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true "$(REDOCLY)" lint --extends=recommended --format=summary specs/*/openapi.yaml

# Debian packages the tests of tools/deploy run: each is installed with apt-get only when missing
# (machines and CI run as root).
.PHONY: deps-haproxy
deps-haproxy: ## install HAProxy (apt-get) when missing: the scale-out test of tools/deploy runs it
	@command -v haproxy >/dev/null 2>&1 || { echo "deps-haproxy: installing haproxy with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy; }
	@haproxy -v | sed -n 1p

.PHONY: deps-podman
deps-podman: ## install podman (apt-get) when missing: make image and the image test of tools/deploy use it
	@command -v podman >/dev/null 2>&1 || { echo "deps-podman: installing podman with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman; }
	@podman --version

# The dashboard's browser test (tools/vendorctl) drives Debian's chromium headless.
.PHONY: deps-chromium
deps-chromium: ## install Chromium (apt-get) when missing: the dashboard test of tools/vendorctl drives it headless
	@[ -x /usr/bin/chromium ] || { echo "deps-chromium: installing chromium with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@/usr/bin/chromium --version

# The image for CI service containers (tools/deploy/Containerfile): a static vendorctl in
# $(IMAGE_DIR)/context, the image's id in $(IMAGE_DIR)/id.
IMAGE ?= localhost/vendorctl:dev
IMAGE_DIR ?= bin/image
.PHONY: image
image: deps-podman ## build the OCI image IMAGE (default localhost/vendorctl:dev) with podman: FROM scratch, static binary, non-root, serve on 0.0.0.0:8080
	mkdir -p $(IMAGE_DIR)/context
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags='-s -w' -o $(IMAGE_DIR)/context/vendorctl ./tools/vendorctl
	podman build --quiet --iidfile $(IMAGE_DIR)/id -f tools/deploy/Containerfile -t $(IMAGE) $(IMAGE_DIR)/context

.PHONY: test
test: check-generated lint spec-check lint-specs deps-haproxy deps-podman deps-chromium ## everything CI runs: generated code, lint, specs (Go checks and Spectral), the deploy tests' packages (HAProxy, podman), the dashboard's browser (Chromium), go test -race
	$(GO) test -race -count=1 ./...

BASE ?=
.PHONY: apidiff
apidiff: ## incompatible changes to the Go API of clients/... and gen/... between BASE=REF and the work tree; exit 1 when any
	@if [ -z "$(BASE)" ]; then echo "apidiff: give the ref to compare with: make apidiff BASE=main"; exit 2; fi
	$(GO) run ./tools/apidiff -base "$(BASE)"

.PHONY: build
build: ## build bin/vendorctl
	$(GO) build -o bin/vendorctl ./tools/vendorctl

.PHONY: serve
serve: build ## start every mock vendor on $(ADDR) (Ctrl-C stops)
	./bin/vendorctl serve --addr $(ADDR) $(ARGS)

FUZZTIME ?= 30s
.PHONY: fuzz
fuzz: ## run every fuzz target for FUZZTIME each (default 30s); make test runs their seed corpora
	@for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "== $$pkg $$target"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

.PHONY: bench-go
bench-go: ## Go benchmarks: validation per vendor, mock handlers in-process, client round trips
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Prism 5.14.2 is the newest release whose package declares the Node these machines have (20): 5.15.x
# and 5.16.0 declare Node >= 24.
PRISM_VERSION ?= 5.14.2
PRISM_DIR ?= .bench/prism
PRISM = $(PRISM_DIR)/node_modules/.bin/prism

.PHONY: bench-prism
bench-prism: ## install Prism's CLI into $(PRISM_DIR) with npm for the comparison (skipped without npm)
	@if grep -qs '"version": "$(PRISM_VERSION)"' $(PRISM_DIR)/node_modules/@stoplight/prism-cli/package.json && [ -x $(PRISM) ]; then \
		echo "Prism $(PRISM_VERSION) is installed in $(PRISM_DIR)"; \
	elif command -v npm >/dev/null 2>&1; then \
		echo "installing Prism $(PRISM_VERSION) into $(PRISM_DIR) with npm"; \
		mkdir -p $(PRISM_DIR) && npm install --prefix $(PRISM_DIR) --no-audit --no-fund --loglevel=error @stoplight/prism-cli@$(PRISM_VERSION) \
			|| echo "npm could not install Prism: the load test runs without the Prism rows"; \
	else \
		echo "npm not found: the load test runs without the Prism rows"; \
	fi

GROWTH_ARGS ?=
.PHONY: bench-growth
bench-growth: build ## how cost grows: TimeWave store 260/10 000/100 000 clients, connections 1..512, sessions 1..10 000; report and PNG in bin/
	$(GO) run ./tools/bench growth --vendorctl bin/vendorctl --out bin/growth-report.md --command 'make bench-growth$(if $(GROWTH_ARGS), GROWTH_ARGS="$(GROWTH_ARGS)")' $(GROWTH_ARGS)

BENCH_ARGS ?=
.PHONY: bench
bench: build bench-prism ## load test over loopback: vendorctl serve with and without validation vs Prism, markdown report
	$(GO) run ./tools/bench compare --pin --vendorctl bin/vendorctl --prism $(PRISM) --out bin/bench-report.md --command 'make bench$(if $(BENCH_ARGS), BENCH_ARGS="$(BENCH_ARGS)")' $(BENCH_ARGS)

SOAK_ARGS ?=
.PHONY: soak
soak: build ## 100 000 requests with faults across every vendor: RSS stays flat, no unexpected 5xx
	$(GO) run ./tools/bench soak --vendorctl bin/vendorctl $(SOAK_ARGS)
