#!/usr/bin/env bash
# Golden tests of `dragnet identify`: each tests/golden/identify/<case>.txt is identified line by
# line with the shipped lexicon and fixed exchange rates, and the brief output must equal
# <case>.expected.jsonl. Prints a unified diff on a mismatch.
#
#   tests/golden/run_identify.sh DRAGNET_BINARY [--rebaseline [CASE]]
# --rebaseline rewrites the expectations (all, or one case); review the diff like code.
set -euo pipefail
bin=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rebaseline=0
only=""
if [[ ${1:-} == --rebaseline ]]; then rebaseline=1; only=${2:-}; fi
export DRAGNET_CACHE="${TMPDIR:-/tmp}/dragnet-golden-cache-$$"
trap 'rm -rf "$DRAGNET_CACHE"' EXIT
passed=0
failed=0
for input in "$here"/identify/*.txt; do
  name=$(basename "$input" .txt)
  [[ -n $only && $only != "$name" ]] && continue
  expected="$here/identify/$name.expected.jsonl"
  actual=$("$bin" -q identify --lines --format brief --lexicon "$root/data/lexicon" \
    --rates "$here/identify/rates.csv" --date 2024-07-01 "$input")
  if ((rebaseline)); then
    printf '%s\n' "$actual" > "$expected"
    echo "rebaselined $name"
    continue
  fi
  if diff -u --label "$name.expected.jsonl" --label "$name (actual)" "$expected" <(printf '%s\n' "$actual"); then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done
echo "golden identify: $passed passed, $failed failed"
((failed == 0))
