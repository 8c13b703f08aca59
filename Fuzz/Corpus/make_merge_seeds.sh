#!/usr/bin/env bash
# Writes the seeds of FuzzMergeParts (Fuzz/Corpus/FuzzMergeParts/): real parts of small fit, select
# and validate runs on a 9-model simulated panel, each seed the NUL-joined part files of one run
# (complete sets, an incomplete one, and single parts). Usage: Fuzz/Corpus/make_merge_seeds.sh [OBSSCALE]
# (default .build/debug/obsscale). Paths inside the parts are relative (panel.csv), so the seeds
# hold nothing of the machine that wrote them.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "${1:-.build/debug/obsscale}")
out=$(realpath Fuzz/Corpus/FuzzMergeParts)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$bin" simulate --families 3 --models-per-family 3 --missing-rate 0 --seed 3 --out . --quiet
fit=(fit --panel panel.csv --target 'task_smooth,accuracy' --reference-family Family-01 --bootstrap 4 --seed 1 --quiet)
"$bin" "${fit[@]}" --cutoff-flops 5 --at-flops 50 --shard 0/2 --json fit-0.json
"$bin" "${fit[@]}" --cutoff-flops 5 --at-flops 50 --shard 1/2 --json fit-1.json
"$bin" "${fit[@]}" --replicates 1..3 --json fit-notest.json
select=(select --panel panel.csv --budget 4,6 --method greedy --bootstrap 3 --seed 2 --quiet)
"$bin" "${select[@]}" --replicates 0..1 --json select-0.json
"$bin" "${select[@]}" --replicates 2..2 --json select-1.json
validate=(validate --simulate 2 --sim-families 4 --sim-models-per-family 3 --cutoff-flops 10 --budget 4 --random 1 --bootstrap 3 --seed 4 --quiet)
"$bin" "${validate[@]}" --shard 0/2 --json validate-0.json
"$bin" "${validate[@]}" --shard 1/2 --json validate-1.json
join() { local first=1; for file in "$@"; do if [ $first = 0 ]; then printf '\0'; fi; cat "$file"; first=0; done; }
join fit-0.json fit-1.json >"$out/fit-complete.json"
join fit-1.json >"$out/fit-incomplete.json"
cp fit-notest.json "$out/fit-no-test-models.json"
join select-1.json select-0.json >"$out/select-complete.json"
join validate-0.json validate-1.json >"$out/validate-complete.json"
ls -l "$out"
