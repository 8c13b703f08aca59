#!/usr/bin/env bash
# Side-by-side speed of the fit bootstrap: 1,000 replicates of the GSM8K CoT fit (paper-2024,
# 7 benchmarks, cutoff 84) in the Python/numpy/scipy baseline (Benchmarks/baseline/bootstrap_baseline.py,
# the paper's solvers: curve_fit for least squares, L-BFGS-B for Huber) and in obsscale
# (FitBootstrap, release build), alternately in ROUNDS rounds on the same machine. Swift runs with
# 1 and with 2 threads. Prints a markdown table of medians and ratios. See BENCHMARKS.md.
#
#   Benchmarks/compare-bootstrap.sh                 # ROUNDS=2 REPLICATES=1000 by default
#
# numpy's OpenBLAS is pinned to one thread (OPENBLAS_NUM_THREADS=1): with its default threads the
# L-BFGS-B loop runs 3-7x slower on this 2-core machine, which would flatter the ratio.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ROUNDS="${ROUNDS:-2}"
REPLICATES="${REPLICATES:-1000}"
SWIFT="${SWIFT:-swift}"
OUT="${OUT:-$(mktemp -d /tmp/obsscale-bootstrap.XXXXXX)}"
mkdir -p "$OUT"
echo "== building bootstrap-timing (release)" >&2
"$SWIFT" build -c release --package-path Benchmarks --product bootstrap-timing >&2
BIN="$("$SWIFT" build -c release --package-path Benchmarks --show-bin-path)/bootstrap-timing"
for round in $(seq 1 "$ROUNDS"); do
    for mode in "fixed ls" "refit-pca ls" "fixed huber"; do
        set -- $mode
        env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
            python3 Benchmarks/baseline/bootstrap_baseline.py --mode "$1" --loss "$2" --replicates "$REPLICATES" \
            --repeat 1 --json "$OUT/python-$1-$2-$round.json" > /dev/null
    done
    for threads in 1 2; do
        "$BIN" --replicates "$REPLICATES" --repeat 5 --threads "$threads" --json "$OUT/swift-$threads-$round.json" > /dev/null
    done
    echo "   round $round/$ROUNDS done" >&2
done
python3 - "$OUT" "$ROUNDS" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
rows = [("fixed/ls", "fixed", "ls"), ("refit-pca/ls", "refit-pca", "ls"), ("fixed/huber", "fixed", "huber")]
print("| mode | Python (s / 1000) | Swift 1 thread (s) | Swift 2 threads (s) | Python / Swift 1 | Python / Swift 2 | 2 threads speed-up |")
print("|---|---|---|---|---|---|---|")
for name, mode, loss in rows:
    py, s1, s2 = [], [], []
    for r in range(1, rounds + 1):
        py.append(json.load(open(f"{out}/python-{mode}-{loss}-{r}.json"))["secondsPerRun"]["median"])
        for threads, bucket in ((1, s1), (2, s2)):
            modes = json.load(open(f"{out}/swift-{threads}-{r}.json"))["modes"]
            bucket.append(next(m["medianSeconds"] for m in modes if m["name"] == name))
    p, a, b = statistics.median(py), statistics.median(s1), statistics.median(s2)
    print(f"| {name} | {p:.2f} | {a:.4f} | {b:.4f} | {p / a:.0f}x | {p / b:.0f}x | {a / b:.2f}x |")
print(f"\n({rounds} alternating rounds; medians over rounds; raw JSON in {out})")
PY
