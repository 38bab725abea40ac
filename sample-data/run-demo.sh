#!/usr/bin/env bash
# Lays out a SageMaker /opt/ml tree for the abalone sample (CSV, train + validation) and runs
# one training job in it with the container's jar, as SageMaker would run `train`.
# Usage: sample-data/run-demo.sh OPT_ML_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
opt_ml="${1:?usage: run-demo.sh OPT_ML_DIR}"
mkdir -p "$opt_ml" && opt_ml="$(cd "$opt_ml" && pwd)"

rm -rf "$opt_ml"
mkdir -p "$opt_ml/input/config" "$opt_ml/input/data" "$opt_ml/model" "$opt_ml/output"
cp -r "$here/abalone/csv/train" "$here/abalone/csv/validation" "$opt_ml/input/data/"
cp "$here/demo/hyperparameters.json" "$here/demo/inputdataconfig.json" "$here/demo/resourceconfig.json" \
   "$opt_ml/input/config/"

set +e
SAGEMAKER_BASE_DIR="$opt_ml" java -jar "$root/algorithm/target/xgboost-container.jar" train
code=$?
set -e
echo
if [ "$code" -ne 0 ]; then
  echo "training failed (exit $code): $(cat "$opt_ml/output/failure" 2>/dev/null)"
  exit "$code"
fi
echo "model:              $opt_ml/model/xgboost-model"
echo "evaluation history: $opt_ml/output/data/evaluation_history.json"
echo "feature importance: $opt_ml/output/data/feature_importance.json"
echo "report (charts):    $opt_ml/output/data/report.html"
