#!/usr/bin/env bash
# Crawl throughput: `dragnet crawl` (gzip WARC, SHA-256, store) against
# `wget --recursive --warc-file` on the same local site served by nginx, in one run.
#
#   bench/crawl_compare.sh [BUILD_DIR] [PAGES] [SLOW_PAGES]
# Needs nginx and wget (scripts/setup --bench). Two runs, each tool on the same site:
#  1. PAGES pages (default 20000) at loopback speed: raw per-page cost (CPU bound);
#  2. SLOW_PAGES pages (default 1000) from a server that takes 50 ms per page, as a far-away
#     market or a Tor circuit does (bench/site_server, libmicrohttpd): what concurrency buys.
# Prints pages/s for both (best of CRAWL_RUNS runs, default 3), the ratios, and Dragnet's peak
# memory.
set -euo pipefail
build=${1:-build/release}
pages=${2:-20000}
slow_pages=${3:-1000}
here=$(cd "$(dirname "$0")" && pwd)
dragnet="$build/dragnet"
[[ -x $dragnet ]] || { echo "crawl_compare: $dragnet not built" >&2; exit 1; }
command -v nginx >/dev/null || { echo "crawl_compare: nginx missing (scripts/setup --bench)" >&2; exit 1; }
work=$(mktemp -d)
nginx_pid=""
slow_pid=""
cleanup() {
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null
  [[ -n $slow_pid ]] && kill "$slow_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# A site of N listing pages (about 12 KiB each) that link forward and across.
make_site() {  # make_site DIR N
  mkdir -p "$1/listing"
  awk -v n="$2" -v dir="$1/listing" 'BEGIN {
    filler = "";
    for (k = 0; k < 120; k++) filler = filler "Mephedrone 4-MMC crystals 1g 40$ 5g 180$ shipping EU escrow ";
    for (i = 0; i < n; i++) {
      f = dir "/" i ".html";
      printf "<html><head><title>Listing %d</title></head><body><h1>Listing %d</h1>", i, i > f;
      for (j = 1; j <= 3; j++) printf "<a href=\"%d.html\">next %d</a> ", (i + j) % n, j > f;
      printf "<a href=\"%d.html\">related</a> <a href=\"/listing/%d.html\">vendor</a>", (i * 7919) % n, (i * 104729 + 13) % n > f;
      printf "<p>%s</p></body></html>\n", filler > f;
      close(f);
    }
  }'
  echo '<a href="listing/0.html">start</a>' > "$1/index.html"
}
make_site "$work/site" "$pages"
chmod 755 "$work" && chmod -R a+rX "$work/site"  # nginx workers run unprivileged
port=$((20000 + RANDOM % 20000))

cat > "$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  keepalive_requests 100000;
  server { listen 127.0.0.1:$port; root $work/site; }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

source "$(dirname "$0")/lib.sh"
now() { date +%s.%N; }
runs=${CRAWL_RUNS:-3}
# run_pair NAME PORT START: both tools on one site, alternately, $runs times each (the machine is
# shared and noisy); prints the best run of each and the ratio of the best runs.
run_pair() {
  local name=$1 p=$2 start=$3
  local best_d=999999 best_w=999999 ours=0 theirs=0 rss=""
  for ((run = 0; run < runs; ++run)); do
    rm -rf "$work/d.db"* "$work/d-archive" "$work"/wget.warc.gz "$work/127.0.0.1:$p"
    local t0 t1 t2
    t0=$(now)
    "$dragnet" -q --db "$work/d.db" --archive "$work/d-archive" crawl --depth 1000000 \
      --concurrency 64 --per-site 64 "http://127.0.0.1:$p$start" > "$work/dragnet.out"
    t1=$(now)
    (cd "$work" && wget -q --recursive --level=inf --no-parent -e robots=off --delete-after \
      --warc-file=wget "http://127.0.0.1:$p$start" || true)
    t2=$(now)
    ours=$(grep -o '^job [^:]*: [0-9]*' "$work/dragnet.out" | awk '{print $NF}')
    theirs=$(zcat "$work/wget.warc.gz" | grep -c '^WARC-Type: response' || true)
    local peak
    peak=$(grep -o 'peak memory [0-9.]* MiB' "$work/dragnet.out" | awk '{print $3}')
    rss=$(awk -v a="$rss" -v b="$peak" 'BEGIN{print (a == "" || b > a) ? b : a}')
    best_d=$(awk -v a="$t0" -v b="$t1" -v c="$best_d" 'BEGIN{d=b-a; print (d<c)?d:c}')
    best_w=$(awk -v a="$t1" -v b="$t2" -v c="$best_w" 'BEGIN{d=b-a; print (d<c)?d:c}')
  done
  awk -v name="$name" -v o="$ours" -v t="$theirs" -v d="$best_d" -v w="$best_w" -v rss="$rss" -v runs="$runs" 'BEGIN {
    printf "%-44s %8s %9s %10s   (best of %d)\n", name, "pages", "seconds", "pages/s", runs;
    printf "  %-42s %8d %9.1f %10.0f   (peak memory %s MiB)\n", "dragnet crawl (gzip WARC, SHA-256, store)", o, d, o / d, rss;
    printf "  %-42s %8d %9.1f %10.0f\n", "wget --recursive --warc-file", t, w, t / w;
    printf "  ratio: %.1fx\n", (o / d) / (t / w);
  }'
  bench_row capture "crawl, $name" "$(awk -v o="$ours" -v d="$best_d" 'BEGIN{print o/d}')" \
    "$(awk -v t="$theirs" -v w="$best_w" 'BEGIN{print t/w}')" pages/s "wget --warc-file"
}
run_pair "local nginx, loopback speed" "$port" /
if [[ -x $build/bench/site_server ]]; then
  coproc SLOW { exec "$build/bench/site_server" "$slow_pages" 50; }
  slow_pid=$SLOW_PID
  read -r slow_port <&"${SLOW[0]}"
  run_pair "server answering in 50 ms per page" "$slow_port" /page/0.html
else
  echo "(no $build/bench/site_server: configure with -DDRAGNET_TESTS=ON for the latency run)"
fi
