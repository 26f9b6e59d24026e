#!/usr/bin/env bash
# `make bench`: time `archbook check` against cmark-gfm alone, and `archbook build` against Hugo, on
# synthetic and real corpora.  Run from anywhere (it cds to the repo root): bash bench/run.sh.
# See bench/README.md.
#
# Environment knobs:
#   BENCH_RUNS=5             timed runs per measurement (after BENCH_WARMUP=1 warm-up run)
#   BENCH_DOCS="1000 10000"  synthetic corpus sizes
#   BENCH_EXTERNAL="../shared/corpora/rfc-rust"  real corpora (skipped with a note if absent; empty: none)
#   BENCH_HUGO=1             time Hugo on the same corpora (installs Debian's hugo if missing); 0: skip
#   ARCHBOOK=.build/release/archbook             binary under test
#   ARCHBOOK_ARGS="..."      extra arguments appended to `archbook check|build DIR ... --format json --quiet`
#   BENCH_SEARCH=1           the search part: build without search, index size, bytes per query, latency in
#                            headless Chromium (installs Debian's chromium + chromium-driver and a venv in
#                            bench/out/search-venv when missing); 0: skip it
#   BENCH_PAGEFIND=1         compare with Pagefind (PyPI pagefind[bin]) on the same built site; 0: skip
#   BENCH_PAGEFIND_RUNS=1    timed Pagefind indexing runs (no warm-up; it is slow on 10,000 pages)
#   BENCH_SEARCH_QUERY=...   the "typical query" whose bytes are counted (default: kafka on the synthetic
#                            corpora, closure on rfc-rust; see bench/search_bench.py)
#   BENCH_RENDER_FLOOR=1     the render floor: cmark-gfm parsing, rendering and writing every file on 2 threads; 0: skip
#   BENCH_INCREMENTAL=1      `archbook build` again after one document's text changed (private copy of the corpus); 0: skip
#   BENCH_SERVE=1            `archbook serve`: time from saving one document to the page's reload event; 0: skip
#   BENCH_SERVE_EDITS=N      edits timed by the serve row (default: BENCH_RUNS, at least 5)
#   BENCH_HUGO_PAGEFIND=1    Hugo and then Pagefind on Hugo's output, as one timed command (BENCH_PAGEFIND_RUNS
#                            runs; needs Hugo and the search part's Pagefind); 0: skip
#   BENCH_ALLOW_FAIL=1       exit 0 even when archbook could not be measured
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=bench/out
RUNS=${BENCH_RUNS:-5}
WARMUP=${BENCH_WARMUP:-1}
DOCS=${BENCH_DOCS:-"1000 10000"}
EXTERNAL=${BENCH_EXTERNAL-"../shared/corpora/rfc-rust"}
ARCHBOOK=${ARCHBOOK:-.build/release/archbook}
HUGO_ON=${BENCH_HUGO:-1}
SEARCH_ON=${BENCH_SEARCH:-1}
PAGEFIND_ON=${BENCH_PAGEFIND:-1}
PAGEFIND_RUNS=${BENCH_PAGEFIND_RUNS:-1}
RENDER_ON=${BENCH_RENDER_FLOOR:-1}
INCREMENTAL_ON=${BENCH_INCREMENTAL:-1}
SERVE_ON=${BENCH_SERVE:-1}
SERVE_EDITS=${BENCH_SERVE_EDITS:-$(( RUNS > 5 ? RUNS : 5 ))}
HUGO_PF_ON=${BENCH_HUGO_PAGEFIND:-1}
# Pinned as verified (bench/README.md, "Search").
SEARCH_PIP=(selenium==4.51.0)
PAGEFIND_PIP=("pagefind[bin]==1.5.2")
BROWSER_APT=(chromium chromium-driver fonts-dejavu-core)
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

# ---- Hugo (Debian's package), the reference for `archbook build`
HUGO_VERSION=""
if [[ $HUGO_ON == 0 ]]; then
    NOTES+=("Hugo skipped (BENCH_HUGO=0)")
else
    if ! command -v hugo >/dev/null 2>&1; then
        log "installing Debian's hugo (log: $OUT/hugo-install.log)"
        SUDO=()
        if [[ $(id -u) != 0 ]]; then
            # Ask for a password only when someone can type it.
            if [[ -t 0 ]]; then SUDO=(sudo); else SUDO=(sudo -n); fi
        fi
        if ! { "${SUDO[@]}" apt-get update -q &&
               DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -q --no-install-recommends hugo; } \
               >"$OUT/hugo-install.log" 2>&1; then
            log "could not install hugo (see $OUT/hugo-install.log)"
        fi
    fi
    if command -v hugo >/dev/null 2>&1; then
        HUGO_VERSION=$(hugo version 2>/dev/null | awk '{ print $2; exit }')
        HUGO_VERSION=${HUGO_VERSION:-unknown version}
    else
        NOTES+=("Hugo rows skipped: hugo is not installed and \`apt-get install hugo\` failed (see $OUT/hugo-install.log)")
    fi
