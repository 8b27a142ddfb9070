#!/usr/bin/env bash
# Golden test of the parse stage on a Telegram export of our own (tests/golden/parse/telegram/):
# ingest it into a fresh store, `dragnet parse --store`, and the posts `dragnet records posts`
# lists (author, the message's own date, the earlier ad each one repeats) must equal
# tests/golden/parse/telegram.expected.jsonl. Prints a unified diff on a mismatch.
#
#   tests/golden/run_parse.sh DRAGNET_BINARY [--rebaseline]
set -euo pipefail
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
expected="$here/parse/telegram.expected.jsonl"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" --db "$work/dragnet.db" -q ingest "$here/parse/telegram/shop" >/dev/null
"$bin" --db "$work/dragnet.db" -q parse --store >/dev/null
# Document ids depend on the store, not on the parse: left out.
"$bin" --db "$work/dragnet.db" records posts | sed -E 's/^\{"document":[0-9]+,/{/' >"$work/actual.jsonl"
if [[ ${2:-} == --rebaseline ]]; then
  cp "$work/actual.jsonl" "$expected"
  echo "rebaselined telegram"
  exit 0
fi
if diff -u "$expected" "$work/actual.jsonl"; then
  echo "golden parse: telegram passed"
else
  echo "golden parse: telegram FAILED"
  exit 1
fi
