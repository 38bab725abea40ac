#!/usr/bin/env bash
# `make bench`: the container's train command against two peers on the same job, side by side.
# See bench/README.md for the knobs. Run from anywhere; paths are resolved from the repository root.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

BENCH_ROWS=${BENCH_ROWS:-1000000}
BENCH_ROUNDS=${BENCH_ROUNDS:-1 100}
BENCH_REPEAT=${BENCH_REPEAT:-1}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-900}
BENCH_WORKERS=${BENCH_WORKERS-1 2 3}
BENCH_CLUSTER_ROUNDS=${BENCH_CLUSTER_ROUNDS:-20}
BENCH_MODES_ROUNDS=${BENCH_MODES_ROUNDS:-10}
BENCH_MODES=${BENCH_MODES-csv parquet protobuf}
BENCH_PEERS=${BENCH_PEERS-xgboost4j python}
BENCH_BASELINE_JAR=${BENCH_BASELINE_JAR:-}
model_check=
BENCH_METRIC=train-logloss
BENCH_FEATURES=28
BENCH_SEED=42

BENCH_DIR=$ROOT/build/bench
BENCH_LOGS=$BENCH_DIR/logs
BENCH_RESULTS=$BENCH_DIR/results.tsv
BENCH_TARGETS=$BENCH_DIR/targets.tsv
BENCH_CLUSTER=$BENCH_DIR/cluster.tsv
JAR=$ROOT/algorithm/target/xgboost-container.jar
SYSTEM_PYTHON=/usr/bin/python3

source "$ROOT/bench/lib/measure.sh"
source "$ROOT/bench/lib/table.sh"
source "$ROOT/bench/lib/cluster.sh"

say() { printf '%s\n' "$*"; }

# peer_wanted NAME: whether BENCH_PEERS lists NAME.
peer_wanted() { [[ " $BENCH_PEERS " == *" $1 "* ]]; }

[[ $BENCH_ROWS =~ ^[1-9][0-9]*$ ]] || { say "BENCH_ROWS must be a positive integer, got '$BENCH_ROWS'" >&2; exit 2; }
[[ $BENCH_REPEAT =~ ^[1-9][0-9]*$ ]] || { say "BENCH_REPEAT must be a positive integer, got '$BENCH_REPEAT'" >&2; exit 2; }
if [[ -n $BENCH_BASELINE_JAR && ! -f $BENCH_BASELINE_JAR ]]; then
  say "BENCH_BASELINE_JAR: no file '$BENCH_BASELINE_JAR', perhaps you should copy an earlier build's algorithm/target/xgboost-container.jar there" >&2
  exit 2
fi
for p in $BENCH_PEERS; do
  [[ $p == xgboost4j || $p == python ]] || { say "BENCH_PEERS lists xgboost4j and python only, got '$p'" >&2; exit 2; }
done
for m in $BENCH_MODES; do
  [[ $m == csv || $m == parquet || $m == protobuf ]] || { say "BENCH_MODES lists csv, parquet and protobuf only, got '$m'" >&2; exit 2; }
done
for r in $BENCH_ROUNDS; do
  [[ $r =~ ^[1-9][0-9]*$ ]] || { say "BENCH_ROUNDS must list positive integers, got '$BENCH_ROUNDS'" >&2; exit 2; }
done

# apt_install PACKAGE: as root, or through password-less sudo; fails quietly otherwise.
apt_install() {
  local -a as=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null && sudo -n true 2>/dev/null || return 1
    as=(sudo -n)
  fi
  say "installing Debian package $1 (log: $BENCH_LOGS/apt-$1.log)"
  { "${as[@]}" apt-get update && DEBIAN_FRONTEND=noninteractive "${as[@]}" apt-get install -y "$1"; } \
    >"$BENCH_LOGS/apt-$1.log" 2>&1
}

mkdir -p "$BENCH_DIR/data" "$BENCH_DIR/classes" "$BENCH_LOGS" "$BENCH_DIR/runs"
: >"$BENCH_RESULTS"
: >"$BENCH_TARGETS"
: >"$BENCH_CLUSTER"

