#!/usr/bin/env bash
# The parse stage (charset, page text, page type, site profile and listing fields, feedback,
# SimHash, language) against libxml2 building the
# page's tree and nothing else (the first step of an lxml or BeautifulSoup script), on the same
# pages in the same run: pages/s on one core and the ratio.
#
#   bench/parse_compare.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build/release}
bench=$build/bench/parse_bench
[[ -x $bench ]] || { echo "parse_compare: $bench not built (-DDRAGNET_BENCH=ON)" >&2; exit 1; }
source "$(dirname "$0")/lib.sh"
out=$(taskset -c 0 "$bench" --benchmark_filter='BM_ParsePage|BM_Libxml2Tree' \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true --benchmark_format=json)
read -r ours theirs mbs < <(python3 -c '
import json, sys
d = json.load(sys.stdin)
best = {}
for b in d["benchmarks"]:
    if b.get("aggregate_name") != "mean":
        continue
    name = b["run_name"].split("/")[0]
    best[name] = (b["items_per_second"], b["bytes_per_second"])
print(best["BM_ParsePage"][0], best["BM_Libxml2Tree"][0], best["BM_ParsePage"][1] / 1e6)
' <<<"$out")
awk -v o="$ours" -v t="$theirs" -v m="$mbs" 'BEGIN{
  printf "parse, pages of a simulated web with market furniture, one core, mean of 3\n";
  printf "  %-58s %8.0f pages/s %6.1f MB/s\n", "dragnet parse (charset, text, type, profile+fields, SimHash, language)", o, m;
  printf "  %-58s %8.0f pages/s\n", "libxml2 htmlReadMemory (tree only)", t;
  printf "  ratio: %.2f\n", o / t;
}'
bench_row parse "page text, type, fields, SimHash" "$ours" "$theirs" pages/s "libxml2 tree only"
