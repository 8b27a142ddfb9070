#!/usr/bin/env bash
# End-to-end accuracy on the simulated illicit web: `dragnet demo` generates it, serves it on
# loopback behind its SOCKS5 front, crawls it twice, ingests the Telegram export, identifies
# everything into a fresh store, then `dragnet eval e2e` scores the store against the ground
# truth and fails below the floors. Usage: e2e_eval.sh path/to/dragnet
set -euo pipefail
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Floors sit just under what the current analyzers reach (see tests/eval/README.md); a
# regression in crawling, archiving, ingest, identify or the store shows up here.
"$bin" --db "$work/dragnet.db" --case E2E demo --dir "$work/simnet" --min-f1 0.90
# The archive the demo wrote verifies.
"$bin" warc verify "$work/archive" >/dev/null
echo "e2e: ok"
