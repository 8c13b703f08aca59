#!/usr/bin/env bash
# Side-by-side speed of the fitting core: the Python/numpy/scipy baseline of the paper's procedure
# (Benchmarks/baseline/paper_baseline.py) and obsscale (Swift, release build), on the same machine,
# in one invocation, on the same inputs (the real public panel, preset paper-2024, target GSM8K CoT,
# 7 benchmarks, FLOPs cutoff 84). Prints a markdown table of medians and the ratio Python/Swift.
# See BENCHMARKS.md.
#
#   Benchmarks/compare.sh                  # from anywhere; defaults below
#   ROUNDS=9 PY_REPEAT=40 Benchmarks/compare.sh
#
# The two sides run alternately, ROUNDS times (a shared VM's speed drifts by tens of percent over
# seconds; alternating lets both sides see the same drifts). Each round: the Python script times
# PY_REPEAT complete fits; compare-timing times each Swift operation (round-robin) for at least
# SWIFT_REPEAT calls and SWIFT_MIN_SECONDS seconds. Reported: the median over rounds of each
# round's median, their ratio, and the range of the per-round ratios.
#
# Environment: ROUNDS (default 7), PY_REPEAT (default 20), SWIFT_REPEAT (default 300),
# SWIFT_MIN_SECONDS (default 0.5), OUT (folder for the per-round JSON files and table.md; default
# a new /tmp folder), OBSSCALE_DATA_DIR (the public data; default data/obsscaling/ in the
# checkout, where obsscale data fetch puts it), SWIFT (the swift command).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ROUNDS="${ROUNDS:-7}"
PY_REPEAT="${PY_REPEAT:-20}"
SWIFT_REPEAT="${SWIFT_REPEAT:-300}"
SWIFT_MIN_SECONDS="${SWIFT_MIN_SECONDS:-0.5}"
SWIFT="${SWIFT:-swift}"
OUT="${OUT:-$(mktemp -d /tmp/obsscale-compare.XXXXXX)}"
mkdir -p "$OUT"

DATA_DIR="${OBSSCALE_DATA_DIR:-$ROOT/data/obsscaling}"
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

echo "== $ROUNDS rounds of: Python baseline ($PY_REPEAT complete fits), Swift (each operation >= $SWIFT_REPEAT calls, >= $SWIFT_MIN_SECONDS s)" >&2
for round in $(seq 1 "$ROUNDS"); do
    # OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE may be set on this machine for other tools; numpy's
    # own OpenBLAS picks its kernels itself.
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
        python3 Benchmarks/baseline/paper_baseline.py --repeat "$PY_REPEAT" --json "$OUT/python-$round.json" \
        > "$OUT/python-$round.log"
    "$BIN" --repeat "$SWIFT_REPEAT" --min-seconds "$SWIFT_MIN_SECONDS" --json "$OUT/swift-$round.json" \
        > "$OUT/swift-$round.log"
    echo "   round $round/$ROUNDS done" >&2
done

python3 - "$OUT" "$ROUNDS" "$("$SWIFT" --version 2>&1 | head -1)" <<'PY' | tee "$OUT/table.md"
import json, os, platform, statistics, sys, time

out, rounds, swift_version = sys.argv[1], int(sys.argv[2]), sys.argv[3]
pys = [json.load(open(f"{out}/python-{r}.json")) for r in range(1, rounds + 1)]
sws = [json.load(open(f"{out}/swift-{r}.json")) for r in range(1, rounds + 1)]
py, sw = pys[-1], sws[-1]
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

def python_huber(report):
    m = report["medianSeconds"]
    if "fit_impute_pca_huber" in m:
        return m["fit_impute_pca_huber"]
    return m["impute_pca"] + m["huber_sigmoid"]  # an older baseline: sum of medians

operations = [  # (label, Python key or function, Swift key)
    ("impute+PCA", lambda r: r["medianSeconds"]["impute_pca"], "impute_pca"),
    ("sigmoid fit (LS)", lambda r: r["medianSeconds"]["ls_sigmoid"], "ls_sigmoid"),
    ("full fit (LS)", lambda r: r["medianSeconds"]["fit_impute_pca_ls"], "fit_impute_pca_ls"),
    ("full fit (Huber δ=1)", python_huber, "fit_impute_pca_huber"),
]
if "fit_paper_stopping_ls" in py["medianSeconds"]:
    operations.append(("full fit (LS), Python with the paper's stopping rule*",
                       lambda r: r["medianSeconds"]["fit_paper_stopping_ls"], "fit_impute_pca_ls"))
rows = []
for label, python_value, swift_key in operations:
    p_rounds = [python_value(r) for r in pys]
    s_rounds = [r["medianSeconds"][swift_key] for r in sws]
    ratios = [p / s for p, s in zip(p_rounds, s_rounds)]
    s_best = min(r["minimumSeconds"][swift_key] for r in sws)
    rows.append((label, statistics.median(p_rounds), statistics.median(s_rounds), min(ratios), max(ratios), s_best))
print(f"machine: {os.cpu_count()} cores, {cpu}; {platform.system()} {platform.release()}")
print(f"{swift_version}; Python {py['python']}, numpy {py['numpy']}, scipy {py.get('scipy', '?')}")
print(f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}; {rounds} alternating rounds; per round "
      f"{py['repeat']} Python fits and {min(r['samples']['impute_pca'] for r in sws)}–"
      f"{max(r['samples']['impute_pca'] for r in sws)} Swift calls of each operation")
print(f"data: {py['nModels']} models with the target ({py['nTrain']} train / {py['nTest']} test)")
print()
print("| operation | Python median | Swift median | Python/Swift | per-round ratios | Swift fastest call |")
print("|---|---:|---:|---:|---:|---:|")
for name, p, s, low, high, best in rows:
    print(f"| {name} | {fmt(p)} | {fmt(s)} | **{p / s:.0f}×** | {low:.0f}–{high:.0f}× | {fmt(best)} |")
print()
print("Medians: the median over rounds of each round's median.")
if "fit_paper_stopping_ls" in py["medianSeconds"]:
    print(f"*The paper's released code stops the imputation on np.allclose(filled, reconstruction, "
          f"atol=1e-4) over the whole matrix; here it ran {py['paperStoppingIterations']} iterations to the "
          f"same fixed point (to ~1e-12) that both sides otherwise reach in {py['imputationIterations']['train']}.")
print()

def max_rel(a, b):
    return max(abs(x - y) / max(abs(y), 1e-12) for x, y in zip(a, b))

print("Agreement of the fits (last round; parameters [α, β1..β3, b]):")
for key, label in (("paramsLS", "LS"), ("paramsHuber", "Huber")):
    a, b = sw[key], py[key]
    free = max_rel(a[:-1], b[:-1])
    print(f"- {label}: max relative difference of α, β {free:.1e}; b Swift {a[-1]:.3g}, Python {b[-1]:.3g}; "
          f"train MSE Swift {sw['mse' + label]['train']:.10f}, Python {py['mse' + label]['train']:.10f}; "
          f"test MSE Swift {sw['mse' + label]['test']:.10f}, Python {py['mse' + label]['test']:.10f}")
print(f"- imputation iterations (train): Swift {sw['imputationIterations']}, "
      f"Python {py['imputationIterations']['train']}")
PY
echo "(per-round results in $OUT)" >&2
