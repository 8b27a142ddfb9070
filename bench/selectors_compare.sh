#!/usr/bin/env bash
# What the selectors analyzer costs inside `dragnet identify`, and how it compares with the
# regular-expression scan analysts otherwise run, in one run on the same corpus (best of 3,
# one core each):
#   - dragnet identify --lines, with and without selectors (--no-selectors): the share of the
#     whole that selectors take;
#   - ripgrep printing every match of the usual selector patterns (Bitcoin, Ethereum, onion,
#     e-mail, @handle, phone), which validates nothing: no checksum, no numbering plan.
#
#   bench/selectors_compare.sh [BUILD_DIR] [CORPUS_MB]
set -euo pipefail
build=${1:-build/release}
mb=${2:-32}
command -v rg >/dev/null || { echo "selectors_compare: ripgrep missing (scripts/setup --bench)" >&2; exit 1; }
[[ -x $build/bench/identify_bench ]] || { echo "selectors_compare: $build/bench/identify_bench not built (-DDRAGNET_BENCH=ON)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DRAGNET_CACHE="$work/cache"
"$build/bench/identify_bench" --write-corpus "$work/corpus.txt" "$mb"
bytes=$(stat -c %s "$work/corpus.txt")
cat > "$work/patterns.txt" <<'PATTERNS'
\b(bc1|[13])[a-zA-HJ-NP-Z0-9]{25,39}\b
\b0x[a-fA-F0-9]{40}\b
\bT[1-9A-HJ-NP-Za-km-z]{33}\b
\b[a-z2-7]{56}\.onion\b
[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}
@[A-Za-z][A-Za-z0-9_]{4,31}
\+?[0-9][0-9 ()-]{8,}[0-9]
PATTERNS
"$build/dragnet" -q identify --lines "$work/corpus.txt" --format brief > /dev/null  # warm the cache
source "$(dirname "$0")/lib.sh"
with=$(best_wall taskset -c 0 "$build/dragnet" -q identify --lines "$work/corpus.txt")
without=$(best_wall taskset -c 0 "$build/dragnet" -q identify --lines --no-selectors "$work/corpus.txt")
regex=$(best_wall taskset -c 0 rg -j1 -o -f "$work/patterns.txt" "$work/corpus.txt")
bench_row identify "selectors (the time they add to identify)" \
  "$(awk -v b="$bytes" -v w="$with" -v wo="$without" 'BEGIN{d=w-wo; print (d>0)?b/d/1e6:0}')" \
  "$(awk -v b="$bytes" -v r="$regex" 'BEGIN{print b/r/1e6}')" MB/s "rg -o selector regexes"
found=$("$build/dragnet" -q identify --lines "$work/corpus.txt" --format brief | grep -o '"selectors":\[[^]]*\]' | grep -o '","\|":\["' | wc -l)
awk -v bytes="$bytes" -v w="$with" -v wo="$without" -v r="$regex" -v n="$found" 'BEGIN{
  printf "selectors, %.0f MB corpus, one core, %d selectors found\n", bytes/1e6, n;
  printf "  %-58s %8.1f MB/s\n", "dragnet identify --lines (substances + selectors)", bytes/w/1e6;
  printf "  %-58s %8.1f MB/s\n", "dragnet identify --lines --no-selectors", bytes/wo/1e6;
  printf "  %-58s %8.1f MB/s\n", "rg -j1 -o -f selector-patterns (unvalidated matches)", bytes/r/1e6;
  printf "  selectors share of identify time: %.1f%%\n", 100*(w-wo)/w;
  printf "  ratio (ripgrep time / dragnet selectors time): %.2f\n", r/((w-wo)>0?(w-wo):1e-9);
}'
