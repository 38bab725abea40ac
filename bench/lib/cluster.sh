# Multi-host runs on this machine: sourced by bench/run.sh.
#
# bench_cluster CASE WORKERS MODE TRAIN_CSV VALIDATION_CSV ROUNDS
#
# Starts WORKERS JVMs at once, hosts algo-1..N mapped to 127.0.0.1..N through the JDK's hosts file,
# each with its own /opt/ml tree; MODE is `replicated` (every host gets the whole CSV) or `sharded`
# (host i gets the i-th of N line-aligned parts). Each JVM runs under GNU time. Appends one row to
# $BENCH_CLUSTER: case, workers, mode, wall seconds (start of the first to end of the last), the
# peak RSS of each host in MiB (comma-separated), the leader's last validation-logloss, status.
bench_cluster() {
  local case=$1 n=$2 mode=$3 csv=$4 val=$5 rounds=$6
  local base=$BENCH_DIR/runs/cluster-$mode-$n hosts_file port i status=ok
  rm -rf "$base"
  mkdir -p "$base"
  hosts_file=$base/hosts
  local -a names=()
  for ((i = 1; i <= n; i++)); do
    names+=("\"algo-$i\"")
    echo "127.0.0.$i algo-$i" >>"$hosts_file"
  done
  if [[ $mode == sharded ]]; then
    split -n "l/$n" -d -a 2 "$csv" "$base/part-"
  fi
  port=$((20000 + RANDOM % 20000))
  for ((i = 1; i <= n; i++)); do
    local root=$base/algo-$i/opt_ml
    mkdir -p "$root/input/config" "$root/input/data/train" "$root/input/data/validation"
    cat >"$root/input/config/hyperparameters.json" <<JSON
{"num_round":"$rounds","objective":"binary:logistic","tree_method":"hist","max_depth":"6","eta":"0.1","eval_metric":"logloss"}
JSON
    cat >"$root/input/config/inputdataconfig.json" <<JSON
{"train":{"ContentType":"text/csv","S3DistributionType":"$([[ $mode == sharded ]] && echo ShardedByS3Key || echo FullyReplicated)"},"validation":{"ContentType":"text/csv"}}
JSON
    local IFS=,
    echo "{\"current_host\":\"algo-$i\",\"hosts\":[${names[*]}],\"network_interface_name\":\"lo\"}" \
      >"$root/input/config/resourceconfig.json"
    unset IFS
    if [[ $mode == sharded ]]; then
      mv "$base/part-$(printf '%02d' $((i - 1)))" "$root/input/data/train/train.csv"
    else
      ln "$csv" "$root/input/data/train/train.csv" 2>/dev/null || ln -s "$csv" "$root/input/data/train/train.csv"
    fi
    ln "$val" "$root/input/data/validation/validation.csv" 2>/dev/null || ln -s "$val" "$root/input/data/validation/validation.csv"
  done
  local start end
  local -a pids=()
  start=$(date +%s.%N)
  for ((i = 1; i <= n; i++)); do
    # Workers share this machine's cores: spinning OpenMP threads would steal them from each other.
    OMP_WAIT_POLICY=PASSIVE SAGEMAKER_BASE_DIR=$base/algo-$i/opt_ml SM_TRACKER_PORT=$port \
      /usr/bin/time -f '%e %M' -o "$base/algo-$i.time" \
      timeout "$BENCH_TIMEOUT" java -Djdk.net.hosts.file="$hosts_file" -jar "$JAR" train \
      >"$base/algo-$i.log" 2>&1 &
    pids+=($!)
  done
  for ((i = 0; i < n; i++)); do
    wait "${pids[$i]}" || status="failed (algo-$((i + 1)) exit $?, see $base/algo-$((i + 1)).log)"
  done
  end=$(date +%s.%N)
  local wall rss="" metric
  wall=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')
  for ((i = 1; i <= n; i++)); do
    rss+=$(tail -n 1 "$base/algo-$i.time" | awk '{ printf "%.0f", $2 / 1024 }')
    ((i < n)) && rss+=,
  done
  metric=$(grep -Eo "validation-logloss:[-+0-9.eE]+" "$base/algo-1.log" | tail -n 1 | cut -d: -f2 || true)
  printf '  %-10s %-11s %d worker(s), %-10s %6s s, peak RSS per host %s MiB, validation-logloss %s %s\n' \
    ours "$case" "$n" "$mode" "$wall" "$rss" "${metric:--}" "$status"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$case" "$n" "$mode" "$wall" "$rss" "${metric:--}" "$status" >>"$BENCH_CLUSTER"
}

# bench_cluster_table FILE: the Markdown table of the rows bench_cluster appended.
bench_cluster_table() {
  echo "| case | workers | train data | wall s | peak RSS per host, MiB | validation-logloss | status |"
  echo "|---|---|---|---|---|---|---|"
  awk -F '\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7 }' "$1"
}
