#!/usr/bin/env bash
# The stress runs of BENCHMARKS.md: a synthetic panel of 10,000 models in 500 families, then pca,
# fit with 1,000 bootstrap replicates (fixed and refitted capabilities), a model-level selection
# under a parameter-count budget, the 5,000-model / 500-family selection at 2% of the pool's
# parameters, and validate on 3 budgets — each timed as a whole process with its peak resident
# memory (/usr/bin/time). Prints a markdown table.
#
#   Benchmarks/stress.sh            # OUT=dir keeps the files (default: a new /tmp folder)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SWIFT="${SWIFT:-swift}"
OUT="${OUT:-$(mktemp -d /tmp/obsscale-stress.XXXXXX)}"
mkdir -p "$OUT"
"$SWIFT" build -c release >&2
BIN="$("$SWIFT" build -c release --show-bin-path)/obsscale"
step=0
run() {
    local name="$1"; shift
    step=$((step + 1))
    /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$BIN" "$@" > "$OUT/step-$step.log" 2>&1
    read -r seconds kilobytes < "$OUT/time.txt"
    printf '| %s | %s s | %s MB |\n' "$name" "$seconds" "$((kilobytes / 1024))"
}
P="$OUT/world/panel.csv"
echo "| step | wall time | peak memory |"
echo "|---|---:|---:|"
run "simulate 10,000 models / 500 families" simulate --models 10000 --families 500 --seed 7 --out "$OUT/world"
run "pca" pca --panel "$P" --quiet --json "$OUT/pca.json"
run "fit --bootstrap 1000" fit --panel "$P" --target 'task_emergent,accuracy' --cutoff-flops 10 --reference-family Family-01 \
    --bootstrap 1000 --quiet --json "$OUT/fit.json" --html "$OUT/fit.html"
run "fit --bootstrap 1000 --refit-pca --pca-on train" fit --panel "$P" --target 'task_emergent,accuracy' --cutoff-flops 10 \
    --reference-family Family-01 --bootstrap 1000 --refit-pca --pca-on train --quiet --json "$OUT/fit-refit.json"
run "select --unit model --cost params --budget 1%" select --panel "$P" --unit model --cost params --budget 1% \
    --time-limit 20 --quiet --json "$OUT/select.json"
run "simulate 5,000 models / 500 families" simulate --models 5000 --families 500 --seed 5 --out "$OUT/world5000"
run "select, 5,000 models, --cost params --budget 2%" select --panel "$OUT/world5000/panel.csv" --unit model --cost params \
    --budget 2% --quiet --json "$OUT/select5000.json"
run "validate, 2 targets, budgets 50/100/200" validate --panel "$P" --target 'task_smooth,accuracy' \
    --target 'task_emergent,accuracy' --cutoff-flops 10 --budget 50,100,200 --method greedy:model,exchange:model \
    --random 5 --quiet --json "$OUT/validate.json"
echo
echo "(files in $OUT)"
