#!/usr/bin/env bash
# `make bench-serve`: our `serve` against the official image's serving stack as it ships (Flask +
# Debian's python3-xgboost under gunicorn gevent workers, one per core, keep-alive 60 s, and
# OMP_NUM_THREADS=1, which the official `serve` entry point sets unless the user did) on the same
# model and machine, side by side with wrk: single-row CSV requests and 150-row batches at 8 connections,
# with /ping probed every 20 ms during our runs (its p99 against the issue's 10 ms).
# Then our `serve` is started BENCH_SERVE_STARTS times (5) alone, from a fresh JVM, and the time from
# the process's start to the first /ping 200 is reported against the issue's 1 s.
# Knobs: BENCH_SERVE_SECONDS (default 10 per run), BENCH_SERVE_CONNECTIONS (8), BENCH_SERVE_THREADS (2).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SECONDS_PER_RUN=${BENCH_SERVE_SECONDS:-10}
CONNECTIONS=${BENCH_SERVE_CONNECTIONS:-8}
WRK_THREADS=${BENCH_SERVE_THREADS:-2}
OURS_PORT=${BENCH_SERVE_OURS_PORT:-18081}
PEER_PORT=${BENCH_SERVE_PEER_PORT:-18082}
DIR=$ROOT/build/bench-serve
LOGS=$DIR/logs
JAR=$ROOT/algorithm/target/xgboost-container.jar
CORES=$(nproc)
SYSTEM_PYTHON=/usr/bin/python3

say() { printf '%s\n' "$*"; }
mkdir -p "$DIR" "$LOGS"

# apt_install PACKAGE...: as root, or through password-less sudo.
apt_install() {
  local -a as=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null && sudo -n true 2>/dev/null || return 1
    as=(sudo -n)
  fi
  say "installing Debian packages $* (log: $LOGS/apt.log)"
  { "${as[@]}" apt-get update && DEBIAN_FRONTEND=noninteractive "${as[@]}" apt-get install -y "$@"; } >>"$LOGS/apt.log" 2>&1
}

