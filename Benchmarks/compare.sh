#!/usr/bin/env bash
# Side-by-side speed of the fitting core: the Python/numpy/scipy baseline of the paper's procedure
# (Benchmarks/baseline/paper_baseline.py) and obsscale (Swift, release build), on the same machine,
# in one invocation, on the same inputs (the real public panel, preset paper-2024, target GSM8K CoT,
# 7 benchmarks, FLOPs cutoff 84). Prints a markdown table of medians and the ratio Python/Swift.
# See BENCHMARKS.md.
#
#   Benchmarks/compare.sh                  # from anywhere; defaults below
#   PY_REPEAT=200 SWIFT_MIN_SECONDS=5 Benchmarks/compare.sh
#
# Environment: PY_REPEAT (Python fits, default 100), SWIFT_REPEAT (minimum Swift calls per
# operation, default 1000), SWIFT_MIN_SECONDS (minimum seconds per Swift operation, default 2),
# OUT (folder for python.json, swift.json and table.md; default a new /tmp folder),
# OBSSCALE_DATA_DIR (the public data; default ../shared/data/obsscaling beside the checkout),
# SWIFT (the swift command).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY_REPEAT="${PY_REPEAT:-100}"
SWIFT_REPEAT="${SWIFT_REPEAT:-1000}"
SWIFT_MIN_SECONDS="${SWIFT_MIN_SECONDS:-2}"
SWIFT="${SWIFT:-swift}"
OUT="${OUT:-$(mktemp -d /tmp/obsscale-compare.XXXXXX)}"
mkdir -p "$OUT"

DATA_DIR="${OBSSCALE_DATA_DIR:-$ROOT/../shared/data/obsscaling}"
if [ ! -f "$DATA_DIR/base_llm_benchmark_eval.csv" ]; then
    echo "compare.sh: the public panel is not at $DATA_DIR (set OBSSCALE_DATA_DIR)" >&2
    exit 1
fi
if ! python3 -c 'import numpy, scipy' 2>/dev/null; then
    echo "compare.sh: python3 with numpy and scipy is needed (pip install numpy scipy)" >&2
    exit 1
fi

echo "== building compare-timing (release)" >&2
"$SWIFT" build -c release --package-path Benchmarks --product compare-timing >&2
BIN="$("$SWIFT" build -c release --package-path Benchmarks --show-bin-path)/compare-timing"

echo "== Python baseline: $PY_REPEAT complete fits" >&2
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE may be set on this machine for other tools; numpy's own
# OpenBLAS picks its kernels itself.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
    python3 Benchmarks/baseline/paper_baseline.py --repeat "$PY_REPEAT" --json "$OUT/python.json" \
    > "$OUT/python.log"

echo "== Swift: each operation >= $SWIFT_REPEAT calls and >= $SWIFT_MIN_SECONDS s" >&2
"$BIN" --repeat "$SWIFT_REPEAT" --min-seconds "$SWIFT_MIN_SECONDS" --json "$OUT/swift.json" > "$OUT/swift.log"

python3 - "$OUT/python.json" "$OUT/swift.json" "$("$SWIFT" --version 2>&1 | head -1)" <<'PY' | tee "$OUT/table.md"
import json, os, platform, sys, time

py, sw = (json.load(open(p)) for p in sys.argv[1:3])
swift_version = sys.argv[3]
cpu = "unknown"
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
except OSError:
    pass

def fmt(seconds):
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.0f} µs"

pm, sm = py["medianSeconds"], sw["medianSeconds"]
huber_py = pm.get("fit_impute_pca_huber")
huber_note = ""
if huber_py is None:  # an older baseline without the per-run sum
    huber_py = pm["impute_pca"] + pm["huber_sigmoid"]
    huber_note = " (sum of medians)"
rows = [
    ("impute+PCA", pm["impute_pca"], sm["impute_pca"], ""),
    ("sigmoid fit (LS)", pm["ls_sigmoid"], sm["ls_sigmoid"], ""),
    ("full fit (LS)", pm["fit_impute_pca_ls"], sm["fit_impute_pca_ls"], ""),
    ("full fit (Huber δ=1)", huber_py, sm["fit_impute_pca_huber"], huber_note),
]
print(f"machine: {os.cpu_count()} cores, {cpu}; {platform.system()} {platform.release()}")
print(f"{swift_version}; Python {py['python']}, numpy {py['numpy']}, scipy {py.get('scipy', '?')}")
print(f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}; Python fits: {py['repeat']}; "
      f"Swift calls per operation: {min(sw['samples'].values())}–{max(sw['samples'].values())}")
print(f"data: {py['nModels']} models with the target ({py['nTrain']} train / {py['nTest']} test)")
print()
print("| operation | Python median | Swift median | Python/Swift |")
print("|---|---:|---:|---:|")
for name, p, s, note in rows:
    print(f"| {name} | {fmt(p)}{note} | {fmt(s)} | {p / s:.0f}× |")
print()

def max_rel(a, b):
    return max(abs(x - y) / max(abs(y), 1e-12) for x, y in zip(a, b))

print("agreement (parameters [α, β1..β3, b]; the floor b sits on its bound 0 in both):")
for key, label in (("paramsLS", "LS"), ("paramsHuber", "Huber")):
    a, b = sw[key], py[key]
    free = max_rel(a[:-1], b[:-1])
    print(f"- {label}: max relative difference of α, β {free:.1e}; b Swift {a[-1]:.3g}, Python {b[-1]:.3g}; "
          f"train MSE Swift {sw['mse' + label]['train']:.10f}, Python {py['mse' + label]['train']:.10f}; "
          f"test MSE Swift {sw['mse' + label]['test']:.10f}, Python {py['mse' + label]['test']:.10f}")
print(f"- imputation iterations (train): Swift {sw['imputationIterations']}, "
      f"Python {py['imputationIterations']['train']}")
PY
echo "(raw results in $OUT)" >&2
