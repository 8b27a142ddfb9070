#!/usr/bin/env bash
# Field precision and recall of `dragnet parse` on the golden pages, with floors that fail on a
# regression: our own layouts in many languages always; the real saved market pages in
# ../shared/data/dev/market-pages when they are there (skipped with a message otherwise).
#
#   tests/eval/parse_eval.sh DRAGNET_BINARY
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
golden="$root/tests/golden/parse"
status=0
# Floors sit a little under today's figures (see the closing notes of the parse issue).
"$bin" eval parse --golden "$golden/layouts.expected.jsonl" --base "$golden/layouts" \
  --min-f1 0.95 || status=1
pages="$root/../shared/data/dev/market-pages"
if [[ -d $pages/html ]]; then
  "$bin" eval parse --golden "$golden/market-pages.expected.jsonl" --base "$pages" \
    --min-f1 0.97 || status=1
else
  echo "parse eval: real market pages skipped, $pages is absent"
fi
exit $status
