#!/usr/bin/env bash
# make check-report: build the release binary, write the HTML report of `fit`, `select`,
# `validate`, `pca`, `efficiency`, `fit --compare-predictors` and `compare` (--html), check each in
# headless Chromium with scripts/check_report.py (every chart present, non-empty, no
# NaN/Infinity/undefined anywhere) and save the screenshots in docs/screenshots/
# ({fit,select,validate,pca,efficiency,predictors,compare}.png). Two edge cases are checked but not screenshotted: a
# tiny panel with one model per family, and a 5,000-model synthetic panel.
#
# The reports use the public panel in $DATA_DIR (default $OBSSCALE_DATA_DIR, else data/obsscaling,
# where obsscale data fetch puts it) with the
# paper's setup; without it they fall back to the shipped synthetic panel (data/synthetic).
# Environment: SWIFT, BUILD_FLAGS, DATA_DIR, PYTHON, CHROMIUM, CHECK_REPORT_NO_BUILD=1 (use the
# existing .build/release/obsscale), CHECK_REPORT_KEEP=1 (keep the temporary folder).
# Screenshots are replaced only when every check passes.
set -euo pipefail

cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
BUILD_FLAGS=${BUILD_FLAGS:-}
DATA_DIR=${DATA_DIR:-${OBSSCALE_DATA_DIR:-data/obsscaling}}
PYTHON=${PYTHON:-python3}
SHOTS=docs/screenshots
BIN=.build/release/obsscale
CHECK="$PYTHON scripts/check_report.py"

if [ -z "${CHECK_REPORT_NO_BUILD:-}" ]; then
    # shellcheck disable=SC2086
    "$SWIFT" build -c release $BUILD_FLAGS
fi
[ -x "$BIN" ] || { echo "check-report: $BIN is missing (run make release)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/check-report.XXXXXX")
if [ -z "${CHECK_REPORT_KEEP:-}" ]; then trap 'rm -rf "$WORK"' EXIT; fi
failed=()

# run NAME COMMAND…: one obsscale run (its output in $WORK/NAME.log); false when it fails
run() {
    local name=$1; shift
    echo "== $name: obsscale $*"
    if ! "$BIN" "$@" --quiet >"$WORK/$name.log" 2>&1; then
        echo "FAIL $name: obsscale exited with an error:"; tail -n 20 "$WORK/$name.log" | sed 's/^/     /'
        failed+=("$name (obsscale)")
        return 1
    fi
}

# check NAME MIN_CHARTS [SCREENSHOT]: the checker on $WORK/NAME.html
check() {
    local name=$1 min=$2 shot=${3:-}
    local args=(--min-charts "$min")
    [ -n "$shot" ] && args+=(--screenshot "$WORK/shots/$shot")
    if ! $CHECK "$WORK/$name.html" "${args[@]}"; then failed+=("$name"); fi
}

PANEL="$DATA_DIR/base_llm_benchmark_eval.csv"
if [ -f "$PANEL" ]; then
    echo "check-report: public panel $PANEL (preset paper-2024)"
    BENCH=MMLU,ARC-C,HellaSwag,Winograd,TruthfulQA,XWinograd,HumanEval
    BUDGETS=4,8,12,16,20,24,28,32,36
    run fit fit --panel "$PANEL" --preset paper-2024 --target 'gsm8k_cot_8_exact_match,flexible-extract' \
        --benchmarks "$BENCH" --cutoff-flops 84 --bootstrap 1000 --html "$WORK/fit.html" &&
        check fit 3 fit.png
    run select select --panel "$PANEL" --preset paper-2024 --unit family --include Llama-2 --max-families 10 \
        --budget "$BUDGETS" --bootstrap 200 --html "$WORK/select.html" &&
        check select 3 select.png
    run validate validate --panel "$PANEL" --preset paper-2024 --benchmarks "$BENCH" \
        --select-benchmarks MMLU,ARC-C,HellaSwag,Winograd,TruthfulQA,GSM8K,XWinograd,HumanEval \
        --drop-incomplete --max-families 10 --cutoff-flops 84 --budget "$BUDGETS" \
        --target 'gsm8k_5_exact_match,flexible-extract' --target 'gsm8k_cot_8_exact_match,flexible-extract' \
        --target 'gsm8k_cot_self_consistency_8_exact_match,maj@5-flexible-extract' \
        --method exhaustive,exchange:model --html "$WORK/validate.html" &&
        check validate 1 validate.png
    run pca pca --panel "$PANEL" --preset paper-2024 --html "$WORK/pca.html" && check pca 1 pca.png
    run efficiency efficiency --panel "$PANEL" --preset paper-2024 --html "$WORK/efficiency.html" &&
        check efficiency 3 efficiency.png
    run predictors fit --panel "$PANEL" --preset paper-2024 --benchmarks "$BENCH" --cutoff-flops 22 \
        --target arithmetic_3ds_2_acc --prior none --pca-on train --compare-predictors --html "$WORK/predictors.html" &&
        check predictors 4 predictors.png
    run compare compare --panel "$PANEL" --preset paper-2024 --benchmarks "$BENCH" --cutoff-flops 84 \
        --target 'gsm8k_5_exact_match,flexible-extract' --target 'gsm8k_cot_8_exact_match,flexible-extract' \
        --target 'gsm8k_cot_self_consistency_8_exact_match,maj@5-flexible-extract' --prior none --by-family \
        --bootstrap 200 --html "$WORK/compare.html" &&
        check compare 5 compare.png
