# Shared by the bench/*_compare.sh scripts: source it, then call best_wall CMD ARGS...
#
# best_wall CMD...: the best wall time of 3 runs of a command (output discarded), in seconds.
# The machines we measure on are shared and noisy; the best run is the least disturbed one.
best_wall() {
  local best_s=999999
  for _ in 1 2 3; do
    local t0 t1
    t0=$(date +%s.%N)
    "$@" > /dev/null || true
    t1=$(date +%s.%N)
    best_s=$(awk -v a="$t0" -v b="$t1" -v c="$best_s" 'BEGIN{d=b-a; print (d<c)?d:c}')
  done
  echo "$best_s"
}

# bench_row STAGE WHAT OURS THEIRS UNIT BASELINE: one row of bench/run's table, appended to
# $BENCH_TSV when bench/run set it (a no-op otherwise). OURS and THEIRS are rates in UNIT
# (higher is better); the table's ratio is OURS / THEIRS.
bench_row() {
  if [[ -n ${BENCH_TSV:-} ]]; then
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$BENCH_TSV"
  fi
  return 0
}
