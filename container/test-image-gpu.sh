#!/usr/bin/env bash
# The GPU variant's checks that need no GPU (test-image.sh runs this after its own tests; it also runs
# alone after `make image-gpu`): the image trains with device=cpu exactly as the CPU image does,
# device=cuda without a GPU fails at once with a ClientError that says how to pass the GPUs in, serve
# with XGBC_SERVE_DEVICE=cuda falls back to the CPU and says so, and the image holds no Spark or Scala.
# The CPU image's own device=cuda error is checked here too. The GPU itself: bench/gpu-check.sh.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
need_runtime
CPU_IMAGE=$IMAGE
GPU_IMAGE=${IMAGE_GPU:-xgboost-container:latest-gpu}
work=$root/build/test-image-gpu
rm -rf "$work"
mkdir -p "$work"
passed=0 failed=0

ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "FAILED - $1: $2"; failed=$((failed + 1)); }
expect() {
  [ "$2" = "$3" ] && return 0
  not_ok "$1" "expected '$3', got '$2'"
  return 1
}
# hyper DEVICE: the test hyperparameters with device set.
hyper() {
  sed 's/"eval_metric": "rmse"/"eval_metric": "rmse", "device": "'"$1"'"/' "$root/container/test/hyperparameters.json" \
    > "$work/hyperparameters-$1.json"
  echo "$work/hyperparameters-$1.json"
}
metric_lines() { grep $'^\[[0-9]*\]\ttrain-rmse:' "$1"; }

IMAGE=$GPU_IMAGE IMAGE_TAR=build/image-gpu.tar load_image || { echo "gpu image: 0 passed, 1 failed"; exit 1; }

# device=cpu in the GPU image: the same metric lines and outputs as the CPU image (same XGBoost
# version, same CPU code), through the native shim's quantile matrix.
t=gpu_image_trains_with_device_cpu
lay_out "$work/$t/opt_ml" "$(hyper cpu)"
"$DOCKER" run --rm -v "$work/$t/opt_ml:/opt/ml" "$GPU_IMAGE" train > "$work/$t.out" 2> "$work/$t.err"
code=$?
lay_out "$work/cpu_image/opt_ml" "$(hyper cpu)"
"$DOCKER" run --rm -v "$work/cpu_image/opt_ml:/opt/ml" "$CPU_IMAGE" train > "$work/cpu_image.out" 2>&1
if expect $t "$code" 0 \
  && expect $t "$(metric_lines "$work/$t.out" | wc -l)" 10 \
  && expect $t "$(metric_lines "$work/$t.out")" "$(metric_lines "$work/cpu_image.out")" \
  && expect $t "$(ls "$work/$t/opt_ml/model")" xgboost-model \
  && expect $t "$(ls "$work/$t/opt_ml/output/data")" \
    $'evaluation_history.json\nfeature_importance.json\nfeature_importance.png\nlearning_curve.png\npredicted_vs_actual.png\nreport.html\nresidual_histogram.png\nresiduals_vs_predicted.png' \
  && expect $t "$(grep -c 'QuantileDMatrix (native shim)' "$work/$t.err")" 1; then ok $t; fi

# device=cuda where no GPU is passed in: exit 1 before any data is read, the ClientError on the mount.
t=gpu_image_without_a_gpu_says_how_to_pass_one_in
lay_out "$work/$t/opt_ml" "$(hyper cuda)"
"$DOCKER" run --rm -v "$work/$t/opt_ml:/opt/ml" "$GPU_IMAGE" train > "$work/$t.out" 2>&1
code=$?
if [ -e /dev/nvidiactl ]; then
  echo "skipped - $t: this machine has an NVIDIA driver (bench/gpu-check.sh covers the GPU)"
elif expect $t "$code" 1 \
  && expect $t "$(cat "$work/$t/opt_ml/output/failure" 2>&1)" \
    "ClientError: hyperparameter 'device': 'cuda' needs an NVIDIA GPU, but no GPU is visible in this container (no NVIDIA driver: libcuda.so.1: cannot open shared object file: No such file or directory), perhaps you should start the container with the host's GPUs (docker run --gpus all ...), or on SageMaker pick a GPU instance type such as ml.g5.xlarge, or set device to 'cpu' to train on the CPU" \
  && expect $t "$(ls -A "$work/$t/opt_ml/model")" "" \
  && expect $t "$(grep -c 'channel .train.' "$work/$t.out")" 0; then ok $t; fi

