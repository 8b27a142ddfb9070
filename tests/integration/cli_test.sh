#!/usr/bin/env bash
# End-to-end checks of the dragnet binary as a user runs it: help, sample -> ingest -> stats,
# idempotent re-ingest, custody signing and tamper detection, hostile inputs, and third-party
# validation of the WARC files Dragnet writes (../shared/tools/validate, warcio.js).
#
#   tests/integration/cli_test.sh path/to/dragnet
set -uo pipefail
dragnet=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
shared=$(realpath "$here/../../../shared" 2>/dev/null || true)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DRAGNET_DB="$work/db/dragnet.db" DRAGNET_ARCHIVE="$work/archive"
unset DRAGNET_SIGNING_KEY
passed=0 failed=0

# check NAME COMMAND...: the command must succeed. Its output is kept in $work/last for the
# `contains` checks that follow (which do not replace it).
check() {
  local name=$1; shift
  if "$@" >"$work/out" 2>&1; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: $name"; sed 's/^/    /' "$work/out" | head -30
  fi
  [[ $1 == contains || $1 == not_contains ]] || cp "$work/out" "$work/last"
}
check_fails() {  # the command must fail
  local name=$1; shift
  if "$@" >"$work/out" 2>&1; then
    failed=$((failed + 1)); echo "FAIL (should have failed): $name"; sed 's/^/    /' "$work/out" | head -30
  else passed=$((passed + 1)); fi
  cp "$work/out" "$work/last"
}
contains() { grep -q -- "$2" "$1" || { echo "no \"$2\" in:"; cat "$1"; return 1; }; }
not_contains() { ! grep -q -- "$2" "$1" || { echo "unexpected \"$2\" in:"; cat "$1"; return 1; }; }

# --- help is complete
check "dragnet --help" "$dragnet" --help
for cmd in ingest stats "warc verify" "warc ls" "key generate" sample identify "eval identify" "eval selectors" "lexicon check"; do
  check "dragnet $cmd --help" $dragnet $cmd --help
done

# --- sample -> ingest -> stats, idempotent
check "sample" "$dragnet" sample "$work/sample" --pages 30
check "ingest sample" "$dragnet" -q --case CASE-7 --operator tester ingest "$work/sample/pages" "$work/sample/telegram"
cp "$work/last" "$work/ingest1"
check "first ingest archived 31 pages and 30 messages" contains "$work/ingest1" "ingested 61 items"
check "re-ingest" "$dragnet" -q ingest "$work/sample/pages" "$work/sample/telegram"
check "re-ingest adds nothing" contains "$work/last" "ingested 0 items .* 61 already present"
check "stats" "$dragnet" stats
cp "$work/last" "$work/stats"
check "stats counts documents" contains "$work/stats" "documents  61"
check "stats shows intact custody" contains "$work/stats" "chain intact"
check "verify archive" "$dragnet" warc verify --strict "$work/archive"
check "verify prints summary" contains "$work/last" "passed, 0 failed"

# --- identify what was ingested, into the store; a second run has nothing left to do
check "identify --store" "$dragnet" -q identify --store
check "identify analysed every document" contains "$work/last" "identified 61 documents"
check "identify found drug listings" contains "$work/last" "drugs="
check "identify stored the shop's Telegram bots as selectors" contains "$work/last" "telegram="
check "identify --store again" "$dragnet" -q identify --store
check "identify resumes with nothing left" contains "$work/last" "identified 0 documents"
check_fails "identify --store takes no inputs" "$dragnet" identify --store "$work/sample"
check "identify a line" bash -c "echo 'Героин 0,5г 2500 грн' | '$dragnet' -q identify --format brief"
check "identify names the substance" contains "$work/last" "heroin @ Героин"
check "identify a seller's selectors" bash -c "echo 'Wickr: shop2020, BTC bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4' | '$dragnet' -q identify --format brief"
check "identify validates the address" contains "$work/last" "bitcoin bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
check "identify an image" "$dragnet" -q identify --format brief "$here/../fuzz/corpus/image/qr.png"
check "identify reads the QR code's wallet" contains "$work/last" "bitcoin bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
check "identify an image's EXIF GPS" "$dragnet" -q identify "$here/../fuzz/corpus/image/exif_gps.jpg"
check "identify gives the coordinates" contains "$work/last" '"gps":{"lat":'
check "identify --no-selectors" bash -c "echo 'Wickr: shop2020' | '$dragnet' -q identify --no-selectors"
check "identify --no-selectors leaves them out" not_contains "$work/last" "selectors"
check_fails "identify a missing file" "$dragnet" -q identify "$work/no-such-file.txt"
check_fails "identify with a broken lexicon" "$dragnet" -q identify --lexicon "$work/sample" "$work/sample"