missing=()
command -v wrk >/dev/null || missing+=(wrk)
[[ -x /usr/bin/gunicorn ]] || missing+=(gunicorn)
$SYSTEM_PYTHON -c 'import flask' 2>/dev/null || missing+=(python3-flask)
$SYSTEM_PYTHON -c 'import gevent' 2>/dev/null || missing+=(python3-gevent)
$SYSTEM_PYTHON -c 'import xgboost' 2>/dev/null || missing+=(python3-xgboost)
$SYSTEM_PYTHON -c 'import sklearn' 2>/dev/null || missing+=(python3-sklearn)
if ((${#missing[@]})); then
  apt_install "${missing[@]}" || { say "cannot install ${missing[*]}: apt-get install ${missing[*]}" >&2; exit 1; }
fi

say "building the container: make build (log: $LOGS/make-build.log)"
make build >"$LOGS/make-build.log" 2>&1 || { grep -m 5 ERROR "$LOGS/make-build.log" >&2; exit 1; }

# --- The model: the breast-cancer data set (569 x 30, scikit-learn's copy), trained by our train. ---
# base_score is set because Debian's xgboost 1.7 (the peer) mispredicts a 3.x model with an estimated one.
OPT=$DIR/opt_ml
rm -rf "$OPT" && mkdir -p "$OPT/input/config" "$OPT/input/data/train"
$SYSTEM_PYTHON - "$OPT/input/data/train/train.csv" "$DIR/row.csv" "$DIR/batch.csv" <<'PY'
import sys
from sklearn.datasets import load_breast_cancer
d = load_breast_cancer()
with open(sys.argv[1], "w") as f:
    for x, y in zip(d.data, d.target):
        f.write(",".join([str(int(y))] + [repr(float(v)) for v in x]) + "\n")
rows = [",".join(repr(float(v)) for v in x) for x in d.data]
open(sys.argv[2], "w").write(rows[0] + "\n")
open(sys.argv[3], "w").write("\n".join(rows[:150]) + "\n")
PY
echo '{"num_round": "100", "objective": "binary:logistic", "max_depth": "5", "eta": "0.2", "base_score": "0.5"}' >"$OPT/input/config/hyperparameters.json"
echo '{"train": {"ContentType": "text/csv"}}' >"$OPT/input/config/inputdataconfig.json"
say "training the breast-cancer model with our train (log: $LOGS/train.log)"
SAGEMAKER_BASE_DIR=$OPT java -jar "$JAR" train >"$LOGS/train.log" 2>&1

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

await() { # await PORT NAME
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$1/ping" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  say "$2 did not answer /ping on port $1; see $LOGS" >&2
  exit 1
}

# The peer as the official image runs it: its `serve` entry point sets OMP_NUM_THREADS=1 (unless
# the user set it) before gunicorn starts one gevent worker per core with keep-alive 60 s.
PEER_CONFIG="OMP_NUM_THREADS=1, gunicorn -k gevent -w $CORES --keep-alive 60"
say "starting ours on port $OURS_PORT and the peer ($PEER_CONFIG) on port $PEER_PORT"
SAGEMAKER_BASE_DIR=$OPT SAGEMAKER_BIND_TO_PORT=$OURS_PORT java ${BENCH_SERVE_JAVA_OPTS:-} -jar "$JAR" serve >"$LOGS/ours.log" 2>&1 &
OURS_PID=$!
pids+=($!)
OMP_NUM_THREADS=1 MODEL=$OPT/model/xgboost-model /usr/bin/gunicorn -k gevent -w "$CORES" --keep-alive 60 \
  -b "127.0.0.1:$PEER_PORT" --chdir "$ROOT/bench/peers" --log-level warning official_serve:app >"$LOGS/peer.log" 2>&1 &
PEER_PID=$!
pids+=($!)
await "$OURS_PORT" ours
await "$PEER_PORT" peer

# Both must answer the same predictions before they are timed.
for f in row batch; do
  curl -sf -H 'Content-Type: text/csv' --data-binary @"$DIR/$f.csv" "http://127.0.0.1:$OURS_PORT/invocations" >"$DIR/ours-$f.out"
  curl -sf -H 'Content-Type: text/csv' --data-binary @"$DIR/$f.csv" "http://127.0.0.1:$PEER_PORT/invocations" >"$DIR/peer-$f.out"
  paste -d ' ' "$DIR/ours-$f.out" "$DIR/peer-$f.out" | awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > 1e-6) { print "predictions differ: " $0; exit 1 } }' >&2
done
say "both answer the same $(wc -l <"$DIR/ours-batch.out") predictions for the batch"

cat >"$DIR/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/csv"
local f = io.open(os.getenv("BODY"), "rb")
wrk.body = f:read("*a")
f:close()
LUA

# cpu_ticks PID: the CPU time (clock ticks, user + system) of PID and its children so far; the peer's
# gunicorn master forks its workers, our serve is one process.
cpu_ticks() {
  local total=0 stat pid
  for stat in /proc/[0-9]*/stat; do
    read -r pid _ _ ppid _ < <(sed 's/([^)]*)/x/' "$stat" 2>/dev/null) || continue
    [[ $pid == "$1" || $ppid == "$1" ]] || continue
    total=$((total + $(sed 's/([^)]*)/x/' "$stat" | awk '{ print $14 + $15 }')))
  done
  echo "$total"
}

# ping_probe PORT OUT: GET /ping every 20 ms on one keep-alive connection until killed, one latency
# (ms) a line in OUT; the issue asks /ping to stay under 10 ms p99 while the server is under load.
ping_probe() {
  $SYSTEM_PYTHON - "$1" "$2" >/dev/null 2>&1 <<'PY' &
import http.client, sys, time
conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        t = time.perf_counter()
        conn.request("GET", "/ping")
        r = conn.getresponse()
        r.read()
        out.write("%.3f %d\n" % ((time.perf_counter() - t) * 1000, r.status))
        time.sleep(0.02)
PY
  echo $!
}

# run NAME PORT CASE SERVER_PID: prints "req/s p99_ms server_cores wrk_cores". A run with socket
# errors or non-2xx answers is refused: a server that fails fast would otherwise look fast.
run() {
  local log=$LOGS/wrk-$1-$3.log before after probe=
  [[ $1 == ours ]] && probe=$(ping_probe "$2" "$LOGS/ping-ours.txt")
  before=$(cpu_ticks "$4")
  BODY=$DIR/$3.csv /usr/bin/time -f '%U %S' -o "$log.time" wrk -t "$WRK_THREADS" -c "$CONNECTIONS" \
    -d "${SECONDS_PER_RUN}s" --latency -s "$DIR/post.lua" "http://127.0.0.1:$2/invocations" >"$log" 2>&1
  after=$(cpu_ticks "$4")
  [[ -n $probe ]] && { kill "$probe" 2>/dev/null; wait "$probe" 2>/dev/null || true; }
  if grep -qE 'Socket errors|Non-2xx' "$log"; then
    say "$1 ($3): wrk saw errors, the run is refused: $(grep -E 'Socket errors|Non-2xx' "$log" | tr -s ' ' | tr '\n' ';'); see $log" >&2
    exit 1
  fi
  awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" -v secs="$SECONDS_PER_RUN" -v wrkcpu="$(cat "$log.time")" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec:/ { rps = $2 }
    /^ +99%/ { p99 = ms($2) }
    END { split(wrkcpu, w, " "); printf "%.0f %.1f %.2f %.2f\n", rps, p99, ticks / hz / secs, (w[1] + w[2]) / secs }' "$log"
}

# Warm-up: a few seconds per server before timing, so the JVM's JIT and the peers' imports are done
# (an endpoint serves for hours; the first second is not what it answers in).
for port in "$OURS_PORT" "$PEER_PORT"; do
  BODY=$DIR/row.csv wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "${BENCH_SERVE_WARMUP:-3}s" -s "$DIR/post.lua" \
    "http://127.0.0.1:$port/invocations" >"$LOGS/warmup-$port.log" 2>&1
done

results=()
rm -f "$LOGS/ping-ours.txt"
for c in row batch; do
  say "wrk ${SECONDS_PER_RUN}s, $CONNECTIONS connections, $c: ours, then the peer"
  read -r ours_rps ours_p99 ours_cpu ours_wrk < <(run ours "$OURS_PORT" "$c" "$OURS_PID") || exit 1
  read -r peer_rps peer_p99 peer_cpu peer_wrk < <(run peer "$PEER_PORT" "$c" "$PEER_PID") || exit 1
  say "  ours $ours_rps req/s (server $ours_cpu cores, wrk $ours_wrk), peer $peer_rps req/s (server $peer_cpu cores, wrk $peer_wrk)"
  results+=("$c $ours_rps $ours_p99 $peer_rps $peer_p99")
done
say ""
say "| case | run | req/s | p99 ms | throughput ours/peer | p99 ours/peer |"
say "|---|---|---:|---:|---:|---:|"
for r in "${results[@]}"; do
  read -r c ors op99 prs pp99 <<<"$r"
  # the issue's targets against the peer as shipped: >= 4x single-row, >= 3x batch, p99 <= 0.1x
  target=$([[ $c == row ]] && echo 4 || echo 3)
  awk -v c="$c" -v ors="$ors" -v op="$op99" -v prs="$prs" -v pp="$pp99" -v t="$target" '
    BEGIN {
      name = c == "row" ? "1 row" : "150 rows"
      tr = prs > 0 ? ors / prs : 0; pr = pp > 0 ? op / pp : 0
      printf "| %s | ours | %s | %s | | |\n", name, ors, op
      printf "| %s | peer (official stack as shipped) | %s | %s | %.2fx (target >= %dx: %s) | %.2fx (target <= 0.1x: %s) |\n",
        name, prs, pp, tr, t, (tr >= t ? "met" : "MISSED"), pr, (pr <= 0.1 ? "met" : "MISSED")
    }'
done
sort -n "$LOGS/ping-ours.txt" | awk '
  { ms[NR] = $1; if ($2 != 200) bad++ }
  END { if (NR == 0) { print "/ping during ours runs: no sample"; exit 1 }
    p = ms[int(NR * 0.99 + 0.999)]
    printf "\n/ping during ours runs: %d pings, p99 %.1f ms (target < 10 ms: %s), %d not 200\n", NR, p,
      (p < 10 && bad == 0 ? "met" : "MISSED"), bad }' || exit 1

# Time to ready: our serve alone (the peer stopped), started afresh each time. Wall time from the
# spawn to the first /ping 200 (polled every 10 ms), and the server's own "ready N ms after the JVM
# started" line.
kill "$OURS_PID" "$PEER_PID" 2>/dev/null || true
wait "$OURS_PID" "$PEER_PID" 2>/dev/null || true
ready=()
for i in $(seq 1 "${BENCH_SERVE_STARTS:-5}"); do
  start=$(date +%s%N)
  SAGEMAKER_BASE_DIR=$OPT SAGEMAKER_BIND_TO_PORT=$OURS_PORT java ${BENCH_SERVE_JAVA_OPTS:-} -jar "$JAR" serve \
    >"$LOGS/ready-$i.log" 2>&1 &
  pid=$!
  pids+=($pid)
  for _ in $(seq 1 3000); do
    curl -sf "http://127.0.0.1:$OURS_PORT/ping" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { say "serve exited before it was ready; see $LOGS/ready-$i.log" >&2; exit 1; }
    sleep 0.01
  done
  wall=$((($(date +%s%N) - start) / 1000000))
  own=$(sed -n 's/.* ready \([0-9]*\) ms after the JVM started.*/\1/p' "$LOGS/ready-$i.log")
  ready+=("$wall ${own:-?}")
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
printf '%s\n' "${ready[@]}" | sort -n | awk '
  { wall[NR] = $1; own = own (NR > 1 ? ", " : "") $2 }
  END { m = wall[int((NR + 1) / 2)]
    printf "\nready (our serve alone, %d fresh starts): spawn to first /ping 200 median %d ms, max %d ms (target < 1000 ms: %s); the log says ready %s ms after the JVM started\n",
      NR, m, wall[NR], (m < 1000 ? "met" : "MISSED"), own }'
say ""
say "peer: $PEER_CONFIG"
say "machine: $CORES cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); logs in $LOGS"
