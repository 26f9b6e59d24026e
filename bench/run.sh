#!/usr/bin/env bash
# `make bench`: time `archbook check` against cmark-gfm alone on synthetic and real corpora.
# Run from anywhere (it cds to the repo root): bash bench/run.sh.  See bench/README.md.
#
# Environment knobs:
#   BENCH_RUNS=5             timed runs per measurement (after BENCH_WARMUP=1 warm-up run)
#   BENCH_DOCS="1000 10000"  synthetic corpus sizes
#   BENCH_EXTERNAL="../shared/corpora/rfc-rust"  real corpora (skipped with a note if absent; empty: none)
#   ARCHBOOK=.build/release/archbook             binary under test
#   ARCHBOOK_ARGS="..."      extra arguments appended to `archbook check DIR --format json --quiet`
#   BENCH_ALLOW_FAIL=1       exit 0 even when archbook could not be measured
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=bench/out
RUNS=${BENCH_RUNS:-5}
WARMUP=${BENCH_WARMUP:-1}
DOCS=${BENCH_DOCS:-"1000 10000"}
EXTERNAL=${BENCH_EXTERNAL-"../shared/corpora/rfc-rust"}
ARCHBOOK=${ARCHBOOK:-.build/release/archbook}
read -r -a ARCHBOOK_EXTRA <<<"${ARCHBOOK_ARGS:-}"
CC=${CC:-cc}
PY=${PYTHON:-python3}
START=$(date +%s)

mkdir -p "$OUT"
log() { printf '==> %s\n' "$*" >&2; }

# ---- build the baseline and the rusage launcher (rebuilt when their source changes)
build_c() {  # build_c NAME EXTRA_FLAGS...
    local name=$1; shift
    if [[ ! -x $OUT/$name || bench/$name.c -nt $OUT/$name ]]; then
        log "building $OUT/$name"
        # shellcheck disable=SC2068
        "$CC" -O2 -Wall -pthread -o "$OUT/$name" "bench/$name.c" $@
    fi
}
build_c cmark_baseline $(pkg-config --cflags --libs libcmark-gfm) -lcmark-gfm-extensions
build_c spawn_rusage

# ---- synthetic corpora (regenerated only when the generator or the size changes)
GEN_HASH=$(sha256sum bench/gen_corpus.py | cut -d' ' -f1)
CORPORA=()
for n in $DOCS; do
    dir=$OUT/corpus-$n
    stamp=$OUT/corpus-$n.stamp
    want="gen_corpus.py sha256=$GEN_HASH docs=$n"
    if [[ -d $dir && -f $stamp && $(<"$stamp") == "$want" ]]; then
        log "corpus $dir is up to date"
    else
        log "generating $dir ($n documents)"
        rm -f "$stamp"
        rm -rf "$dir"
        "$PY" bench/gen_corpus.py "$dir" --docs "$n"
        printf '%s\n' "$want" >"$stamp"
    fi
    CORPORA+=("synthetic-$n=$dir")
done
NOTES=()
for ext in $EXTERNAL; do
    if [[ -d $ext ]]; then
        CORPORA+=("$(basename "$ext")=$ext")
    else
        NOTES+=("skipped $ext: not found")
        log "skipping $ext: not found"
    fi
done

# ---- environment
# How busy the CPUs are right now (over one second; the load average would also count our own
# corpus generation and any run that just finished).
cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
if [[ -r /proc/stat ]]; then
    read -r busy0 total0 < <(cpu_ticks); sleep 1; read -r busy1 total1 < <(cpu_ticks)
    BUSY=$(( (busy1 - busy0) * 100 / (total1 - total0 > 0 ? total1 - total0 : 1) ))
else
    BUSY=0
fi
LOAD="CPUs ${BUSY}% busy before start"
if ((BUSY > 20)); then
    NOTES+=("the CPUs were ${BUSY}% busy with other work at start: timings are noisy")
    log "warning: CPUs ${BUSY}% busy with other work -- timings will be noisy"
fi
CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo "no commit")
[[ -n $(git status --porcelain -- Sources Package.swift 2>/dev/null) ]] && COMMIT+=" (uncommitted changes)"

RESULTS=$OUT/results.jsonl
: >"$RESULTS"
rm -f "$OUT"/archbook-*.stderr "$OUT"/cmark-*.stderr "$OUT"/archbook-*.json
FAILED=()

