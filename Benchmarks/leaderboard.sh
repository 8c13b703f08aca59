#!/usr/bin/env bash
# Whole-process timings on the Open LLM Leaderboard exports (BENCHMARKS.md "Leaderboard exports"):
# columns, pca, fit and select on the v1 export (7,169 rows) with the README's options, pca on the
# v2 export, and the imputation of all 12 benchmarks of the block-missing v1/v2 merge (9,446 rows).
# hyperfine (apt-get install hyperfine), means and ranges of RUNS runs after 1 warm-up.
#
#   Benchmarks/leaderboard.sh        # BIN=.build/release/obsscale, RUNS=10
#
# The exports are read from $OBSSCALE_LEADERBOARD_DIR, else the `oll` folder beside
# $OBSSCALE_DATA_DIR (the workspace keeps both under shared/data/).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${BIN:-$ROOT/.build/release/obsscale}"
DATA="${OBSSCALE_DATA_DIR:-$ROOT/data/obsscaling}"
OLL="${OBSSCALE_LEADERBOARD_DIR:-$(dirname "$DATA")/oll}"
RUNS="${RUNS:-10}"
[ -x "$BIN" ] || swift build -c release --package-path "$ROOT" >&2
V1="$OLL/open_llm_leaderboard_v1.csv"
V2="$OLL/open_llm_leaderboard_v2.csv"
MERGED="$OLL/v1_v2_merged.csv"
OPTIONS="--family-from org --exclude-column-false Flagged --duplicates first --score-scale percent"
OUT="$(mktemp -d "${TMPDIR:-/tmp}/obsscale-leaderboard.XXXXXX")"
ALL12="arc,hellaswag,mmlu,truthfulqa,winogrande,gsm8k,ifeval,bbh,math,mmlu-pro,gpqa,musr"

run() {
    local name="$1"; shift
    hyperfine -N -w 1 -r "$RUNS" --export-json "$OUT/$name.json" "$*" > /dev/null 2>&1
    python3 - "$OUT/$name.json" "$name" <<'EOF'
import json, sys
result = json.load(open(sys.argv[1]))["results"][0]
print(f"| {sys.argv[2]} | {result['mean'] * 1000:.0f} ms | {result['min'] * 1000:.0f}–{result['max'] * 1000:.0f} ms |")
EOF
}

echo "| command | mean | range |"
echo "|---|---:|---:|"
run "v1: columns" "$BIN columns --panel $V1 $OPTIONS --quiet"
run "v1: pca" "$BIN pca --panel $V1 $OPTIONS --quiet"
run "v1: fit --target GSM8K (the other five as capabilities)" \
    "$BIN fit --panel $V1 $OPTIONS --target GSM8K --benchmarks ARC,HellaSwag,MMLU,TruthfulQA,Winogrande --quiet"
run "v1: select --cost params --budget 1%" "$BIN select --panel $V1 $OPTIONS --cost params --budget 1% --quiet"
run "v2: pca (raw scores)" \
    "$BIN pca --panel $V2 --model-column fullname --family-column Base_Model --duplicates first --benchmarks IFEval_Raw,BBH_Raw,MATH_Lvl_5_Raw,GPQA_Raw,MUSR_Raw,MMLU-PRO_Raw --quiet"
run "merge: pca, 12 benchmarks imputed" "$BIN pca --panel $MERGED --duplicates mean --family-from model --benchmarks $ALL12 --quiet"
"$BIN" pca --panel "$MERGED" --duplicates mean --family-from model --benchmarks "$ALL12" | grep '^Imputation'
"$BIN" select --panel "$V1" $OPTIONS --cost params --budget 1% | grep -E '^[0-9.]+ +[0-9]' | sed 's/^/v1 select: /'
