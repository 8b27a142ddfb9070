#!/usr/bin/env bash
# WARC read throughput of Dragnet's reader against warcio.js on the same generated files, in one
# run (best of 3 each), printed as records/s, MB/s and the ratio.
#
#   bench/warc_compare.sh BUILD_DIR
set -euo pipefail
build=${1:-build/release}
here=$(cd "$(dirname "$0")" && pwd)
bench="$build/bench/warc_bench"
[[ -x $bench ]] || { echo "warc_compare: $bench not built (configure with -DDRAGNET_BENCH=ON)" >&2; exit 1; }
if [[ ! -d $here/node_modules/warcio ]]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
source "$here/lib.sh"
mapfile -t files < <("$bench" --print-files)
best() {  # best of 3 runs of a command printing "records bytes seconds"
  local best_line="" best_s=999999
  for _ in 1 2 3; do
    local line; line=$("$@")
    local s; s=$(awk '{print $3}' <<<"$line")
    if awk -v a="$s" -v b="$best_s" 'BEGIN{exit !(a<b)}'; then best_s=$s; best_line=$line; fi
  done
  echo "$best_line"
}
printf "%-34s %12s %10s %12s %10s %8s\n" "WARC read (same file)" "dragnet r/s" "MB/s" "warcio.js r/s" "MB/s" "ratio"
for f in "${files[@]}"; do
  ours=$(best "$bench" --read "$f")
  theirs=$(best node "$here/warcio_read.mjs" "$f")
  read -r r1 b1 s1 <<<"$ours"
  read -r r2 b2 s2 <<<"$theirs"
  [[ $r1 == "$r2" ]] || echo "warning: record counts differ ($r1 vs $r2) on $f" >&2
  awk -v name="$(basename "$f") ($(du -h "$f" | cut -f1))" -v r1="$r1" -v b1="$b1" -v s1="$s1" -v r2="$r2" -v b2="$b2" -v s2="$s2" \
    'BEGIN{printf "%-34s %12.0f %10.1f %12.0f %10.1f %7.1fx\n", name, r1/s1, b1/s1/1e6, r2/s2, b2/s2/1e6, (r1/s1)/(r2/s2)}'
  kind=uncompressed; [[ $f == *.gz ]] && kind="gzip, a member per record"
  bench_row archive "WARC read, $kind" "$(awk -v r="$r1" -v s="$s1" 'BEGIN{print r/s}')" \
    "$(awk -v r="$r2" -v s="$s2" 'BEGIN{print r/s}')" records/s warcio.js
done
