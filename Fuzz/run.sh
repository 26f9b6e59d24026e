#!/usr/bin/env bash
# Runs each libFuzzer harness for FUZZ_SECONDS with a seed corpus read at run time; fails if any input crashed or hung.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${FUZZ_BIN:?set FUZZ_BIN to the folder holding fuzz-document and fuzz-config}
SECONDS_EACH=${FUZZ_SECONDS:-60}
WORK=${FUZZ_DIR:-.fuzz}
# The shared corpora sit beside the repository in CI and on developers' machines.
SHARED=${SHARED_CORPORA:-../shared/corpora}
[ -d "$SHARED" ] || SHARED=/work/shared/corpora
mkdir -p "$WORK/corpus-document" "$WORK/corpus-site" "$WORK/corpus-config" "$WORK/seeds-config" "$WORK/crashes"

# libFuzzer writes new inputs into its first corpus folder only, so the seeds (content/, the shared corpora)
# are read in place and never changed. Config seeds are the YAML files among them, gathered here at run time.
document_seeds=(content)
[ -d "$SHARED" ] && document_seeds+=("$SHARED")
find content Tests "${document_seeds[@]:1}" \( -name '*.yml' -o -name '*.yaml' \) -type f 2>/dev/null |
    while read -r f; do cp "$f" "$WORK/seeds-config/$(printf '%s' "$f" | md5sum | cut -c1-16).yml"; done

status=0
run() {
    local harness=$1; shift
    local log="$WORK/$harness.log"
    echo "fuzz: $harness for ${SECONDS_EACH}s (log $log)"
    ARCHBOOK_THEME_DIR=themes/default "$BIN/$harness" -max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=4096 \
        -max_len=32768 -print_final_stats=1 -artifact_prefix="$WORK/crashes/$harness-" "$@" >"$log" 2>&1
    local rc=$?
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$log" | sed "s/^/fuzz: $harness: /"
    grep -E '^#[0-9]+.*(DONE|pulse)' "$log" | tail -1 | sed "s/^/fuzz: $harness: /"
    if [ $rc -ne 0 ]; then
        status=1
        echo "fuzz: $harness FAILED (exit $rc): see $log; crash inputs:" >&2
        ls "$WORK/crashes/$harness-"* >&2 2>/dev/null
        echo "fuzz: copy each into Tests/ArchbookCoreTests/FuzzRegressions/${harness#fuzz-}/ (make test replays them), then fix" >&2
    fi
}
run fuzz-document "$WORK/corpus-document" "${document_seeds[@]}"
run fuzz-site "$WORK/corpus-site" "${document_seeds[@]}"
run fuzz-config "$WORK/corpus-config" "$WORK/seeds-config"
exit $status
