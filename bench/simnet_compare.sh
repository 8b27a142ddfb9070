#!/usr/bin/env bash
# Crawling through a SOCKS5 proxy as through Tor: `dragnet crawl` over the simulated illicit web
# (tools/simnet, served on loopback behind its SOCKS5 front) against curl fetching the same pages
# through the same front. curl is handed the full URL list and writes nothing; Dragnet discovers
# the URLs by following links, writes gzip WARC with SHA-256 digests and commits every page to
# its store. Best of 3 each, pages/s and the ratio.
#
#   bench/simnet_compare.sh [BUILD_DIR] [LISTINGS_PER_MARKET]
set -euo pipefail
build=${1:-build/release}
listings=${2:-400}
dragnet=$build/dragnet
[[ -x $dragnet ]] || { echo "simnet_compare: $dragnet not built" >&2; exit 1; }
command -v curl >/dev/null || { echo "simnet_compare: curl missing" >&2; exit 1; }
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
cleanup() { [[ -n ${serve_pid:-} ]] && kill "$serve_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$dragnet" -q simnet generate --dir "$work/simnet" --listings "$listings" >/dev/null
coproc SERVE { exec "$dragnet" simnet serve --dir "$work/simnet"; }
serve_pid=$SERVE_PID
port=""
while read -r line <&"${SERVE[0]}"; do
  if [[ $line =~ 127\.0\.0\.1:([0-9]+) ]]; then port=${BASH_REMATCH[1]}; break; fi
done
[[ -n $port ]] || { echo "simnet_compare: the simulated web did not start" >&2; exit 1; }
grep -o '"url":"http://[^"]*"' "$work/simnet/truth/pages.jsonl" | sed 's/"url":"//; s/"$//' \
  > "$work/urls.txt"
pages=$(wc -l < "$work/urls.txt")
sed 's/.*/url = "&"\noutput = "\/dev\/null"/' "$work/urls.txt" > "$work/curl.cfg"

best_d=999999 best_c=999999 fetched=0
for _ in 1 2 3; do
  rm -rf "$work/d.db"* "$work/archive"
  t0=$(date +%s.%N)
  "$dragnet" -q --db "$work/d.db" --archive "$work/archive" crawl --seeds "$work/simnet/seeds.txt" \
    --tor "127.0.0.1:$port" --proxy "socks5h://127.0.0.1:$port" --depth 10 --per-site 8 \
    > "$work/crawl.out"
  t1=$(date +%s.%N)
  curl -s --no-progress-meter --parallel --parallel-max 48 --socks5-hostname "127.0.0.1:$port" \
    -K "$work/curl.cfg" 2>/dev/null || true
  t2=$(date +%s.%N)
  fetched=$(grep -o '^job [^:]*: [0-9]*' "$work/crawl.out" | awk '{print $NF}')
  best_d=$(awk -v a="$t0" -v b="$t1" -v c="$best_d" 'BEGIN{d=b-a; print (d<c)?d:c}')
  best_c=$(awk -v a="$t1" -v b="$t2" -v c="$best_c" 'BEGIN{d=b-a; print (d<c)?d:c}')
done
awk -v o="$fetched" -v p="$pages" -v d="$best_d" -v c="$best_c" 'BEGIN{
  printf "crawl through the SOCKS5 front (simulated web, %d pages and images)  best of 3\n", o;
  printf "  %-58s %8.0f pages/s\n", "dragnet crawl (follows links, WARC, SHA-256, store)", o/d;
  printf "  %-58s %8.0f pages/s\n", "curl --parallel --socks5-hostname (given the URLs)", p/c;
  printf "  ratio: %.2f\n", (o/d)/(p/c);
}'
bench_row capture "crawl via SOCKS5 (simulated web)" "$(awk -v o="$fetched" -v d="$best_d" 'BEGIN{print o/d}')" \
  "$(awk -v p="$pages" -v c="$best_c" 'BEGIN{print p/c}')" pages/s "curl --parallel, URL list"