# The CPU image names the GPU variant.
t=cpu_image_names_the_gpu_variant
lay_out "$work/$t/opt_ml" "$(hyper cuda)"
"$DOCKER" run --rm -v "$work/$t/opt_ml:/opt/ml" "$CPU_IMAGE" train > "$work/$t.out" 2>&1
code=$?
if expect $t "$code" 1 \
  && expect $t "$(cat "$work/$t/opt_ml/output/failure" 2>&1)" \
    "ClientError: hyperparameter 'device': 'cuda' needs an NVIDIA GPU, but this is the CPU image, whose XGBoost (xgboost4j from Maven Central) is built without CUDA, perhaps you should run the GPU variant of this image (xgboost-container:latest-gpu, built by make image-gpu) on a GPU instance type such as ml.g5.xlarge, or set device to 'cpu' to train on the CPU"; then
  ok $t
fi

# serve with XGBC_SERVE_DEVICE=cuda and no GPU: the CPU predicts, and the log says why.
t=gpu_image_serves_on_the_cpu_without_a_gpu
port=8080
while (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; do port=$((port + 1)); done
name=xgbc-gpu-serve-$(printf '%s' "$root" | sha256sum | cut -c1-6)
"$DOCKER" rm -f -t 0 "$name" > /dev/null 2>&1
"$DOCKER" run -d --name "$name" -p "127.0.0.1:$port:8080" -e XGBC_SERVE_DEVICE=cuda \
  -v "$work/gpu_image_trains_with_device_cpu/opt_ml:/opt/ml" "$GPU_IMAGE" serve > /dev/null 2> "$work/$t.err"
ping=000
for _ in $(seq 1 150); do
  ping=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/ping" 2> /dev/null)
  [ "$ping" = 200 ] && break
  sleep 0.2
done
cut -d, -f2- "$root/sample-data/abalone/csv/validation/validation.csv" | head -20 > "$work/$t.csv"
curl -s -H 'Content-Type: text/csv' --data-binary @"$work/$t.csv" "http://127.0.0.1:$port/invocations" \
  > "$work/$t.out" 2>&1
"$DOCKER" logs "$name" > "$work/$t.log" 2>&1
"$DOCKER" rm -f -t 0 "$name" > /dev/null 2>&1
if [ -e /dev/nvidiactl ]; then
  echo "skipped - $t: this machine has an NVIDIA driver"
elif expect $t "$ping" 200 \
  && expect $t "$(grep -cE '^[0-9.]+$' "$work/$t.out")" 20 \
  && expect $t "$(grep -c "INFO predicting on the CPU: XGBC_SERVE_DEVICE=cuda asks for a GPU, but no GPU is visible in this container (no NVIDIA driver: libcuda.so.1: cannot open shared object file: No such file or directory)$" "$work/$t.log")" 1; then
  ok $t
fi

# Only xgboost4j's own classes and CUDA library came from xgboost4j-spark-gpu: no Spark, no Scala.
t=gpu_image_holds_no_spark_or_scala
listing=$("$DOCKER" run --rm "$GPU_IMAGE" sh -c 'ls /app/libs /app/xgboost4j; cat /app/jib-classpath-file' 2>&1)
if expect $t "$(printf '%s\n' "$listing" | grep -ciE 'spark|scala-|rapids|cudf')" 0 \
  && expect $t "$(printf '%s\n' "$listing" | grep -c '^xgboost4j-gpu_2.12-[0-9.]*\.jar$')" 1; then ok $t; fi

echo "gpu image: $GPU_IMAGE, $("$DOCKER" image inspect --format '{{.Size}}' "$GPU_IMAGE" | awk '{printf "%d MB", $1 / 1e6}') unpacked, $(du -m "$root/build/image-gpu.tar" | cut -f1) MB compressed"
echo "gpu image: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
