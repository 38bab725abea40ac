#!/usr/bin/env bash
# Runs one training job in the image, as SageMaker does: `$DOCKER run -v OPT_ML:/opt/ml IMAGE train`.
# Usage: container/run-image.sh [OPT_ML_DIR] [-- extra runtime options]
# Without OPT_ML_DIR it lays out the abalone sample in build/run-image/opt_ml. Exits with the
# container's exit code; on failure prints the failure file.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need_runtime

opt_ml=${1:-}
[ $# -gt 0 ] && shift
[ "${1:-}" = -- ] && shift
if [ -z "$opt_ml" ]; then
  opt_ml=$root/build/run-image/opt_ml
  lay_out "$opt_ml"
fi
[ -d "$opt_ml" ] || { echo "$opt_ml is not a folder, perhaps you should lay out input/config and input/data there" >&2; exit 1; }
opt_ml=$(cd "$opt_ml" && pwd)
load_image

set +e
"$DOCKER" run --rm "$@" -v "$opt_ml:/opt/ml" "$IMAGE" train
code=$?
set -e
if [ "$code" -eq 0 ]; then
  echo "model: $opt_ml/model/xgboost-model" >&2
else
  echo "training failed (exit $code): $(cat "$opt_ml/output/failure" 2>/dev/null || echo 'no failure file')" >&2
fi
exit "$code"
