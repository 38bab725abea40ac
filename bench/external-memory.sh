#!/bin/sh
# External memory against in memory (Linux): time per round on data that fits, and peak RSS of the
# external-memory job as the data doubles. Not part of `make bench` (it writes GBs); run it alone:
#   bench/external-memory.sh                 # 250,000 rows x 100 features, then 2x and 4x the rows
#   EM_ROWS=50000 EM_ROUNDS=5 bench/external-memory.sh   # small, for trying it out
# Targets (issue 17): external memory <= 1.5x the in-memory time per round; peak RSS flat (within
# 10%) when the data doubles: anonymous and file-backed peaks apart. Results: build/bench/external-memory.md; logs beside it.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
rows=${EM_ROWS:-250000}
features=${EM_FEATURES:-100}
rounds=${EM_ROUNDS:-20}
out=$root/build/bench/external-memory
jar=$root/algorithm/target/xgboost-container.jar
mkdir -p "$out"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -DskipTests package)
javac -d "$out/gen" "$root/bench/gen/GenerateCsv.java"

# run <name> <csv> <external_memory>: one train job under GNU time, its /proc status sampled every
# 0.1 s; prints "<wall s> <peak KiB> <s/round> <peak anonymous KiB> <peak file-backed KiB>". Anonymous
# memory (RssAnon) is what a cgroup limit cannot take back without swap; file-backed pages (RssFile:
# the jar, libraries, and the mapped cache of parsed rows and XGBoost's pages) the kernel reclaims.
run() {
  base=$out/$1
  rm -rf "$base"; mkdir -p "$base/input/config" "$base/input/data/train"
  # a hard link (the channel lists regular files only), a copy across file systems
  ln "$2" "$base/input/data/train/train.csv" 2>/dev/null || cp "$2" "$base/input/data/train/train.csv"
  printf '{"num_round":"%s","objective":"binary:logistic","max_depth":"6","eta":"0.1","eval_metric":"logloss","external_memory":"%s"}' \
    "$rounds" "$3" > "$base/input/config/hyperparameters.json"
  echo '{"train":{"ContentType":"text/csv"}}' > "$base/input/config/inputdataconfig.json"
  SAGEMAKER_BASE_DIR=$base /usr/bin/time -f '%e %M' -o "$base.time" \
    java ${EM_JAVA_OPTS:--Xmx256m -XX:MaxDirectMemorySize=4g} -jar "$jar" train > "$base.out" 2> "$base.err" &
  timer=$!
  anon=0; file=0; jvm=
  while kill -0 "$timer" 2>/dev/null; do
    [ -n "$jvm" ] || jvm=$(pgrep -P "$timer" java || true)
    if [ -n "$jvm" ] && set -- $(awk '/^RssAnon/ { a = $2 } /^RssFile/ { f = $2 } END { print a + 0, f + 0 }' \
        "/proc/$jvm/status" 2>/dev/null); then
      [ "${1:-0}" -gt "$anon" ] && anon=$1
      [ "${2:-0}" -gt "$file" ] && file=$2
    fi
    sleep 0.1
  done
  wait "$timer" || true
  # seconds per round: the report's "train" phase (the boosting rounds alone, to the hundredth of a
  # second: no matrix build, no outputs or charts), divided by the rounds
  per_round=$(sed -n 's|.*<td>train</td><td class="num">\([0-9.]*\)</td>.*|\1|p' "$base/output/data/report.html" \
    2>/dev/null | awk -v n="$rounds" '$1 ~ /\./ { printf "%.4f", $1 / n; exit }')
  echo "$(tail -1 "$base.time") ${per_round:-?} $anon $file"
}

{
  echo "# External memory, $(date -u +%Y-%m-%dT%H:%MZ), $rounds rounds, $features features"
  echo
  echo "| rows | CSV MB | path | wall s | peak RSS MiB | peak anonymous MiB | peak file-backed MiB | s per round |"
  echo "|---|---|---|---|---|---|---|---|"
  n=$rows
  for step in 1 2 4; do
    csv=$out/train-$n.csv
    [ -f "$csv" ] || java -cp "$out/gen" GenerateCsv "$n" "$features" 7 "$csv"
    mb=$(( $(stat -c %s "$csv") / 1000000 ))
    for path in false true; do
      # in memory only on the first size: the point of the larger ones is external memory's RSS
      if [ "$path" = false ] && [ "$step" != 1 ]; then continue; fi
      set -- $(run "r$n-$path" "$csv" "$path")
      echo "| $n | $mb | $( [ "$path" = true ] && echo external || echo in-memory) | $1 | $(( $2 / 1024 )) |" \
        "$(( $4 / 1024 )) | $(( $5 / 1024 )) | $3 |"
    done
    n=$(( n * 2 ))
  done
} | tee "$out.md"
# the two targets, from the table's rows: per round on the first size, peak RSS as the rows double
awk -F'|' '
  $4 ~ /in-memory/ { mem = $9 + 0 }
  $4 ~ /external/ { ext[++k] = $9 + 0; rss[k] = $6 + 0 }
  END {
    if (mem > 0 && k > 0) printf "\nper round, external / in memory: %.2fx (target <= 1.5x: %s)\n", ext[1] / mem,
      ext[1] / mem <= 1.5 ? "met" : "MISSED"
    for (i = 2; i <= k; i++) printf "peak RSS as the rows double, step %d: %+.1f%% (target within 10%%: %s)\n", i - 1,
      (rss[i] / rss[i - 1] - 1) * 100, (rss[i] / rss[i - 1] - 1 <= 0.10 ? "met" : "MISSED")
  }' "$out.md" | tee -a "$out.md"