if [[ ! -x /usr/bin/time ]]; then
  apt_install time || { say "GNU time (/usr/bin/time) is missing and could not be installed: apt-get install time" >&2; exit 1; }
fi

# --- The data: generated once per (rows, generator source), then reused. --------------------------
gen_src=bench/gen/GenerateCsv.java
gen_id=$(sha256sum "$gen_src" | cut -c1-8)
CSV=$BENCH_DIR/data/train-${BENCH_ROWS}x${BENCH_FEATURES}-seed${BENCH_SEED}-${gen_id}.csv
if [[ ! -s $CSV ]]; then
  javac -d "$BENCH_DIR/classes/gen" "$gen_src"
  say "generating $CSV"
  start=$(date +%s.%N)
  java -cp "$BENCH_DIR/classes/gen" GenerateCsv "$BENCH_ROWS" "$BENCH_FEATURES" "$BENCH_SEED" "$CSV.tmp"
  mv "$CSV.tmp" "$CSV"
  say "generated $(du -h "$CSV" | cut -f1) in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s"
else
  say "reusing $CSV"
fi

# --- Preparing the three ways. Each leaves a reason in *_skip when it cannot run. -----------------
say "building the container: make build (log: $BENCH_LOGS/make-build.log)"
ours_skip=
build_rc=0
make build >"$BENCH_LOGS/make-build.log" 2>&1 || build_rc=$?
if ((build_rc != 0)); then
  ours_skip="failed (make build exit $build_rc)"
  say "ours: $ours_skip; first errors in the build log:"
  # Maven's own errors come first; its boilerplate advice follows them.
  { grep -m 5 'ERROR' "$BENCH_LOGS/make-build.log" || tail -n 8 "$BENCH_LOGS/make-build.log"; } |
    sed -e 's/\x1b\[[0-9;]*m//g' -e 's/^/  | /'
fi

# The xgboost4j program compiles against the shaded jar (it holds xgboost4j), or, without the jar,
# against the module's dependency classpath from the local Maven repository.
xgb4j_skip=
xgb4j_cp=
if [[ -f $JAR ]]; then
  xgb4j_cp=$JAR
