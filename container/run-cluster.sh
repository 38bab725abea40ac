#!/usr/bin/env bash
# Runs a SageMaker-like cluster of N hosts (default 3) from the image: containers algo-1..algo-N on
# an internal network where each finds the others by name, each with its own /opt/ml under
# build/cluster/algo-I/opt_ml, all given the abalone sample. Logs go to build/cluster/algo-I.log.
# Usage: container/run-cluster.sh [N [HYPERPARAMETERS_JSON]]. Exits 0 when every host exits 0,
# else with the first non-zero exit code.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need_runtime

n=${1:-3}
hyper=${2:-$root/sample-data/demo/hyperparameters.json}
dir=$root/build/cluster
# Names of their own per working tree, so that trees on one machine do not meet.
tag=$(printf '%s' "$root" | sha256sum | cut -c1-6)
net=xgbc-cluster-$tag
load_image

hosts=$(for i in $(seq 1 "$n"); do printf '"algo-%s"\n' "$i"; done | paste -sd, -)
cleanup() {
  for i in $(seq 1 "$n"); do "$DOCKER" rm -f "xgbc-$tag-algo-$i" >/dev/null 2>&1 || true; done
  "$DOCKER" network rm -f "$net" >/dev/null 2>&1 || true
}
cleanup
trap cleanup EXIT
"$DOCKER" network create --internal "$net" >/dev/null

mkdir -p "$dir"
for i in $(seq 1 "$n"); do
  lay_out "$dir/algo-$i/opt_ml" "$hyper" "algo-$i" "[$hosts]"
  "$DOCKER" run -d --name "xgbc-$tag-algo-$i" --network "$net" --network-alias "algo-$i" \
    --hostname "algo-$i" -v "$dir/algo-$i/opt_ml:/opt/ml" "$IMAGE" train >/dev/null
done

first=0
for i in $(seq 1 "$n"); do
  code=$("$DOCKER" wait "xgbc-$tag-algo-$i")
  "$DOCKER" logs "xgbc-$tag-algo-$i" > "$dir/algo-$i.log" 2>&1 || true
  echo "algo-$i: exit $code$( [ "$code" = 0 ] || echo ", $(cat "$dir/algo-$i/opt_ml/output/failure" 2>/dev/null)")"
  [ "$first" = 0 ] && [ "$code" != 0 ] && first=$code
done
exit "$first"