timeit() {  # timeit CORPUS DOCS BYTES TOOL OK_CODES BASELINE STDERR_FILE -- CMD...
    local corpus=$1 docs=$2 bytes=$3 tool=$4 ok=$5 base=$6 errf=$7; shift 8
    "$PY" bench/timeit.py --runs "$RUNS" --warmup "$WARMUP" --ok-codes "$ok" --save-stderr "$errf" \
        --launcher "$OUT/spawn_rusage" --label "$corpus/$tool" \
        --meta "corpus=$corpus" --meta "docs=$docs" --meta "bytes=$bytes" --meta "tool=$tool" \
        --meta "baseline=$base" -- "$@"
}
field() { "$PY" -c 'import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2], ""))' "$1" "$2"; }

for entry in "${CORPORA[@]}"; do
    name=${entry%%=*}
    dir=${entry#*=}
    list=$OUT/files-$name.txt
    find "$dir" -type f \( -name '*.md' -o -name '*.markdown' \) -print | LC_ALL=C sort >"$list"
    docs=$(wc -l <"$list")
    bytes=$(tr '\n' '\0' <"$list" | xargs -0 stat -c %s | awk '{ s += $1 } END { print s + 0 }')
    log "$name: $docs documents, $bytes bytes ($dir)"

    for threads in 2 1; do
        log "  cmark-gfm baseline, $threads thread(s)"
        r=$(timeit "$name" "$docs" "$bytes" "cmark-gfm, $threads thread$([[ $threads == 1 ]] || echo s)" 0 \
            "$([[ $threads == 2 ]] && echo 1 || echo 0)" "$OUT/cmark-$name.stderr" -- "$OUT/cmark_baseline" --threads "$threads" --list "$list")
        echo "$r" >>"$RESULTS"
        if [[ $(field "$r" ok) != True ]]; then
            FAILED+=("cmark baseline ($threads threads) on $name: $(field "$r" error)")
        fi
    done

    log "  archbook check"
    cmd=("$ARCHBOOK" check "$dir" --format json --quiet "${ARCHBOOK_EXTRA[@]}")
    if [[ -x $ARCHBOOK ]]; then
        rm -f "$OUT/archbook-$name.stderr"
        r=$(timeit "$name" "$docs" "$bytes" "archbook check" 0,1 0 "$OUT/archbook-$name.stderr" -- "${cmd[@]}")
    else
        r=$("$PY" -c 'import json,sys; print(json.dumps({"corpus": sys.argv[1], "docs": int(sys.argv[2]),
            "bytes": int(sys.argv[3]), "tool": "archbook check", "ok": False, "exit": 127,
            "error": "not found"}))' "$name" "$docs" "$bytes")
    fi
    if [[ $(field "$r" ok) != True ]]; then
        code=$(field "$r" exit)
        why=$([[ $code -ge 0 ]] && echo "exit $code" || field "$r" error)
        log "  archbook check: not available ($why)"
        head=$(field "$r" stderr_head)
        [[ -n $head ]] && printf '%s\n' "$head" | grep -v '^[[:space:]]*$' | head -n 6 | sed 's/^/      /' >&2
        [[ -s $OUT/archbook-$name.stderr ]] && log "  (full stderr: $OUT/archbook-$name.stderr)"
        FAILED+=("archbook check on $name: $why")
    elif [[ $(field "$r" exit) == 1 ]]; then
        # Keep the findings of one extra (untimed) run, to see what archbook flagged.
        report=$OUT/archbook-$name.json
        "$ARCHBOOK" check "$dir" --format json "${ARCHBOOK_EXTRA[@]}" >"$report" 2>/dev/null || true
        r=$("$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); d["report"]=sys.argv[2]; print(json.dumps(d))' "$r" "$report")
    fi
    echo "$r" >>"$RESULTS"
done

# ---- report
HEADER=$OUT/results-header.md
{
    echo "# archbook benchmark"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%MZ) · archbook $COMMIT · $(nproc) CPUs${CPU_MODEL:+ ($CPU_MODEL)} · $LOAD"
    echo "· median of $RUNS runs after $WARMUP warm-up · MB = 10^6 bytes · ratio = wall time / cmark-gfm (2 threads) wall time"
    for n in "${NOTES[@]}"; do echo; echo "- $n"; done
} >"$HEADER"
echo
"$PY" bench/report.py "$RESULTS" --markdown "$OUT/results.md" --header-file "$HEADER"
for n in "${NOTES[@]}"; do echo "note: $n"; done
echo
echo "Markdown table: $OUT/results.md  ·  raw timings: $RESULTS  ·  took $(( $(date +%s) - START )) s"

if ((${#FAILED[@]})); then
    printf 'FAILED: %s\n' "${FAILED[@]}" >&2
    [[ ${BENCH_ALLOW_FAIL:-0} == 1 ]] || exit 1
fi