else
    PANEL=data/synthetic/panel.csv
    echo "check-report: $DATA_DIR not found; using the synthetic panel $PANEL"
    run fit fit --panel "$PANEL" --target 'task_emergent,accuracy' --cutoff-flops 10 --reference-family Family-01 \
        --bootstrap 1000 --html "$WORK/fit.html" &&
        check fit 3 fit.png
    run select select --panel "$PANEL" --budget 10,20,30 --max-families 6 --bootstrap 100 \
        --html "$WORK/select.html" &&
        check select 3 select.png
    run validate validate --panel "$PANEL" --target 'task_smooth,accuracy' --target 'task_emergent,accuracy' \
        --cutoff-flops 10 --budget 10,20,30 --method exhaustive,exchange:model --max-families 8 \
        --html "$WORK/validate.html" &&
        check validate 1 validate.png
    run pca pca --panel "$PANEL" --html "$WORK/pca.html" && check pca 1 pca.png
    run efficiency efficiency --panel "$PANEL" --html "$WORK/efficiency.html" && check efficiency 3 efficiency.png
    run predictors fit --panel "$PANEL" --target 'task_emergent,accuracy' --cutoff-flops 10 --reference-family Family-01 \
        --compare-predictors --html "$WORK/predictors.html" && check predictors 4 predictors.png
    run compare compare --panel "$PANEL" --downstream data/synthetic/targets.csv --target 'task_smooth,accuracy' \
        --target 'task_emergent,accuracy' --reference-family Family-01 --by-family --bootstrap 100 \
        --html "$WORK/compare.html" && check compare 5 compare.png
fi

# Edge case 1: a tiny panel, one model per family (equivalent FLOPs unavailable; budget 2 is infeasible).
TINY="$WORK/tiny"
run tiny-simulate simulate --families 12 --models-per-family 1 --seed 7 --out "$TINY" && {
    run tiny-fit fit --panel "$TINY/panel.csv" --target 'task_emergent,accuracy' --cutoff-flops 10 \
        --reference-family Family-01 --bootstrap 50 --html "$WORK/tiny-fit.html" && check tiny-fit 1
    run tiny-select select --panel "$TINY/panel.csv" --budget 4,5,8 --bootstrap 20 \
        --html "$WORK/tiny-select.html" && check tiny-select 1
    run tiny-validate validate --panel "$TINY/panel.csv" --target 'task_emergent,accuracy' --cutoff-flops 10 \
        --budget 2,5,7,9 --max-families 12 --html "$WORK/tiny-validate.html" && check tiny-validate 1
}

# Edge case 2: 5,000 models in 100 families (simulate names them Family-01 … Family-100).
BIG="$WORK/big"
run big-simulate simulate --models 5000 --families 100 --seed 3 --out "$BIG" &&
    run big-fit fit --panel "$BIG/panel.csv" --downstream "$BIG/targets.csv" --target 'task_emergent,accuracy' \
        --cutoff-flops 10 --reference-family Family-01 --bootstrap 100 --html "$WORK/big-fit.html" &&
    check big-fit 1

if [ ${#failed[@]} -gt 0 ]; then
    echo "check-report: FAILED: ${failed[*]} (reports and screenshots kept in $WORK)"
    trap - EXIT
    exit 1
fi
mkdir -p "$SHOTS"
for shot in fit select validate pca efficiency predictors compare; do cp "$WORK/shots/$shot.png" "$SHOTS/"; done
echo "check-report: all reports pass; screenshots in $SHOTS/ (fit, select, validate, pca, efficiency, predictors, compare .png)"
