#!/usr/bin/env bash
# Whole-process timings: obsscale as a user runs it (start, read the files, compute, print) next to
# the paper's procedure in Python run the same way (Benchmarks/baseline/whole_process.py: one
# process per call, numpy/scipy imported each time), timed with hyperfine in one session. Prints
# a markdown table of means and ranges, and Python's start plus imports on their own (its
# compute-only times are the in-process baselines of compare.sh and compare-bootstrap.sh).
#
#   Benchmarks/whole-process.sh     # RUNS=15 (obsscale), PYRUNS=3 (Python), BIN=path to time another build
#
# BIN defaults to the static binary `make install` builds (.build-install), built here if missing.
# Python runs with one OpenBLAS thread (the Huber bootstrap is slower and erratic with more) and
# the interpreter itself, not a pyenv shim.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DATA="${OBSSCALE_DATA_DIR:-$ROOT/data/obsscaling}"
BIN="${BIN:-$ROOT/.build-install/release/obsscale}"
if [ ! -x "$BIN" ]; then
    swift build -c release --static-swift-stdlib --product obsscale --scratch-path .build-install >&2
fi
PY="${PYTHON:-$( (command -v pyenv >/dev/null 2>&1 && pyenv which python3) || command -v python3)}"
export OPENBLAS_NUM_THREADS=1 PYTHONPYCACHEPREFIX="${TMPDIR:-/tmp}/obsscale-pycache"
RUNS="${RUNS:-15}"
PYRUNS="${PYRUNS:-3}"
OUT="$(mktemp -d "${TMPDIR:-/tmp}/obsscale-whole.XXXXXX")"
WORLD="$OUT/world"
"$BIN" simulate --models 5000 --families 500 --seed 5 --out "$WORLD" > /dev/null

PANEL="$DATA/base_llm_benchmark_eval.csv"
TARGET='gsm8k_cot_8_exact_match,flexible-extract'
SEVEN='MMLU,ARC-C,HellaSwag,Winograd,TruthfulQA,XWinograd,HumanEval'
PAPER_FIT="fit --panel $PANEL --preset paper-2024 --target $TARGET --benchmarks $SEVEN --cutoff-flops 84 --prior none --pca-on train --loss huber --quiet"
GUIDE="select --panel $PANEL --preset paper-2024 --unit family --criterion v --no-intercept --include Llama-2 --max-families 10 --budget 4,8,12,16,20,24,28,32,36 --quiet"
LARGE="select --panel $WORLD/panel.csv --unit model --cost params --budget 2% --quiet --json $OUT/select5000.json"
WP="$PY $ROOT/Benchmarks/baseline/whole_process.py --data-dir $DATA"

# name | runs | command  → OUT/name.json (hyperfine's export)
time_it() {
    local name="$1" runs="$2"; shift 2
    hyperfine -N -w 2 -r "$runs" --export-json "$OUT/$name.json" "$*" > /dev/null 2>&1
}
time_it start "$RUNS" "$BIN --version"
time_it fit "$RUNS" "$BIN $PAPER_FIT"
time_it bootstrap "$RUNS" "$BIN $PAPER_FIT --bootstrap 1000"
time_it guide "$RUNS" "$BIN $GUIDE"
time_it large 5 "$BIN $LARGE"
time_it py-start "$RUNS" "$PY -c pass"
time_it py-imports "$RUNS" "$WP imports"
time_it py-fit "$PYRUNS" "$WP fit"
time_it py-bootstrap "$PYRUNS" "$WP bootstrap"
time_it py-guide "$PYRUNS" "$WP select"

python3 - "$OUT" <<'EOF'
import json, sys
out = sys.argv[1]
def t(name):
    r = json.load(open(f"{out}/{name}.json"))["results"][0]
    return r["mean"], r["min"], r["max"]
def ms(v):
    return f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s"
def cell(name):
    mean, lo, hi = t(name)
    return f"{ms(mean)} ({ms(lo)}–{ms(hi)})"
print("| command | obsscale | Python (whole process) | ratio |")
print("|---|---:|---:|---:|")
print(f"| process start (`--version` / `python -c pass`) | {cell('start')} | {cell('py-start')} | {t('py-start')[0] / t('start')[0]:.0f}× |")
for label, ours, theirs in [
    ("`fit`, paper setup (Huber, no prior)", "fit", "py-fit"),
    ("`fit --bootstrap 1000` (Python: Huber, L-BFGS-B)", "bootstrap", "py-bootstrap"),
    ("`select`, guide setup (exhaustive, 9 budgets)", "guide", "py-guide"),
]:
    print(f"| {label} | {cell(ours)} | {cell(theirs)} | {t(theirs)[0] / t(ours)[0]:.0f}× |")
print(f"| `select`, 5,000 models / 500 families, params, 2% | {cell('large')} | — | — |")
print(f"\nPython interpreter start plus imports (`whole_process.py imports`): {cell('py-imports')}.")
large = json.load(open(f"{out}/select5000.json"))["result"]["results"][0]
print(f"5,000-model selection: {len(large['units'])} models, certified gap {large.get('gap', float('nan')) * 100:.4f}%.")
EOF
echo
echo "(files in $OUT)"
