#!/usr/bin/env bash
# Accuracy of `dragnet identify` on the labelled dev samples in ../shared/data/dev, with floors
# that fail the test on a regression. Skipped (exit 77) when ../shared is absent.
#
#   tests/eval/identify_eval.sh DRAGNET_BINARY
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
dev="$root/../shared/data/dev"
if [[ ! -f $dev/agora-2014q1-titles-dev.csv ]]; then
  echo "identify eval: skipped, $dev is absent"
  exit 77
fi
export DRAGNET_CACHE="${TMPDIR:-/tmp}/dragnet-eval-cache-$$"
trap 'rm -rf "$DRAGNET_CACHE"' EXIT
status=0
# Floors sit a little under today's figures (see the closing notes of the identify issue).
"$bin" eval identify --labels "$dev/agora-2014q1-titles-dev.csv" --text-column title \
  --label-column cat,subcat --map "$root/data/eval/agora.yaml" \
  --min-drug-f1 0.97 --min-macro-f1 0.95 || status=1
"$bin" eval identify --labels "$dev/matanga-2020-titles-dev.csv" --text-column title \
  --label-column group,sub --map "$root/data/eval/matanga.yaml" \
  --min-drug-f1 0.98 --min-macro-f1 0.98 || status=1
# Listing categories from the lexicon rules (drugs, fraud, guides, other...) on Agora's own tree.
"$bin" eval classify --rules --labels "$dev/agora-2014q1-titles-dev.csv" --text-column title \
  --label-column cat,subcat --map "$root/data/eval/agora-categories.yaml" \
  --min-macro-f1 0.64 || status=1
# Our own invented English and Russian titles, about 15 per category (data/eval/categories-own.csv,
# the vocabulary was tuned on its misses) and 10 per category written after that tuning as a
# check on generality (categories-own-holdout.csv). Both live in the repository.
"$bin" eval classify --rules --labels "$root/data/eval/categories-own.csv" --text-column title \
  --label-column category --min-macro-f1 0.97 || status=1
"$bin" eval classify --rules --labels "$root/data/eval/categories-own-holdout.csv" \
  --text-column title --label-column category --min-macro-f1 0.96 || status=1
# A third set, about 10 per category, half Russian, written before round 3 of the rules with hard
# kinds on purpose (titles without cue words, calibres, slang, dead-drop lines) and not tuned on:
# 0.781 before round 3, 0.848 after, 0.927 after round 4.
"$bin" eval classify --rules --labels "$root/data/eval/categories-own-holdout2.csv" \
  --text-column title --label-column category --min-macro-f1 0.92 || status=1
# A fourth set, about 13 per category, half Russian (some uk/kk/pl/de), written before round 4 of
# the rules over the kinds it added (copy words, visas and tax numbers, services without the word,
# hacking slang, bullion, weapon models, dab and test kits) and not tuned on: 0.876 before, 0.967
# after.
"$bin" eval classify --rules --labels "$root/data/eval/categories-own-holdout3.csv" \
  --text-column title --label-column category --min-macro-f1 0.95 || status=1
# Whole onion sites (text dumps, DUTA-10K): drug shops (illegal ones, and "legal" pharmacies and
# steroid shops) against eBay items whose texts use drug words (weed killer, pipes, quasi-drug
# cosmetics). Scored as the category `drugs` against every other category a page gets: 0.938
# (P 0.958, R 0.919) when added.
onion="$dev/onion-pages"
if [[ -d $onion/drugs && -d $onion/ebay ]]; then
  mkdir -p "$DRAGNET_CACHE"
  csv="$DRAGNET_CACHE/onion-pages.csv"
  {
    echo "label,text"
    for dir in drugs/illegal drugs/legal ebay; do
      label=drugs
      [[ $dir == ebay ]] && label=other
      for file in "$onion/$dir"/*; do
        printf '%s,"%s"\n' "$label" "$(tr -d '\r' <"$file" | sed 's/"/""/g')"
      done
    done
  } >"$csv"
  out=$("$bin" eval classify --rules --labels "$csv" --text-column text --label-column label)
  echo "$out"
  f1=$(awk '$1 == "drugs" { print $4; exit }' <<<"$out")
  if ! awk -v f="$f1" 'BEGIN { exit !(f >= 0.92) }'; then
    echo "identify eval: onion pages, drugs F1 $f1 is below 0.92"
    status=1
  fi
fi
exit $status