# --- third-party checks of what we wrote
if [[ -x "$shared/tools/validate" ]] && command -v node >/dev/null; then
  for f in "$work"/archive/*.warc.gz; do
    check "validate warc $(basename "$f")" "$shared/tools/validate" warc "$f"
    check "no errors or warnings from validate warc" contains "$work/last" "0 errors, 0 warnings"
    "$shared/tools/validate" warc-index "$f" 2>/dev/null | grep '^{' \
      | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const l of s.trim().split("\n")){const o=JSON.parse(l);console.log(JSON.stringify({offset:o.offset,length:o.length,"warc-type":o["warc-type"]}))}})' >"$work/theirs"
    "$dragnet" warc ls --json "$f" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const l of s.trim().split("\n")){const o=JSON.parse(l);console.log(JSON.stringify({offset:o.offset,length:o.length,"warc-type":o["warc-type"]}))}})' >"$work/ours"
    check "record offsets agree with the warcio.js index" diff "$work/theirs" "$work/ours"
  done
else
  echo "skip: ../shared/tools/validate or node not available; third-party WARC validation not run"
fi

# --- custody signing and tampering
check "key generate" "$dragnet" key generate "$work/key"
check "secret key is private" test "$(stat -c %a "$work/key")" = 600
pub=$(cat "$work/key.pub")
check "sample 2" "$dragnet" sample "$work/sample2" --pages 5 --seed 2
check "signed ingest" "$dragnet" -q --signing-key "$work/key" --archive "$work/signed" ingest "$work/sample2/pages"
check "verify signed archive with pinned key" "$dragnet" warc verify --public-key "$pub" "$work/signed"
check "verify counts signed entries" contains "$work/last" "1 signed"
other=$("$dragnet" key generate "$work/otherkey" | tail -1)
check_fails "verify rejects another key" "$dragnet" warc verify --public-key "$other" "$work/signed"
cp -r "$work/signed" "$work/tampered"
sed -i 's/"records":\([0-9]*\)/"records":99\1/' "$work/tampered/custody.jsonl"
check_fails "edited custody entry is detected" "$dragnet" warc verify "$work/tampered"
cp -r "$work/signed" "$work/tampered2"
f=$(ls "$work"/tampered2/*.warc.gz | head -1)
printf 'X' | dd of="$f" bs=1 seek=100 conv=notrunc 2>/dev/null
check_fails "changed WARC byte is detected" "$dragnet" warc verify "$work/tampered2"
cp -r "$work/signed" "$work/tampered3"
rm "$work"/tampered3/*.warc.gz
check_fails "removed WARC file is detected" "$dragnet" warc verify "$work/tampered3"

# --- hostile inputs: reported with file and offset, the rest still ingested
mkdir -p "$work/bad/tg" "$work/bad/html"
head -c 1500 "$work/sample/telegram/result.json" >"$work/bad/tg/result.json"
check "truncated Telegram export is ingested as far as readable" "$dragnet" -q --db "$work/bad.db" --archive "$work/bad-archive" ingest "$work/bad/tg"
check "truncation reported with offset" contains "$work/last" "offset"
printf '<html><title>ok</title></html>' >"$work/bad/html/ok.html"
printf 'WARC/1.1\r\nContent-Length: 99999\r\n\r\nshort' >"$work/bad/broken.warc"
check "broken WARC is indexed with anomalies" "$dragnet" -q --db "$work/bad.db" --archive "$work/bad-archive" ingest "$work/bad/broken.warc" "$work/bad/html"
check "broken WARC anomaly names the file" contains "$work/last" "broken.warc"
check_fails "missing input fails" "$dragnet" -q --db "$work/bad.db" ingest "$work/does-not-exist"

# --- third-party WARC files are indexed in place
if [[ -d "$shared/data/standards/warc" ]]; then
  check "index third-party WARC corpus" "$dragnet" -q --db "$work/corpus.db" --archive "$work/corpus-archive" ingest \
    "$shared"/data/standards/warc/warcio-testdata/example.warc.gz \
    "$shared"/data/standards/warc/jwat-testdata/IAH-20080430204825-00000-blackbook.warc.gz \
    "$shared"/data/standards/warc/wget-generated/wget-local-capture.warc.gz
  check "corpus records indexed" contains "$work/last" "ingested 8[0-9][0-9] items"
  check "re-index adds nothing" "$dragnet" -q --db "$work/corpus.db" --archive "$work/corpus-archive" ingest "$shared"/data/standards/warc/warcio-testdata/example.warc.gz
  check "re-index reports duplicate" contains "$work/last" "1 already present"
  check "custody covers files indexed in place" "$dragnet" warc verify "$work/corpus-archive"
  check "three indexed entries" contains "$work/last" "3 entries, 0 signed, 3 files checked"
else
  echo "skip: ../shared/data absent; third-party corpus indexing not run"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