fi

# ---- search: headless Chromium (Debian) and a venv with Selenium and Pagefind, for bench/search_bench.py
SEARCH_PY=""
PAGEFIND_VERSION=""
SEARCH_JSONL=$OUT/search.jsonl
: >"$SEARCH_JSONL"
rm -f "$OUT"/search-*.json "$OUT"/search-*.stderr "$OUT"/pagefind-*.stderr
if [[ $SEARCH_ON == 0 ]]; then
    NOTES+=("search part skipped (BENCH_SEARCH=0)")
else
    if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
        log "installing Debian's ${BROWSER_APT[*]} (log: $OUT/search-install.log)"
        SUDO=()
        if [[ $(id -u) != 0 ]]; then
            if [[ -t 0 ]]; then SUDO=(sudo); else SUDO=(sudo -n); fi
        fi
        { "${SUDO[@]}" apt-get update -q &&
          DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${BROWSER_APT[@]}"; } \
          >"$OUT/search-install.log" 2>&1 || log "could not install chromium (see $OUT/search-install.log)"
    fi
    venv=$OUT/search-venv
    want="${SEARCH_PIP[*]} ${PAGEFIND_PIP[*]}"
    if [[ ! -x $venv/bin/python || ! -f $venv/.installed || $(<"$venv/.installed") != "$want" ]]; then
        log "creating $venv ($want; log: $OUT/search-install.log)"
        rm -rf "$venv"
        if { "$PY" -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check "${SEARCH_PIP[@]}"; } \
               >>"$OUT/search-install.log" 2>&1; then
            # Pagefind is optional: without it the archbook figures are still measured.
            "$venv/bin/pip" install -q --disable-pip-version-check "${PAGEFIND_PIP[@]}" >>"$OUT/search-install.log" 2>&1 \
                && printf '%s\n' "$want" >"$venv/.installed"
        fi
    fi
    if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
        NOTES+=("search in the browser skipped: chromium/chromedriver are not installed (see $OUT/search-install.log)")
    elif [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c 'import selenium' 2>/dev/null; then
        NOTES+=("search in the browser skipped: could not install Selenium into $venv (see $OUT/search-install.log)")
    else
        SEARCH_PY=$venv/bin/python
        if [[ $PAGEFIND_ON == 0 ]]; then
            NOTES+=("Pagefind skipped (BENCH_PAGEFIND=0)")
        elif PAGEFIND_VERSION=$("$SEARCH_PY" -m pagefind --version 2>/dev/null | awk '{ print $2; exit }') && [[ -n $PAGEFIND_VERSION ]]; then
            :
        else
            PAGEFIND_VERSION=""
            NOTES+=("Pagefind skipped: \`pip install ${PAGEFIND_PIP[*]}\` failed (see $OUT/search-install.log)")
        fi
    fi
fi

# ---- the other new parts: say up front what is skipped and why
[[ $RENDER_ON == 0 ]] && NOTES+=("render floor skipped (BENCH_RENDER_FLOOR=0)")
[[ $INCREMENTAL_ON == 0 ]] && NOTES+=("incremental rebuild skipped (BENCH_INCREMENTAL=0)")
[[ $SERVE_ON == 0 ]] && NOTES+=("serve edit-to-reload latency skipped (BENCH_SERVE=0)")
HUGO_PF_READY=0
if [[ $HUGO_PF_ON == 0 ]]; then
    NOTES+=("hugo + pagefind skipped (BENCH_HUGO_PAGEFIND=0)")
elif [[ -z $HUGO_VERSION ]]; then
    [[ $HUGO_ON == 0 ]] || NOTES+=("hugo + pagefind skipped: no Hugo")
elif [[ -z $PAGEFIND_VERSION ]]; then
    NOTES+=("hugo + pagefind skipped: Pagefind is not available (it comes with the search part: BENCH_SEARCH=1 and BENCH_PAGEFIND=1, installed into $OUT/search-venv)")
else
    HUGO_PF_READY=1
fi

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
rm -f "$OUT"/archbook-*.stderr "$OUT"/cmark-*.stderr "$OUT"/hugo-*.stderr "$OUT"/archbook-*.json
FAILED=()

timeit() {  # timeit CORPUS DOCS BYTES TOOL OK_CODES BASELINE STDERR_FILE [TIMEIT_OPTION...] -- CMD...
    local corpus=$1 docs=$2 bytes=$3 tool=$4 ok=$5 base=$6 errf=$7; shift 7
    local opts=()
    while [[ $1 != -- ]]; do opts+=("$1"); shift; done
    shift
    "$PY" bench/timeit.py --runs "$RUNS" --warmup "$WARMUP" --ok-codes "$ok" --save-stderr "$errf" \
        --launcher "$OUT/spawn_rusage" --label "$corpus/$tool" \
        --meta "corpus=$corpus" --meta "docs=$docs" --meta "bytes=$bytes" --meta "tool=$tool" \
        --meta "baseline=$base" "${opts[@]}" -- "$@"
}
field() { "$PY" -c 'import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2], ""))' "$1" "$2"; }
# with_field JSON KEY VALUE: the JSON object with one more field (a string)
with_field() { "$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); d[sys.argv[2]]=sys.argv[3]; print(json.dumps(d))' "$@"; }
unavailable() {  # unavailable CORPUS DOCS BYTES TOOL ERROR [EXIT]: the JSON of a tool that could not run at all
    # (EXIT defaults to 127, "not found"; -1 shows ERROR instead of an exit code)
    "$PY" -c 'import json,sys; print(json.dumps({"corpus": sys.argv[1], "docs": int(sys.argv[2]),
        "bytes": int(sys.argv[3]), "tool": sys.argv[4], "ok": False, "exit": int(sys.argv[6]), "error": sys.argv[5]}))' \
        "$1" "$2" "$3" "$4" "$5" "${6:-127}"
}
# explain_failure JSON TOOL CORPUS STDERR_FILE: log why a measurement failed; prints "exit N" or the error
explain_failure() {
    local r=$1 tool=$2 corpus=$3 errf=$4 code why head
    code=$(field "$r" exit)
    why=$([[ $code -ge 0 ]] && echo "exit $code" || field "$r" error)
    log "  $tool: not available ($why)"
    head=$(field "$r" stderr_head)
    [[ -n $head ]] && printf '%s\n' "$head" | grep -v '^[[:space:]]*$' | head -n 6 | sed 's/^/      /' >&2
    [[ -s $errf ]] && log "  (full stderr: $errf)"
    echo "$why"
}
# tree_size DIR: "FILES BYTES" of what a tool wrote
tree_size() { find "$1" -type f -printf '%s\n' 2>/dev/null | awk '{ n++; s += $1 } END { print n + 0, s + 0 }'; }

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
    # The same baseline with the allocator the archbook executable links (informational, not a baseline).
    MIMALLOC_SO=/usr/lib/x86_64-linux-gnu/libmimalloc.so.2
    if [[ -f $MIMALLOC_SO ]]; then
        log "  cmark-gfm baseline, 2 threads, mimalloc"
        r=$(timeit "$name" "$docs" "$bytes" "cmark-gfm, 2 threads, mimalloc" 0 0 "$OUT/cmark-$name.stderr" \
            -- env LD_PRELOAD="$MIMALLOC_SO" "$OUT/cmark_baseline" --threads 2 --list "$list")
        echo "$r" >>"$RESULTS"
    fi
    mkdir -p "$OUT/build-$name"

    # -- the render floor: cmark-gfm parsing, rendering and writing every file on 2 threads, into a folder
    # emptied before every run (untimed)
    if [[ $RENDER_ON != 0 ]]; then
        log "  cmark-gfm render floor, 2 threads"
        errf=$OUT/cmark-render-$name.stderr
        rdir=$OUT/build-$name/cmark-render
        r=$(timeit "$name" "$docs" "$bytes" "cmark-gfm render+write, 2 threads" 0 0 "$errf" --meta render_floor=1 \
            --clean "$rdir" -- "$OUT/cmark_baseline" --threads 2 --render "$rdir" --list "$list")
        if [[ $(field "$r" ok) != True ]]; then
            FAILED+=("cmark render floor on $name: $(explain_failure "$r" "cmark-gfm render+write" "$name" "$errf")")
        else
            read -r files outbytes < <(tree_size "$rdir")
            r=$(with_field "$r" out_files "$files")
            r=$(with_field "$r" out_bytes "$outbytes")
        fi
        echo "$r" >>"$RESULTS"
    fi

    # -- archbook check
    log "  archbook check"
    errf=$OUT/archbook-$name.stderr
    report=$OUT/archbook-$name.json
    cmd=("$ARCHBOOK" check "$dir" --format json --quiet "${ARCHBOOK_EXTRA[@]}")
    if [[ -x $ARCHBOOK ]]; then
        r=$(timeit "$name" "$docs" "$bytes" "archbook check" 0,1 0 "$errf" -- "${cmd[@]}")
    else
        r=$(unavailable "$name" "$docs" "$bytes" "archbook check" "not found")
    fi
    if [[ $(field "$r" ok) != True ]]; then
        FAILED+=("archbook check on $name: $(explain_failure "$r" "archbook check" "$name" "$errf")")
    elif [[ $(field "$r" exit) == 1 ]]; then
        # Keep the findings of one extra (untimed) run, to see what archbook flagged.
        "$ARCHBOOK" check "$dir" --format json "${ARCHBOOK_EXTRA[@]}" >"$report" 2>/dev/null || true
        r=$(with_field "$r" report "$report")
    fi
    echo "$r" >>"$RESULTS"

    # -- archbook build: a full build next to the previous run's site, as a user's rebuild is: it takes the
    # spare site (.archbook-cache/NAME.spare/, the site replaced before) as its working folder, overwrites it
    # in place and swaps it in; the site it replaces becomes the next spare.
    # The build cache (.archbook-cache/NAME.manifest, NAME.bodies, NAME.bodies-index, NAME.documents, NAME.detection and
    # NAME.search beside the site) is removed before every run, untimed: with it, every run after the first would reuse
    # all pages, bodies, documents and search terms of the previous one.
    log "  archbook build"
    errf=$OUT/archbook-build-$name.stderr
    site=$OUT/build-$name/archbook
    rm -rf "$site"
    cmd=("$ARCHBOOK" build "$dir" -o "$site" --format json --quiet "${ARCHBOOK_EXTRA[@]}")
    if [[ -x $ARCHBOOK ]]; then
        r=$(timeit "$name" "$docs" "$bytes" "archbook build" 0,1 0 "$errf" --meta vs_hugo=1 --meta vs_hugo_pf=1 \
            --clean "$OUT/build-$name/.archbook-cache/archbook.manifest" \
            --clean "$OUT/build-$name/.archbook-cache/archbook.bodies" --clean "$OUT/build-$name/.archbook-cache/archbook.bodies-index" --clean "$OUT/build-$name/.archbook-cache/archbook.documents" --clean "$OUT/build-$name/.archbook-cache/archbook.detection" \
            --clean "$OUT/build-$name/.archbook-cache/archbook.search" -- "${cmd[@]}")
    else
        r=$(unavailable "$name" "$docs" "$bytes" "archbook build" "not found")
    fi
    if [[ $(field "$r" ok) != True ]]; then
        FAILED+=("archbook build on $name: $(explain_failure "$r" "archbook build" "$name" "$errf")")
    else
        read -r files outbytes < <(tree_size "$site")
        r=$(with_field "$r" out_files "$files")
        r=$(with_field "$r" out_bytes "$outbytes")
        if [[ $(field "$r" exit) == 1 && -f $report ]]; then
            r=$(with_field "$r" report "$report")
        fi
    fi
    echo "$r" >>"$RESULTS"

    # -- archbook build, new output: the same into a folder that does not exist, with no cache and no spare
    # (all removed before every run, untimed), as Hugo's and the render floor's runs are (CI's case too).
    log "  archbook build, new output"
    errf=$OUT/archbook-build-new-$name.stderr
    newsite=$OUT/build-$name/archbook-new
    cmd=("$ARCHBOOK" build "$dir" -o "$newsite" --format json --quiet "${ARCHBOOK_EXTRA[@]}")
    if [[ -x $ARCHBOOK ]]; then
        r=$(timeit "$name" "$docs" "$bytes" "archbook build, new output" 0,1 0 "$errf" --meta vs_hugo=1 --meta vs_hugo_pf=1 \
            --clean "$newsite" --clean "$OUT/build-$name/.archbook-cache/archbook-new.manifest" \
            --clean "$OUT/build-$name/.archbook-cache/archbook-new.bodies" --clean "$OUT/build-$name/.archbook-cache/archbook-new.bodies-index" --clean "$OUT/build-$name/.archbook-cache/archbook-new.documents" --clean "$OUT/build-$name/.archbook-cache/archbook-new.detection" \
            --clean "$OUT/build-$name/.archbook-cache/archbook-new.spare" -- "${cmd[@]}")
    else
        r=$(unavailable "$name" "$docs" "$bytes" "archbook build, new output" "not found")
    fi
    if [[ $(field "$r" ok) != True ]]; then
        FAILED+=("archbook build, new output on $name: $(explain_failure "$r" "archbook build" "$name" "$errf")")
    fi
    echo "$r" >>"$RESULTS"

    # -- search: the same build with `site: search: false` (what the index costs), Pagefind indexing the
    # built site, then index size, bytes per query and latency in headless Chromium.
    if [[ $SEARCH_ON != 0 ]]; then
        log "  archbook build, no search"
        errf=$OUT/archbook-build-nosearch-$name.stderr
        offcfg=$OUT/search-off-$name.yml
        "$PY" bench/search_bench.py config "$dir" "$offcfg"
        offsite=$OUT/build-$name/archbook-nosearch
        rm -rf "$offsite"
        cmd=("$ARCHBOOK" build "$dir" -o "$offsite" --config "$offcfg" --format json --quiet "${ARCHBOOK_EXTRA[@]}")
        if [[ -x $ARCHBOOK ]]; then
            r=$(timeit "$name" "$docs" "$bytes" "archbook build, no search" 0,1 0 "$errf" --meta vs_hugo=1 \
                --clean "$OUT/build-$name/.archbook-cache/archbook-nosearch.manifest" \
                --clean "$OUT/build-$name/.archbook-cache/archbook-nosearch.bodies" --clean "$OUT/build-$name/.archbook-cache/archbook-nosearch.bodies-index" --clean "$OUT/build-$name/.archbook-cache/archbook-nosearch.documents" --clean "$OUT/build-$name/.archbook-cache/archbook-nosearch.detection" -- "${cmd[@]}")
        else
            r=$(unavailable "$name" "$docs" "$bytes" "archbook build, no search" "not found")
        fi
        if [[ $(field "$r" ok) != True ]]; then
            FAILED+=("archbook build (no search) on $name: $(explain_failure "$r" "archbook build, no search" "$name" "$errf")")
        else
            read -r files outbytes < <(tree_size "$offsite")
            r=$(with_field "$r" out_files "$files")
            r=$(with_field "$r" out_bytes "$outbytes")
        fi
        echo "$r" >>"$RESULTS"
        rm -rf "$offsite"
    fi
    if [[ -n $SEARCH_PY && -f $site/search/index.json ]]; then
        if [[ -n $PAGEFIND_VERSION ]]; then
            log "  pagefind $PAGEFIND_VERSION on the built site"
            r=$("$PY" bench/timeit.py --runs "$PAGEFIND_RUNS" --warmup 0 --save-stderr "$OUT/pagefind-$name.stderr" \
                --launcher "$OUT/spawn_rusage" --label "$name/pagefind" --clean "$site/pagefind" \
                --meta "corpus=$name" --meta "docs=$docs" --meta "tool=pagefind index" \
                -- "$SEARCH_PY" -m pagefind --site "$site" --quiet)
            echo "$r" >>"$SEARCH_JSONL"
            [[ $(field "$r" ok) == True ]] ||
                FAILED+=("pagefind on $name: $(explain_failure "$r" "pagefind" "$name" "$OUT/pagefind-$name.stderr")")
        fi
        log "  search in headless Chromium"
        qargs=()
        [[ -n ${BENCH_SEARCH_QUERY:-} ]] && qargs=(--query "$BENCH_SEARCH_QUERY")
        sout=$OUT/search-$name.json
        if ! "$SEARCH_PY" bench/search_bench.py measure --site "$site" --corpus "$name" --corpus-dir "$dir" \
               --docs "$docs" "${qargs[@]}" --out "$sout" >/dev/null 2>"$OUT/search-$name.stderr"; then
            [[ -s $sout ]] || printf '{"kind": "measure", "ok": false, "corpus": "%s", "docs": %s, "error": "crashed, see %s"}\n' \
                "$name" "$docs" "$OUT/search-$name.stderr" >"$sout"
            why=$(field "$(<"$sout")" error) || true
            log "  search measurement failed: $why"
            FAILED+=("search measurement on $name: $why")
        fi
        cat "$sout" >>"$SEARCH_JSONL"
    fi

    # -- one edit: a private copy of the corpus (bench/out/edit-CORPUS/docs, made afresh on every run of this
    # script; the corpus itself is never changed), in which bench/edit_doc.py changes one word of one paragraph
    # of one document (the middle file) before each run.
    if [[ $INCREMENTAL_ON != 0 || $SERVE_ON != 0 ]]; then
        edir=$OUT/edit-$name
        rm -rf "$edir"
        mkdir -p "$edir"
        edoc=""
        if cp -R "$dir/." "$edir/docs" && edoc=$("$PY" bench/edit_doc.py pick "$edir/docs" 2>"$edir/pick.stderr"); then
            log "  edits go to ${edoc#"$edir/docs/"}"
            rm -f "$edir/pick.stderr"
        else
            edoc=""
            log "  no document to edit: $(head -c 300 "$edir/pick.stderr" 2>/dev/null)"
        fi
    fi

    # -- archbook build after one edit: one full build with the cache (untimed), then each timed run
    # rebuilds after the edit (timeit.py --before, warm-up included).
    if [[ $INCREMENTAL_ON != 0 ]]; then
        log "  archbook build, one edit"
        tool="archbook build, one edit"
        errf=$OUT/archbook-edit-$name.stderr
        esite=$edir/site
        cmd=("$ARCHBOOK" build "$edir/docs" -o "$esite" --format json --quiet "${ARCHBOOK_EXTRA[@]}")
        if [[ ! -x $ARCHBOOK ]]; then
            r=$(unavailable "$name" "$docs" "$bytes" "$tool" "not found")
        elif [[ -z $edoc ]]; then
            r=$(unavailable "$name" "$docs" "$bytes" "$tool" "no document to edit" -1)
        else
            code=0
            "$PY" bench/edit_doc.py toggle "$edoc" && "${cmd[@]}" >/dev/null 2>"$errf" || code=$?
            if [[ $code != 0 && $code != 1 ]]; then
                r=$(unavailable "$name" "$docs" "$bytes" "$tool" "the first, full build failed (exit $code)" -1)
                r=$(with_field "$r" stderr_head "$(head -c 2000 "$errf")")
            else
                rm -f "$errf"
                r=$(timeit "$name" "$docs" "$bytes" "$tool" 0,1 0 "$errf" --meta per_edit=1 \
                    --meta "edited=${edoc#"$edir/docs/"}" \
                    --before "$(printf '%q ' "$PY" bench/edit_doc.py toggle "$edoc")" -- "${cmd[@]}")
                if [[ $(field "$r" ok) == True ]]; then
                    # One more edit and build (untimed), for how many pages it took from the previous site.
                    "$PY" bench/edit_doc.py toggle "$edoc"
                    wrote=$("${cmd[@]}" 2>&1 >/dev/null | grep -o 'wrote [0-9]* pages\( ([0-9]* unchanged\)\?' | head -n 1) || true
                    [[ $wrote =~ wrote\ ([0-9]+)\ pages ]] && r=$(with_field "$r" pages "${BASH_REMATCH[1]}")
                    [[ $wrote =~ \(([0-9]+)\ unchanged ]] && r=$(with_field "$r" reused_pages "${BASH_REMATCH[1]}")
                fi
            fi
        fi
        if [[ $(field "$r" ok) != True ]]; then
            FAILED+=("$tool on $name: $(explain_failure "$r" "$tool" "$name" "$errf")")
        fi
        echo "$r" >>"$RESULTS"
    fi

    # -- archbook serve: from saving the edit to the reload event a page gets (bench/serve_latency.py)
    if [[ $SERVE_ON != 0 ]]; then
        log "  archbook serve, edit to reload ($SERVE_EDITS edits)"
        tool="archbook serve, edit to reload"
        errf=$OUT/archbook-serve-$name.stderr
        rm -f "$errf"
        if [[ -z $edoc ]]; then
            r=$(unavailable "$name" "$docs" "$bytes" "$tool" "no document to edit" -1)
        else
            r=$("$PY" bench/serve_latency.py --archbook "$ARCHBOOK" --docs "$edir/docs" --file "$edoc" \
                --edits "$SERVE_EDITS" --warmup "$WARMUP" --label "$name/serve" --save-stderr "$errf" \
                --meta "corpus=$name" --meta "docs=$docs" --meta "bytes=$bytes" --meta "tool=$tool" \
                --meta per_edit=1 --meta "edited=${edoc#"$edir/docs/"}" 2>>"$errf") || true
            [[ -n $r ]] || r=$(unavailable "$name" "$docs" "$bytes" "$tool" "bench/serve_latency.py crashed (see $errf)" -1)
            [[ -s $errf ]] || rm -f "$errf"
        fi
        if [[ $(field "$r" ok) != True ]]; then
            FAILED+=("$tool on $name: $(explain_failure "$r" "$tool" "$name" "$errf")")
        fi
        echo "$r" >>"$RESULTS"
    fi

    # -- Hugo on the same Markdown; --clean empties its output folder before every run, untimed
    # (Hugo writes over an existing folder rather than replacing it).
    [[ -n $HUGO_VERSION ]] || continue
    log "  hugo $HUGO_VERSION"
    errf=$OUT/hugo-$name.stderr
    hsite=$PWD/$OUT/hugo-site-$name
    public=$PWD/$OUT/build-$name/hugo
    patched=$("$PY" bench/hugo_site.py "$dir" "$hsite")
    if [[ $patched != "patched 0 "* ]]; then
        NOTES+=("hugo on $name: ${patched#patched } begin with a list item (or an HTML comment and then one), which Hugo reads as a broken YAML front matter delimiter and stops (\`invalid YAML delimiter\`, gohugoio/hugo#10372); Hugo renders a copy of the corpus in which those files start with an empty front matter block (\`---\` \`---\`), other bytes unchanged")
    fi
    r=$(timeit "$name" "$docs" "$bytes" "hugo" 0 0 "$errf" --meta hugo_ref=1 --clean "$public" \
        -- hugo --quiet --source "$hsite" --destination "$public" --cacheDir "$PWD/$OUT/hugo-cache")
    if [[ $(field "$r" ok) != True ]]; then
        FAILED+=("hugo on $name: $(explain_failure "$r" "hugo" "$name" "$errf")")
    else
        read -r files outbytes < <(tree_size "$public")
        r=$(with_field "$r" out_files "$files")
        r=$(with_field "$r" out_bytes "$outbytes")
    fi
    echo "$r" >>"$RESULTS"
    hugo_ok=$(field "$r" ok)

    # -- Hugo and then Pagefind indexing Hugo's output, as one timed command: the issue's "Hugo plus
    # Pagefind" reference for the full build with search. BENCH_PAGEFIND_RUNS runs, no warm-up (as the
    # Pagefind row; the Hugo row just read the corpus), its output folder removed before each, untimed.
    [[ $HUGO_PF_READY == 1 ]] || continue
    log "  hugo + pagefind"
    tool="hugo + pagefind"
    errf=$OUT/hugo-pagefind-$name.stderr
    hpf=$PWD/$OUT/build-$name/hugo-pagefind
    if [[ $hugo_ok != True ]]; then
        r=$(unavailable "$name" "$docs" "$bytes" "$tool" "hugo failed" -1)
    else
        r=$(timeit "$name" "$docs" "$bytes" "$tool" 0 0 "$errf" --runs "$PAGEFIND_RUNS" --warmup 0 --meta hugo_pf_ref=1 \
            --clean "$hpf" -- sh -c 'hugo --quiet --source "$1" --destination "$2" --cacheDir "$3" && "$4" -m pagefind --site "$2" --quiet' \
            sh "$hsite" "$hpf" "$PWD/$OUT/hugo-cache" "$SEARCH_PY")
    fi
    if [[ $(field "$r" ok) != True ]]; then
        FAILED+=("$tool on $name: $(explain_failure "$r" "$tool" "$name" "$errf")")
    else
        read -r files outbytes < <(tree_size "$hpf")
        r=$(with_field "$r" out_files "$files")
        r=$(with_field "$r" out_bytes "$outbytes")
    fi
    echo "$r" >>"$RESULTS"
done

# ---- report
DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
LEGEND=(
    "median of $RUNS runs after $WARMUP warm-up (Pagefind rows: $PAGEFIND_RUNS run(s), no warm-up; serve: $SERVE_EDITS edits after $WARMUP warm-up) · MB = 10^6 bytes"
    "x cmark, x floor = wall time ÷ cmark-gfm parsing (2 threads), ÷ cmark-gfm parsing, rendering and writing (2 threads) on the same corpus"
    "x hugo, RSS ÷ hugo = archbook build's wall time, peak RSS ÷ Hugo's on the same corpus; x hugo+pf = archbook build's (with search) wall time ÷ Hugo + Pagefind's"
    "one edit, serve: the time of one rebuild after one document changed (serve: from saving it to the reload event, debounce included; CPU s = serve's CPU per edit)"
)
HEADER=$OUT/results-header.md
{
    echo "# archbook benchmark"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%MZ) · archbook $COMMIT${HUGO_VERSION:+ · hugo $HUGO_VERSION}${PAGEFIND_VERSION:+ · pagefind $PAGEFIND_VERSION} · $(nproc) CPUs${CPU_MODEL:+ ($CPU_MODEL)} · $LOAD"
    for l in "${LEGEND[@]}"; do echo "· $l"; done
    for n in "${NOTES[@]}"; do echo; echo "- $n"; done
} >"$HEADER"
echo
"$PY" bench/report.py "$RESULTS" --markdown "$OUT/results.md" --header-file "$HEADER"
if [[ $SEARCH_ON != 0 ]]; then
    echo
    "$PY" bench/search_bench.py report "$RESULTS" "$SEARCH_JSONL" --markdown-append "$OUT/results.md"