elif (cd algorithm && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$BENCH_DIR/classpath.txt") \
  >"$BENCH_LOGS/classpath.log" 2>&1; then
  xgb4j_cp=$(cat "$BENCH_DIR/classpath.txt")
fi
if [[ -z $xgb4j_cp ]]; then
  xgb4j_skip="skipped (no xgboost4j classpath: no jar, and mvn dependency:build-classpath failed)"
elif ! javac -cp "$xgb4j_cp" -d "$BENCH_DIR/classes/peers" bench/peers/PlainXgboost4j.java \
  >"$BENCH_LOGS/javac-peer.log" 2>&1; then
  xgb4j_skip="skipped (javac failed, see $BENCH_LOGS/javac-peer.log)"
fi

python_skip=
if ! peer_wanted python; then
  python_version=-
elif ! "$SYSTEM_PYTHON" -c 'import xgboost' 2>/dev/null; then
  apt_install python3-xgboost || true
fi
if ! peer_wanted python; then
  :
elif python_version=$("$SYSTEM_PYTHON" -c 'import xgboost; print(xgboost.__version__)' 2>/dev/null); then
  say "python: $SYSTEM_PYTHON with xgboost $python_version"
else
  python_skip="skipped (python3-xgboost not available to $SYSTEM_PYTHON)"
  python_version=-
fi

# ours_layout DIR ROUNDS: an /opt/ml tree for one train job over the cached CSV.
ours_layout() {
  local base=$1 rounds=$2
  rm -rf "$base"
  mkdir -p "$base/input/config" "$base/input/data/train" "$base/model" "$base/output"
  cat >"$base/input/config/hyperparameters.json" <<JSON
{"num_round":"$rounds","objective":"binary:logistic","tree_method":"hist","max_depth":"6","eta":"0.1","eval_metric":"logloss"}
JSON
  cat >"$base/input/config/inputdataconfig.json" <<'JSON'
{"train":{"ContentType":"text/csv","TrainingInputMode":"File","S3DistributionType":"FullyReplicated","RecordWrapperType":"None"}}
JSON
  ln "$CSV" "$base/input/data/train/train.csv" 2>/dev/null || ln -s "$CSV" "$base/input/data/train/train.csv"
}

# --- The runs: per case, the ways in turn, BENCH_REPEAT passes (ours, before, xgboost4j, python, ours,
# ...), so that a change in the machine's load falls on every way alike. -------------------------
say "runs: $BENCH_ROWS rows x $BENCH_FEATURES features; rounds: $BENCH_ROUNDS; best of $BENCH_REPEAT, alternated;" \
  "peers: ${BENCH_PEERS:-none}${BENCH_BASELINE_JAR:+; before: $BENCH_BASELINE_JAR}"
for rounds in $BENCH_ROUNDS; do
  case="$rounds round"
  ((rounds == 1)) || case+=s
  run_dir=$BENCH_DIR/runs/r$rounds
  mkdir -p "$run_dir"

  for ((pass = 1; pass <= BENCH_REPEAT; pass++)); do
    export BENCH_PASS=$pass BENCH_PASSES=$BENCH_REPEAT
    if [[ -n $ours_skip ]]; then
      ((pass == 1)) && bench_record ours "$case" "$ours_skip"
    else
      ours_layout "$run_dir/opt_ml" "$rounds"
      BENCH_REPEAT=1 bench_measure ours "$case" SAGEMAKER_BASE_DIR="$run_dir/opt_ml" -- java -jar "$JAR" train
    fi

    if [[ -n $BENCH_BASELINE_JAR ]]; then
      ours_layout "$run_dir/before/opt_ml" "$rounds"
      BENCH_REPEAT=1 bench_measure before "$case" SAGEMAKER_BASE_DIR="$run_dir/before/opt_ml" -- \
        java -jar "$BENCH_BASELINE_JAR" train
    fi

    if peer_wanted xgboost4j; then
      if [[ -n $xgb4j_skip ]]; then
        ((pass == 1)) && bench_record xgboost4j "$case" "$xgb4j_skip"
      else
        BENCH_REPEAT=1 bench_measure xgboost4j "$case" -- \
          java -cp "$BENCH_DIR/classes/peers:$xgb4j_cp" PlainXgboost4j "$CSV" "$rounds" "$run_dir/xgboost4j-model.ubj"
      fi
    fi

    if peer_wanted python; then
      if [[ -n $python_skip ]]; then
        ((pass == 1)) && bench_record python "$case" "$python_skip"
      else
        BENCH_REPEAT=1 bench_measure python "$case" -- \
          "$SYSTEM_PYTHON" bench/peers/plain_xgboost.py "$CSV" "$rounds" "$run_dir/python-model.json"
      fi
    fi
  done
  unset BENCH_PASS BENCH_PASSES

  # The model must not change with the speed: ours' bytes against the earlier build's.
  if [[ -n $BENCH_BASELINE_JAR ]]; then
    if cmp -s "$run_dir/opt_ml/model/xgboost-model" "$run_dir/before/opt_ml/model/xgboost-model"; then
      model_check+="$case: identical. "
    else
      model_check+="$case: DIFFERENT. "
    fi
  fi

  # Targets (issue 16): ours' wall time against the xgboost4j program, 0.85x at 1 round and 0.95x
  # at more, and against the Python path 0.55x and 0.75x; peak RSS 0.5x the xgboost4j program's
  # and 0.6x Python's.
  if [[ -n $BENCH_BASELINE_JAR ]]; then
    printf '%s\t%s\t%s\t%s\n' "$case" before - - >>"$BENCH_TARGETS"
  fi
  wall_target=0.95 python_target=0.75
  ((rounds == 1)) && wall_target=0.85 python_target=0.55
  peer_wanted xgboost4j && printf '%s\t%s\t%s\t%s\n' "$case" xgboost4j "$wall_target" 0.5 >>"$BENCH_TARGETS"
  peer_wanted python && printf '%s\t%s\t%s\t%s\n' "$case" python "$python_target" 0.6 >>"$BENCH_TARGETS"
done

# --- Several hosts on this machine: 1, 2, 3 workers, the whole CSV on each or a shard each. -------
VAL_ROWS=$(( BENCH_ROWS / 5 > 1000 ? BENCH_ROWS / 5 : 1000 ))
VAL_CSV=$BENCH_DIR/data/validation-${VAL_ROWS}x${BENCH_FEATURES}-seed$((BENCH_SEED + 1))-${gen_id}.csv
if [[ -z $ours_skip && -n $BENCH_WORKERS ]]; then
  if [[ ! -s $VAL_CSV ]]; then
    javac -d "$BENCH_DIR/classes/gen" "$gen_src"
    java -cp "$BENCH_DIR/classes/gen" GenerateCsv "$VAL_ROWS" "$BENCH_FEATURES" $((BENCH_SEED + 1)) "$VAL_CSV.tmp"
    mv "$VAL_CSV.tmp" "$VAL_CSV"
  fi
  say "several hosts on this machine: workers $BENCH_WORKERS, $BENCH_CLUSTER_ROUNDS rounds, validation $VAL_ROWS rows"
  for workers in $BENCH_WORKERS; do
    bench_cluster "$BENCH_CLUSTER_ROUNDS rounds" "$workers" replicated "$CSV" "$VAL_CSV" "$BENCH_CLUSTER_ROUNDS"
    if ((workers > 1)); then
      bench_cluster "$BENCH_CLUSTER_ROUNDS rounds" "$workers" sharded "$CSV" "$VAL_CSV" "$BENCH_CLUSTER_ROUNDS"
    fi
  done
fi

# --- Content types and input modes: ours only, each in File mode and in Pipe mode. ----------------
# The same rows as CSV, Parquet (Snappy, double columns) and RecordIO-protobuf (float32 dense
# records), converted once by bench/gen/ConvertCsv.java. In Pipe mode `cat` plays SageMaker's
# streamer, writing the file into the FIFO train_0 while the job reads it.
MODES_RESULTS=$BENCH_DIR/modes.tsv
: >"$MODES_RESULTS"
modes_case="$BENCH_MODES_ROUNDS rounds"
if [[ -z $ours_skip && -n $BENCH_MODES ]]; then
  conv_id=$(cat bench/gen/ConvertCsv.java algorithm/src/main/proto/record.proto | sha256sum | cut -c1-8)
  PARQUET=${CSV%.csv}-$conv_id.parquet
  PROTOBUF=${CSV%.csv}-$conv_id.pb
  if [[ $BENCH_MODES != csv && ( ! -s $PARQUET || ! -s $PROTOBUF ) ]]; then
    (cd algorithm && mvn -B -q dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile="$BENCH_DIR/test-classpath.txt") >"$BENCH_LOGS/test-classpath.log" 2>&1
    conv_cp="$ROOT/algorithm/target/classes:$(cat "$BENCH_DIR/test-classpath.txt")"
    javac -cp "$conv_cp" -d "$BENCH_DIR/classes/gen" bench/gen/ConvertCsv.java
    for kind in parquet recordio-protobuf; do
      out=$PARQUET
      [[ $kind == parquet ]] || out=$PROTOBUF
      [[ -s $out ]] && continue
      say "converting the CSV to $kind: $out"
      java -cp "$BENCH_DIR/classes/gen:$conv_cp" ConvertCsv "$kind" "$CSV" "$out.tmp" 2>"$BENCH_LOGS/convert-$kind.log"
      mv "$out.tmp" "$out"
    done
  fi
  for spec in "csv text/csv $CSV" "parquet application/x-parquet $PARQUET" \
    "protobuf application/x-recordio-protobuf $PROTOBUF"; do
    read -r kind type file <<<"$spec"
    [[ " $BENCH_MODES " == *" $kind "* ]] || continue
    for mode in File Pipe; do
      base=$BENCH_DIR/runs/modes/$kind-$mode/opt_ml
      ours_layout "$base" "$BENCH_MODES_ROUNDS"
      rm -f "$base/input/data/train/train.csv"
      printf '{"train":{"ContentType":"%s","TrainingInputMode":"%s"}}\n' "$type" "$mode" \
        >"$base/input/config/inputdataconfig.json"
      name="$kind-${mode,,}"
      if [[ $mode == File ]]; then
        ln "$file" "$base/input/data/train/$(basename "$file")" 2>/dev/null || ln -s "$file" "$base/input/data/train/"
        BENCH_RESULTS=$MODES_RESULTS bench_measure "$name" "$modes_case" SAGEMAKER_BASE_DIR="$base" -- java -jar "$JAR" train
      else
        rmdir "$base/input/data/train"
        BENCH_RESULTS=$MODES_RESULTS bench_measure "$name" "$modes_case" SAGEMAKER_BASE_DIR="$base" -- \
          bash -c 'rm -f "$0/input/data/train_0" && mkfifo "$0/input/data/train_0" && { cat "$1" >"$0/input/data/train_0" & } && exec java -jar "$2" train' \
          "$base" "$file" "$JAR"
      fi
    done
  done
fi

# --- The report. -----------------------------------------------------------------------------------
{
  say "# make bench"
  say
  say "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo -)," \
    "$(nproc) CPUs; $BENCH_ROWS rows x $BENCH_FEATURES features ($(basename "$CSV")); best of $BENCH_REPEAT."
  say "Peers: xgboost4j program (bench/peers/PlainXgboost4j.java), python = $SYSTEM_PYTHON with" \
    "Debian xgboost $python_version (bench/peers/plain_xgboost.py). Logs: build/bench/logs/."
  say
  bench_table "$BENCH_RESULTS" "$BENCH_TARGETS" ours "$BENCH_METRIC"
  if [[ -n $BENCH_BASELINE_JAR ]]; then
    say
    say "before = $BENCH_BASELINE_JAR. Model bytes, ours against before: $model_check"
  fi
  if [[ -s $BENCH_CLUSTER ]]; then
    say
    say "Several hosts on this machine ($(nproc) CPUs shared by all workers; see bench/README.md):"
    say
    bench_cluster_table "$BENCH_CLUSTER"
  fi
  say
  say "## Content types and input modes ($modes_case, ours)"
  say
  say "Targets: Pipe within 1.1x of File mode's wall time for the same content type; no content type above"
  say "1.5x the CSV File-mode run's peak RSS."
  say
  awk -F '\t' '
    function mib(k) { return k == "-" ? "-" : sprintf("%.0f", k / 1024) }
    function r(a, b) { return (a == "-" || b == "-" || b == 0) ? "-" : a / b }
    function show(x, t) { return x == "-" ? "-" : sprintf("%.2fx (target <= %sx: %s)", x, t, x <= t ? "met" : "MISSED") }
    { wall[$1] = $3; kib[$1] = $4; st[$1] = $6; order[++n] = $1 }
    END {
      print "| run | wall s | peak RSS MiB | pipe / file wall | peak RSS / csv-file | status |"
      print "|---|---:|---:|---|---|---|"
      for (i = 1; i <= n; i++) {
        k = order[i]; split(k, p, "-")
        pw = p[2] == "pipe" ? show(r(wall[k], wall[p[1] "-file"]), 1.1) : ""
        printf "| %s | %s | %s | %s | %s | %s |\n", k, wall[k], mib(kib[k]), pw, show(r(kib[k], kib["csv-file"]), 1.5), st[k]
      }
    }' "$MODES_RESULTS"
  say
  say "Measured before on another 1,000,000 x 28 CSV (240 MB) on a quiet machine: xgboost4j 4.2 s / 13.2 s," \
    "python 6.8 s / 16.4 s (1 / 100 rounds), both about 475 MiB peak. Seconds move with the machine's" \
    "load; the ratios above compare runs of the same invocation."
} >"$BENCH_DIR/results.md"
say
cat "$BENCH_DIR/results.md"
