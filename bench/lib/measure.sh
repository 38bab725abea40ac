# Measuring one run: sourced by bench/run.sh. Knows nothing about what it runs.
#
# Each result is one tab-separated row appended to $BENCH_RESULTS:
#   name  case  wall_s  peak_kib  metric  status
# where status is "ok", "failed (...)" or "skipped (...)". bench/lib/table.sh reads these rows.
#
# Needs: BENCH_RESULTS, BENCH_LOGS, BENCH_REPEAT, BENCH_TIMEOUT, BENCH_METRIC; GNU time at /usr/bin/time.

# bench_measure NAME CASE [VAR=value ...] -- COMMAND [ARG ...]
#
# Runs COMMAND BENCH_REPEAT times with the VAR=value pairs added to its environment, under GNU time
# (wall seconds, peak RSS) and `timeout`. Keeps the lowest wall time and the lowest peak RSS over the
# repeats, and the last value of BENCH_METRIC printed by the run ("<metric>:<value>"). A failing
# repeat ends the series: its status is recorded and the tail of its log shown. A caller that
# alternates ways runs it with BENCH_REPEAT=1 once per pass, BENCH_PASS and BENCH_PASSES naming the
# pass (logs and progress lines); the table keeps the best row of each way.
bench_measure() {
  local name=$1 case=$2
  shift 2
  local -a envs=()
  while [[ $# -gt 0 && $1 != -- ]]; do
    envs+=("$1")
    shift
  done
  if [[ ${1:-} != -- || $# -lt 2 ]]; then
    echo "bench_measure $name: expected 'NAME CASE [VAR=value ...] -- COMMAND [ARG ...]'" >&2
    return 2
  fi
  shift

  local best_wall=- best_kib=- metric=- status=ok i rc wall kib log
  for ((i = 1; i <= BENCH_REPEAT; i++)); do
    log="$BENCH_LOGS/$name.${case// /-}.${BENCH_PASS:-$i}.log"
    rc=0
    /usr/bin/time -f '%e %M' -o "$log.time" \
      timeout "$BENCH_TIMEOUT" env "${envs[@]}" "$@" >"$log" 2>&1 || rc=$?
    # GNU time writes "Command exited with non-zero status N" first when the command fails.
    read -r wall kib < <(tail -n 1 "$log.time")
    metric=$(grep -Eo "$BENCH_METRIC:[-+0-9.eE]+" "$log" | tail -n 1 | cut -d: -f2 || true)
    metric=${metric:--}
    if ((rc != 0)); then
      status="failed (exit $rc)"
      ((rc == 124)) && status="failed (timeout after ${BENCH_TIMEOUT}s)"
      printf '  %-10s %-11s run %d/%d: %s; last lines of %s:\n' \
        "$name" "$case" "${BENCH_PASS:-$i}" "${BENCH_PASSES:-$BENCH_REPEAT}" "$status" "$log"
      tail -n 5 "$log" | sed 's/^/      | /'
      best_wall=- best_kib=-
      break
    fi
    printf '  %-10s %-11s run %d/%d: %6.2f s %7.1f MiB  %s %s\n' \
      "$name" "$case" "${BENCH_PASS:-$i}" "${BENCH_PASSES:-$BENCH_REPEAT}" "$wall" "$(awk -v k="$kib" 'BEGIN { print k / 1024 }')" \
      "$BENCH_METRIC" "$metric"
    if [[ $best_wall == - ]] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
      best_wall=$wall
    fi
    if [[ $best_kib == - ]] || ((kib < best_kib)); then
      best_kib=$kib
    fi
  done
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$case" "$best_wall" "$best_kib" "$metric" "$status" \
    >>"$BENCH_RESULTS"
}

# bench_record NAME CASE STATUS: a row for a run that did not take place ("skipped (...)",
# "failed (make build exit 2)").
bench_record() {
  printf '  %-10s %-11s %s\n' "$1" "$2" "$3"
  printf '%s\t%s\t-\t-\t-\t%s\n' "$1" "$2" "$3" >>"$BENCH_RESULTS"
}