fi
for n in "${NOTES[@]}"; do echo "note: $n"; done

# ---- bench/out/BENCHMARKS.md: the same tables as a document to copy to the repository's BENCHMARKS.md
version_of() { "$@" 2>/dev/null | head -n 1 || true; }
OS_NAME=$( (. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-}") || true)
MEM=$(awk '/^MemTotal:/ { printf "%.0f GB RAM", $2 * 1024 / 1e9 }' /proc/meminfo 2>/dev/null || true)
TOOLS="cmark-gfm $(pkg-config --modversion libcmark-gfm 2>/dev/null || echo '?')"
[[ -n $HUGO_VERSION ]] && TOOLS+=", Hugo $HUGO_VERSION"
[[ -n $PAGEFIND_VERSION ]] && TOOLS+=", Pagefind $PAGEFIND_VERSION"
[[ -n $SEARCH_PY ]] && TOOLS+=", $(version_of chromium --version | sed -E 's/ built on .*//; s/ *$//')"
TOOLS+=", $(version_of "$PY" --version)"
SWIFT_VERSION=$(version_of swift --version | sed -nE 's/^.*Swift version ([^ ]+).*$/\1/p')
FULL_COMMIT=$(git rev-parse HEAD 2>/dev/null || echo "no commit")
BENCH_DOC=$OUT/BENCHMARKS.md
{
    echo "# archbook benchmarks"
    echo
    echo "Measured with \`make bench\` (\`bench/run.sh\`) on $DATE. What each row measures, and how, is in"
    echo "[bench/README.md](bench/README.md)."
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| machine | ${CPU_MODEL:-unknown CPU}, $(nproc) cores${MEM:+, $MEM} |"
    echo "| OS | ${OS_NAME:+$OS_NAME, }$(uname -srm) |"
    echo "| date | $DATE |"
    echo "| archbook | commit \`${FULL_COMMIT:0:12}\`$([[ $COMMIT != *"(uncommitted changes)"* ]] || echo " with uncommitted changes in Sources/"), \`$ARCHBOOK\`${SWIFT_VERSION:+ (swift $SWIFT_VERSION on the PATH)}${ARCHBOOK_ARGS:+, extra arguments \`$ARCHBOOK_ARGS\`} |"
    echo "| tools | $TOOLS |"
    echo "| CPU busy | $LOAD (sampled from /proc/stat for one second; above 20% the timings are noisy and a note says so) |"
    echo "| corpora | $(for e in "${CORPORA[@]}"; do printf '%s, ' "${e%%=*}"; done | sed 's/, $//') |"
    echo
    for l in "${LEGEND[@]}"; do echo "- $l"; done
    for n in "${NOTES[@]}"; do echo "- $n"; done
    echo
    echo "## Results"
} >"$OUT/benchmarks-header.md"
"$PY" bench/report.py "$RESULTS" --markdown "$BENCH_DOC" --header-file "$OUT/benchmarks-header.md" --quiet
if [[ $SEARCH_ON != 0 ]]; then
    "$PY" bench/search_bench.py report "$RESULTS" "$SEARCH_JSONL" --markdown-append "$BENCH_DOC" >/dev/null
fi
{
    echo
    echo "## How to reproduce"
    echo
    echo "On Debian or Ubuntu with Swift installed, from the repository's root:"
    echo
    echo '```sh'
    echo "make bench"
    echo '```'
    echo
    echo "It builds \`.build/release/archbook\`, installs what is missing (libcmark-gfm, Hugo, Chromium, a venv with"
    echo "Selenium and Pagefind in \`bench/out/search-venv\`), generates the synthetic corpora and runs \`bench/run.sh\`;"
    echo "\`rfc-rust\` is read from \`../shared/corpora/rfc-rust\` when present. The tables are written to"
    echo "\`bench/out/results.md\` and this document to \`bench/out/BENCHMARKS.md\`. Knobs (\`BENCH_RUNS\`, \`BENCH_DOCS\`,"
    echo "\`BENCH_EXTERNAL\`, \`BENCH_HUGO\`, \`BENCH_SEARCH\`, ...) are described in [bench/README.md](bench/README.md)."
    echo "Timings depend on the machine and on what else runs on it; compare rows measured together."
} >>"$BENCH_DOC"
echo
echo "Markdown table: $OUT/results.md  ·  for BENCHMARKS.md: $BENCH_DOC  ·  raw timings: $RESULTS  ·  took $(( $(date +%s) - START )) s"

if ((${#FAILED[@]})); then
    printf 'FAILED: %s\n' "${FAILED[@]}" >&2
    [[ ${BENCH_ALLOW_FAIL:-0} == 1 ]] || exit 1
fi
