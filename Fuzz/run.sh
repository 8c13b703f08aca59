#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ and runs each for a bounded time, one after another
# (`make fuzz`; see Fuzz/README.md). Environment:
#   FUZZ_SECONDS   seconds per target (default 600)
#   FUZZ_TARGETS   which targets (default: all of them)
#   FUZZ_BUILD     scratch path of the fuzz build (default Fuzz/.build)
#   FUZZ_WORK      corpora, crash artifacts and logs (default Fuzz/.work; git-ignored)
#   FUZZ_FLAGS     extra libFuzzer flags, e.g. "-seed=1 -max_len=8192"
#   SWIFT          the swift driver (default swift)
# Exit status: 0 when every target ran clean, 1 when one found a crash, timeout or OOM (its input
# is under $FUZZ_WORK/artifacts/<target>/; reproduce with `$FUZZ_BUILD/release/<target> <file>`).
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
FUZZ_SECONDS=${FUZZ_SECONDS:-600}
FUZZ_TARGETS=${FUZZ_TARGETS:-"FuzzPanelCSV FuzzOptions FuzzLinearProgram FuzzSavedLaw FuzzMergeParts"}
FUZZ_BUILD=${FUZZ_BUILD:-Fuzz/.build}
FUZZ_WORK=${FUZZ_WORK:-Fuzz/.work}
FUZZ_FLAGS=${FUZZ_FLAGS:-}

# -sanitize=fuzzer: coverage instrumentation of every Swift module (the library included) and
# libFuzzer's main; -parse-as-library: the targets have no top-level code (libFuzzer owns main).
nice -n 10 "$SWIFT" build -c release --package-path Fuzz --scratch-path "$FUZZ_BUILD" \
    -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library -Xswiftc -swift-version -Xswiftc 6
bin="$FUZZ_BUILD/release"

failed=()
summary=()
for target in $FUZZ_TARGETS; do
    corpus="$FUZZ_WORK/corpus/$target"
    artifacts="$FUZZ_WORK/artifacts/$target"
    log="$FUZZ_WORK/logs/$target.log"
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    # The first directory is the working corpus (new inputs go there); the committed seeds and
    # regression inputs are read as extra seed directories.
    seeds=()
    for dir in "Fuzz/Corpus/$target" "Fuzz/Regressions/$target"; do
        if [ -d "$dir" ]; then seeds+=("$dir"); fi
    done
    # A target's dictionary of tokens (e.g. the parts' JSON keys), when it has one.
    dict=()
    if [ -f "Fuzz/Corpus/$target.dict" ]; then dict=(-dict="Fuzz/Corpus/$target.dict"); fi
    echo "== $target: fuzzing for ${FUZZ_SECONDS}s (log: $log)"
    status=0
    # One in-process fuzzing loop (no -jobs/-workers: that would fork a child per job), niced.
    # SWIFT_BACKTRACE=enable=no: Swift's own crash handler would otherwise take a trap's signal
    # before libFuzzer, and no crash input would be saved.
    # shellcheck disable=SC2086
    SWIFT_BACKTRACE=enable=no nice -n 10 "$bin/$target" \
        -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "${dict[@]}" $FUZZ_FLAGS "$corpus" "${seeds[@]}" >"$log" 2>&1 || status=$?
    grep -E "INITED|DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb" "$log" | sed 's/^/   /' || true
    if [ "$status" -ne 0 ]; then
        failed+=("$target")
        grep -E "ERROR: libFuzzer|Fatal error|Test unit written|SUMMARY" "$log" | sed 's/^/   /' || true
        summary+=("$target: FAILED (exit $status), see $log")
    else
        done_line=$(grep -E "DONE +cov" "$log" | tail -1 | tr -s " \t" " " || true)
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        summary+=("$target: clean, $execs executions in ${FUZZ_SECONDS}s; ${done_line}")
    fi
done

echo "== fuzz summary"
printf '   %s\n' "${summary[@]}"
if [ ${#failed[@]} -ne 0 ]; then
    echo "fuzz: ${failed[*]} found a problem; inputs are in $FUZZ_WORK/artifacts/" >&2
    exit 1
fi
