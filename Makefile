# obsscale — the two front-door commands (README): `make demo` and `make test`.
SWIFT ?= swift
BUILD_FLAGS ?=
OBSSCALE = .build/release/obsscale
# The public panel files: $OBSSCALE_DATA_DIR, else where `obsscale data fetch` puts them.
DATA_DIR ?= $(or $(OBSSCALE_DATA_DIR),data/obsscaling)
DEMO_PANEL = data/synthetic/panel.csv

.PHONY: demo slurm-demo test build release deps install install-files synthetic benchmarks baseline clean check-report fuzz lint format docs build-nested build-strict

# GLPK is the project's one system library (used by the selection layer); install it when missing.
deps:
	@if ! ls /usr/include/glpk.h >/dev/null 2>&1; then \
		echo "installing libglpk-dev (apt-get)"; \
		if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libglpk-dev >/dev/null; \
	fi

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

release: deps
	$(SWIFT) build -c release $(BUILD_FLAGS)

# The main job on the default panel (the shipped synthetic one unless $$OBSSCALE_PANEL is set or the
# public panel was fetched): the capability space, then a scaling law fitted on the smaller models
# and scored on the larger ones with bootstrap intervals, which models to evaluate for 10, 20 and
# 30 models' budget (and how stable that choice is), and the hold-out validation of the default
# selector against the paper's; JSON reports under demo-out/.
demo: release
	@mkdir -p demo-out
	@echo "demo: the shipped synthetic panel data/synthetic/panel.csv (150 models with known truth; for the public panel run obsscale data fetch)"
	$(OBSSCALE) pca --panel $(DEMO_PANEL) --json demo-out/pca.json
	$(OBSSCALE) fit --panel $(DEMO_PANEL) --target 'task_emergent,accuracy' --cutoff-flops 10 --reference-family Family-01 \
		--bootstrap 1000 --at-flops 100 --json demo-out/fit.json --html demo-out/fit.html
	$(OBSSCALE) select --panel $(DEMO_PANEL) --budget 10,20,30 --bootstrap 100 --json demo-out/select.json
	$(OBSSCALE) validate --panel $(DEMO_PANEL) --target 'task_smooth,accuracy' --target 'task_emergent,accuracy' --cutoff-flops 10 \
		--budget 10,20,30 --method auto:model,exhaustive:family --max-families 8 --json demo-out/validate.json
	@echo "demo: reports written to $(CURDIR)/demo-out/ (pca.json, fit.json, select.json, validate.json) and the HTML report $(CURDIR)/demo-out/fit.html"
	@echo "demo: the binary is $(CURDIR)/$(OBSSCALE); make install PREFIX=~/.local puts it on your PATH as obsscale"

test: deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(BUILD_FLAGS)

