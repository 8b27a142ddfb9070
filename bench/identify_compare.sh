#!/usr/bin/env bash
# `dragnet identify` against ripgrep on the same multilingual corpus, in one run (best of 3
# each): ripgrep searching every lexicon name as a case-insensitive literal (`rg -i -F -f`, one
# thread) is the bare scan an analyst would otherwise run; Dragnet normalises, matches with word
# boundaries and inflections, checks context, parses quantities and prices, converts currencies,
# classifies and writes JSON. Prints MB/s per core for both and the ratio.
#
#   bench/identify_compare.sh [BUILD_DIR] [CORPUS_MB]
set -euo pipefail
build=${1:-build/release}
mb=${2:-64}
command -v rg >/dev/null || { echo "identify_compare: ripgrep missing (scripts/setup --bench)" >&2; exit 1; }
[[ -x $build/bench/identify_bench ]] || { echo "identify_compare: $build/bench/identify_bench not built (-DDRAGNET_BENCH=ON)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DRAGNET_CACHE="$work/cache"
"$build/bench/identify_bench" --write-corpus "$work/corpus.txt" "$mb"
"$build/dragnet" lexicon names > "$work/names.txt"
bytes=$(stat -c %s "$work/corpus.txt")
"$build/dragnet" -q identify --lines "$work/corpus.txt" --format brief > /dev/null  # warm the cache
source "$(dirname "$0")/lib.sh"
ours=$(best_wall taskset -c 0 "$build/dragnet" -q identify --lines "$work/corpus.txt")
theirs=$(best_wall taskset -c 0 rg -j1 -i -F -f "$work/names.txt" "$work/corpus.txt")
names=$(wc -l < "$work/names.txt")
bench_row identify "identify: substances, prices, selectors, JSON" \
  "$(awk -v b="$bytes" -v o="$ours" 'BEGIN{print b/o/1e6}')" \
  "$(awk -v b="$bytes" -v t="$theirs" 'BEGIN{print b/t/1e6}')" MB/s "rg -i -F -f names"
awk -v bytes="$bytes" -v o="$ours" -v t="$theirs" -v n="$names" 'BEGIN{
  printf "identify, %.0f MB corpus, %d lexicon names, one core\n", bytes/1e6, n;
  printf "  %-52s %8.1f MB/s\n", "dragnet identify --lines (full analysis, JSON out)", bytes/o/1e6;
  printf "  %-52s %8.1f MB/s\n", "rg -j1 -i -F -f names (literal scan only)", bytes/t/1e6;
  printf "  ratio (ripgrep time / dragnet time): %.2f  (dragnet is %.1fx ripgrep time)\n", t/o, o/t;
}'

# The same comparison on real page text: the onion-site text dumps of ../shared (one site's page
# per line), when present. Long pages, fewer findings per byte than the listing corpus above,
# and ripgrep's literal scan is at its best on them.
onion=$(dirname "$0")/../../shared/data/dev/onion-pages
if [[ -d $onion ]]; then
  find "$onion" -type f -name '*.txt' | sort | while read -r f; do
    tr '\n\r' '  ' < "$f"
    echo
  done > "$work/pages.txt"
  pbytes=$(stat -c %s "$work/pages.txt")
  pages=$(wc -l < "$work/pages.txt")
  ours=$(best_wall taskset -c 0 "$build/dragnet" -q identify --lines "$work/pages.txt")
  theirs=$(best_wall taskset -c 0 rg -j1 -i -F -f "$work/names.txt" "$work/pages.txt")
  bench_row identify-pages "identify: real onion page text" \
    "$(awk -v b="$pbytes" -v o="$ours" 'BEGIN{print b/o/1e6}')" \
    "$(awk -v b="$pbytes" -v t="$theirs" 'BEGIN{print b/t/1e6}')" MB/s "rg -i -F -f names"
  awk -v bytes="$pbytes" -v o="$ours" -v t="$theirs" -v n="$pages" 'BEGIN{
    printf "identify, real onion page text (%d pages, %.1f MB), one core\n", n, bytes/1e6;
    printf "  %-52s %8.1f MB/s\n", "dragnet identify --lines (full analysis, JSON out)", bytes/o/1e6;
    printf "  %-52s %8.1f MB/s\n", "rg -j1 -i -F -f names (literal scan only)", bytes/t/1e6;
    printf "  ratio (ripgrep time / dragnet time): %.2f\n", t/o;
  }'
else
  echo "identify_compare: $onion absent, real page text not measured"
fi