# The HTML reports (--html) of fit, select and validate rendered in headless Chromium (installed
# when missing): every chart present and drawn, no NaN anywhere; screenshots in docs/screenshots/
# (scripts/check-report.sh, scripts/check_report.py).
check-report: deps
	@if [ -z "$${CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then \
		echo "installing chromium (apt-get)"; \
		if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
	SWIFT="$(SWIFT)" BUILD_FLAGS="$(BUILD_FLAGS)" DATA_DIR="$(DATA_DIR)" scripts/check-report.sh

# The README's Slurm job array run for real on a one-node Slurm cluster on 127.0.0.1: installs the
# Slurm packages when missing (no service started), starts slurmctld and slurmd from a temporary
# configuration, runs the array and its merge, compares with a single run, then a task that fails
# and its resubmission; stops exactly the daemons it started (scripts/slurm-demo.sh). With
# OBSSCALE_BIN=PATH it uses that binary instead of building the release one (CI: the installed one).
slurm-demo: $(if $(OBSSCALE_BIN),deps,release)
	OBSSCALE_BIN="$(or $(OBSSCALE_BIN),$(OBSSCALE))" scripts/slurm-demo.sh

# Code style: .swift-format at the root; `make format` rewrites the files, `make lint` fails on
# any difference (CI runs it).
FORMAT_PATHS = Package.swift Sources Tests Benchmarks/Package.swift Benchmarks/Sources Benchmarks/Benchmarks \
	Fuzz/Package.swift Fuzz/Sources
lint:
	$(SWIFT) format lint --strict --recursive --parallel $(FORMAT_PATHS)
format:
	$(SWIFT) format --in-place --recursive --parallel $(FORMAT_PATHS)

# API documentation: the DocC catalog of the umbrella module (Sources/ObsScale/ObsScale.docc, with
# its getting-started article) combined with every layer's API reference, as a static site in
# docs/api/ (git-ignored).
DOC_TARGETS = ObsScale ObsScaleNumerics ObsScaleData ObsScaleFit LinearProgramming ObsScaleSelect ObsScaleEvaluation ObsScaleReport
docs:
	$(SWIFT) package --allow-writing-to-directory docs/api generate-documentation \
		$(foreach target,$(DOC_TARGETS),--target $(target)) --enable-experimental-combined-documentation \
		--output-path docs/api --transform-for-static-hosting --hosting-base-path obsscale
	@echo "docs: serve docs/api (e.g. python3 -m http.server -d docs/api) and open /documentation/obsscale"

# The package and its tests compiled with every warning an error, in their own folder
# (.build-strict) so the flag does not invalidate .build (CI runs it).
build-strict: deps
	$(SWIFT) build --build-tests --scratch-path .build-strict -Xswiftc -warnings-as-errors $(BUILD_FLAGS)

# The nested packages built (not run), so they keep compiling against the library (CI runs it).
build-nested: deps
	$(SWIFT) build --package-path Benchmarks $(BUILD_FLAGS)
	$(SWIFT) build --package-path Fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library \
		-Xswiftc -swift-version -Xswiftc 6 $(BUILD_FLAGS)

# Regenerate the shipped synthetic panel (documented in data/README.md).
# Install: the release binary in PREFIX/bin (the Swift standard library and Foundation linked in
# statically, so it runs without a Swift toolchain; it needs libglpk40, and libcurl4 for data fetch), the
# presets, the checksums of the public files and the synthetic default
# panel in PREFIX/share/obsscale/data, where the binary finds them from any working directory.
# Built in its own folder (.build-install) so the static build does not invalidate .build.
PREFIX ?= /usr/local
INSTALL_BIN ?= .build-install/release/obsscale
install: deps
	$(SWIFT) build -c release --static-swift-stdlib --product obsscale --scratch-path .build-install $(BUILD_FLAGS)
	$(MAKE) install-files PREFIX="$(PREFIX)" INSTALL_BIN="$(INSTALL_BIN)"
	@echo "installed $(PREFIX)/bin/obsscale (data in $(PREFIX)/share/obsscale); try: $(PREFIX)/bin/obsscale pca"

# The copying half of `install`, for an already built binary (INSTALL_BIN).
install-files:
	install -d "$(PREFIX)/bin" "$(PREFIX)/share/obsscale/data/presets" "$(PREFIX)/share/obsscale/data/synthetic"
	install -m 755 "$(INSTALL_BIN)" "$(PREFIX)/bin/obsscale"
	install -m 644 data/presets/*.json "$(PREFIX)/share/obsscale/data/presets/"
	install -m 644 data/synthetic/*.csv data/synthetic/*.json "$(PREFIX)/share/obsscale/data/synthetic/"
	install -m 644 data/checksums.json "$(PREFIX)/share/obsscale/data/"

synthetic: release
	$(OBSSCALE) simulate --families 30 --models-per-family 5 --missing-rate 0.05 --seed 2024 --out data/synthetic

# Speed: Swift benchmarks (ordo-one/benchmark) and the Python baseline, side by side (BENCHMARKS.md).
benchmarks: deps
	cd Benchmarks && $(SWIFT) package benchmark --format markdown
baseline:
	python3 Benchmarks/baseline/paper_baseline.py --repeat 20

# Fuzzing: the libFuzzer targets of Fuzz/ (FuzzPanelCSV, FuzzOptions, FuzzLinearProgram, FuzzSavedLaw,
# FuzzMergeParts),
# built with -sanitize=fuzzer and run one after another for FUZZ_SECONDS each (default 600); prints
# each target's execution count and fails on a crash, hang or OOM (Fuzz/README.md, Fuzz/run.sh).
FUZZ_SECONDS ?= 600
fuzz: deps
	SWIFT="$(SWIFT)" FUZZ_SECONDS="$(FUZZ_SECONDS)" Fuzz/run.sh

clean:
	rm -rf .build demo-out
