#!/usr/bin/env bash
# Integration tests of the image with a real container runtime ($DOCKER, default podman) and a real
# registry on loopback (Debian's docker-registry). `make test-image` builds the image first.
# Each test lays out its own /opt/ml under build/test-image/; the last line counts the results.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
need_runtime
MVN=${MVN:-mvn -B -q}
work=$root/build/test-image
rm -rf "$work"
mkdir -p "$work"
passed=0 failed=0 skipped=0

ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "FAILED - $1: $2"; failed=$((failed + 1)); }
skip() { echo "skipped - $1: $2"; skipped=$((skipped + 1)); }
# expect NAME ACTUAL EXPECTED: fails the test (returns 1) when they differ.
expect() {
  [ "$2" = "$3" ] && return 0
  not_ok "$1" "expected '$3', got '$2'"
  return 1
}

load_image || { echo "0 passed, 1 failed"; exit 1; }

# A job on a local /opt/ml mount: `IMAGE train`, metric lines on stdout, model and outputs written.
t=train_on_a_mount
lay_out "$work/$t/opt_ml" "$root/container/test/hyperparameters.json"
"$DOCKER" run --rm -v "$work/$t/opt_ml:/opt/ml" "$IMAGE" train > "$work/$t.out" 2> "$work/$t.err"
code=$?
if expect $t "$code" 0 \
  && expect $t "$(grep -c $'^\[[0-9]*\]\ttrain-rmse:[0-9.]*\tvalidation-rmse:[0-9.]*$' "$work/$t.out")" 10 \
  && expect $t "$(ls "$work/$t/opt_ml/model")" xgboost-model \
  && expect $t "$(ls "$work/$t/opt_ml/output/data")" \
    $'evaluation_history.json\nfeature_importance.json\nfeature_importance.png\nlearning_curve.png\npredicted_vs_actual.png\nreport.html\nresidual_histogram.png\nresiduals_vs_predicted.png' \
  && expect $t "$(ls "$work/$t/opt_ml/output")" data \
  && expect $t "$(grep -c 'QuantileDMatrix (native shim)' "$work/$t.err")" 1; then ok $t; fi

# A bare `IMAGE` trains too (Cmd train), on a read-only root with only /tmp writable, where
# xgboost4j unpacks its native library.
t=bare_image_on_a_read_only_root
lay_out "$work/$t/opt_ml" "$root/container/test/hyperparameters.json"
"$DOCKER" run --rm --read-only --tmpfs /tmp -v "$work/$t/opt_ml:/opt/ml" "$IMAGE" > "$work/$t.out" 2>&1
code=$?
if expect $t "$code" 0 && expect $t "$(ls "$work/$t/opt_ml/model")" xgboost-model; then ok $t; fi

# The launcher's memory split under a container limit: with --memory 320m the heap gets a quarter
# (80 MiB) and the data what is left (320 - 80 - 96 = 144 MiB), so 300,000 rows of 28 features
# (about 87 MiB in memory by the budget's estimate) train in memory; with the former 60% heap, given
# through JAVA_OPTS, which also moves the direct limit to 32 MiB, about 36 MiB are left for the data,
# less than even external memory needs (about 55 MiB): refused before reading, nothing in model/.
t=memory_split_under_a_container_limit
lay_out "$work/$t/opt_ml" "$root/container/test/hyperparameters.json"
rm -rf "$work/$t/opt_ml/input/data/"*
mkdir -p "$work/$t/opt_ml/input/data/train"
printf '{"train": {"ContentType": "text/csv"}}\n' > "$work/$t/opt_ml/input/config/inputdataconfig.json"
awk 'BEGIN { srand(7); for (i = 0; i < 300000; i++) { x = rand(); line = sprintf("%.4f,%.4f", 3 * x + rand(), x);
  for (c = 1; c < 28; c++) line = line sprintf(",%.4f", rand()); print line } }' \
  > "$work/$t/opt_ml/input/data/train/train.csv"
"$DOCKER" run --rm --memory 320m -v "$work/$t/opt_ml:/opt/ml" "$IMAGE" train > "$work/$t.out" 2> "$work/$t.err"
code=$?
if expect $t "$code" 0 \
  && expect $t "$(grep -c 'maximum heap [0-9.]* MiB.*parsed rows may take 144.0 MiB of direct memory (MaxDirectMemorySize); external_memory=auto, it fits: training in memory$' "$work/$t.err")" 1 \
  && expect $t "$(ls "$work/$t/opt_ml/model")" xgboost-model; then
  rm -rf "$work/$t/opt_ml/model/"* "$work/$t/opt_ml/output/"*
  "$DOCKER" run --rm --memory 320m -e JAVA_OPTS=-XX:MaxRAMPercentage=60 -v "$work/$t/opt_ml:/opt/ml" "$IMAGE" train \
    > "$work/$t.out" 2> "$work/$t.60.err"
  code=$?
  if expect $t "$code" 2 \
    && expect $t "$(grep -c 'parsed rows may take 32.0 MiB of direct memory (MaxDirectMemorySize); external_memory=auto, it does not fit: training from external memory$' "$work/$t.60.err")" 1 \
    && expect $t "$(grep -c '^PlatformError: the data does not fit in memory even with external memory: training needs about' "$work/$t/opt_ml/output/failure")" 1 \
    && expect $t "$(ls -A "$work/$t/opt_ml/model")" ""; then ok $t; fi
fi

# A bad hyperparameter: exit 1, the failure file on the mount, nothing in model/.
t=bad_hyperparameter
lay_out "$work/$t/opt_ml" "$root/container/test/bad-hyperparameters.json"
"$DOCKER" run --rm -v "$work/$t/opt_ml:/opt/ml" "$IMAGE" train > "$work/$t.out" 2>&1
code=$?
if expect $t "$code" 1 \
  && expect $t "$(cat "$work/$t/opt_ml/output/failure" 2>&1)" \
    "ClientError: hyperparameter 'num_round': 'ten' is not an integer" \
  && expect $t "$(ls -A "$work/$t/opt_ml/model")" ""; then ok $t; fi

# make run-image OPT_ML=DIR hands back the container's exit code.
t=run_image_exit_code
lay_out "$work/$t/opt_ml" "$root/container/test/bad-hyperparameters.json"
make -s -C "$root" run-image OPT_ML="$work/$t/opt_ml" DOCKER="$DOCKER" IMAGE="$IMAGE" > "$work/$t.out" 2>&1
code=$?
# make itself exits 2 on a failed recipe and names the recipe's code, run-image.sh's: the container's.
"$root/container/run-image.sh" "$work/$t/opt_ml" > "$work/$t.out2" 2>&1
script_code=$?
if expect $t "$code" 2 && expect $t "$script_code" 1 \
  && expect $t "$(grep -c 'run-image\] Error 1$' "$work/$t.out")" 1 \
  && expect $t "$(tail -1 "$work/$t.out2")" \
    "training failed (exit 1): ClientError: hyperparameter 'num_round': 'ten' is not an integer"; then
  ok $t
fi

# `IMAGE serve` on the model the first test trained: /ping answers 200 through a published port,
# and /invocations predicts one line per CSV row (the validation rows without their label).
t=serve_through_a_published_port
port=8080
while (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; do port=$((port + 1)); done
name=xgbc-serve-$(printf '%s' "$root" | sha256sum | cut -c1-6)
"$DOCKER" rm -f -t 0 "$name" > /dev/null 2>&1
"$DOCKER" run -d --name "$name" -p "127.0.0.1:$port:8080" \
  -v "$work/train_on_a_mount/opt_ml:/opt/ml" "$IMAGE" serve > "$work/$t.id" 2> "$work/$t.err"
ping=000
for _ in $(seq 1 100); do
  ping=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/ping" 2> /dev/null)
  [ "$ping" = 200 ] && break
  sleep 0.2
done
cut -d, -f2- "$root/sample-data/abalone/csv/validation/validation.csv" | head -50 > "$work/$t.csv"
curl -s -H 'Content-Type: text/csv' --data-binary @"$work/$t.csv" "http://127.0.0.1:$port/invocations" \
  > "$work/$t.out" 2>&1
status=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: text/html' --data-binary 'x' \
  "http://127.0.0.1:$port/invocations")
label=$("$DOCKER" image inspect --format \
  '{{index .Config.Labels "com.amazonaws.sagemaker.capabilities.accept-bind-to-port"}}' "$IMAGE" 2>&1)
"$DOCKER" logs "$name" > "$work/$t.log" 2>&1
"$DOCKER" rm -f -t 0 "$name" > /dev/null 2>&1
if expect $t "$ping" 200 \
  && expect $t "$(grep -cE '^[0-9.]+$' "$work/$t.out")" 50 \
  && expect $t "$status" 415 \
  && expect $t "$label" true; then ok $t; fi

# Three hosts on an internal network find each other by name (the containers' DNS).
t=cluster_names_resolve
tag=$(printf '%s' "$root" | sha256sum | cut -c1-6)
net=xgbc-dns-$tag
"$DOCKER" rm -f "xgbc-$tag-dns-2" > /dev/null 2>&1
"$DOCKER" network rm -f "$net" > /dev/null 2>&1
"$DOCKER" network create --internal "$net" > /dev/null
"$DOCKER" run -d --name "xgbc-$tag-dns-2" --network "$net" --network-alias algo-2 --hostname algo-2 \
  "$IMAGE" sleep 60 > /dev/null 2> "$work/$t.err"
resolved=$("$DOCKER" run --rm --network "$net" --network-alias algo-1 --hostname algo-1 "$IMAGE" \
  sh -c 'hostname; getent hosts algo-2 | wc -l' 2>&1)
"$DOCKER" rm -f -t 0 "xgbc-$tag-dns-2" > /dev/null 2>&1
"$DOCKER" network rm -f "$net" > /dev/null 2>&1
if expect $t "$resolved" $'algo-1\n1'; then ok $t; fi

# The 3-container cluster trains together and only algo-1 writes the model. Until the jar trains on
# several hosts, every host refuses with a ClientError: then the test is skipped, and it turns on by
# itself when multi-host training lands.
t=cluster_of_three
"$root/container/run-cluster.sh" 3 "$root/container/test/hyperparameters.json" > "$work/$t.out" 2>&1
code=$?
cluster=$root/build/cluster
if grep -q 'does not yet train on several hosts' "$cluster/algo-1/opt_ml/output/failure" 2>/dev/null; then
  if expect $t "$code" 1; then
    skip $t "the jar refuses several hosts ($(cat "$cluster/algo-1/opt_ml/output/failure"))"
  fi
elif expect $t "$code" 0 \
  && expect $t "$(ls "$cluster/algo-1/opt_ml/model")" xgboost-model \
  && expect $t "$(ls -A "$cluster/algo-2/opt_ml/model" "$cluster/algo-3/opt_ml/model" | grep -vc ':$\|^$')" 0 \
  && expect $t "$(grep -c $'^\[9\]\ttrain-rmse:' "$cluster/algo-1.log")" 1; then
  ok $t
fi

# `local --runtime podman|docker`: a CreateTrainingJob request with file:// channels runs its 2 hosts
# as containers of the image on an internal network; the runner inherits this script's runtime
# environment (CONTAINERS_CONF and CONTAINERS_STORAGE_CONF from podman-env.sh). The validation
# channel is FastFile: each host reads it through FIFOs bind-mounted into its container. The leader's model
# lands as model.tar.gz under the file:// output path, and no container or network is left behind.
t=local_job_in_containers
job=local-$(printf '%s' "$root" | sha256sum | cut -c1-6)
mkdir -p "$work/$t"
cat > "$work/$t/request.json" <<JSON
{"TrainingJobName": "$job", "RoleArn": "arn:aws:iam::111122223333:role/not-used-locally",
 "AlgorithmSpecification": {"TrainingImage": "$IMAGE", "TrainingInputMode": "File"},
 "HyperParameters": {"num_round": "10", "eval_metric": "rmse"},
 "InputDataConfig": [
  {"ChannelName": "train", "ContentType": "text/csv", "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
   "S3Uri": "file://$root/sample-data/abalone/csv/train/", "S3DataDistributionType": "FullyReplicated"}}},
  {"ChannelName": "validation", "ContentType": "text/csv", "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
   "S3Uri": "file://$root/sample-data/abalone/csv/validation/"}}, "InputMode": "FastFile"}],
 "OutputDataConfig": {"S3OutputPath": "file://$work/$t/out"},
 "ResourceConfig": {"InstanceCount": 2, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 10},
 "StoppingCondition": {"MaxRuntimeInSeconds": 600}}
JSON
java -jar "$root/algorithm/target/xgboost-container.jar" local --request "$work/$t/request.json" \
  --runtime "$(basename "$DOCKER")" --work-dir "$work/$t/jobs" > "$work/$t.out" 2> "$work/$t.err"
code=$?
summary() { /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$work/$t.out" "$1" 2>&1; }
left=$("$DOCKER" ps -a --format '{{.Names}}' 2>&1 | grep -c "^$job-"; "$DOCKER" network ls --format '{{.Name}}' 2>&1 | grep -c "^$job-net$")
if expect $t "$code" 0 \
  && expect $t "$(summary 'd["TrainingJobStatus"]')" Completed \
  && expect $t "$(summary 'd["Local"]["HostExitCodes"]')" "{'algo-1': 0, 'algo-2': 0}" \
  && expect $t "$(summary 'd["ModelArtifacts"]["S3ModelArtifacts"]')" "file://$work/$t/out/$job/output/model.tar.gz" \
  && expect $t "$(tar -tzf "$work/$t/out/$job/output/model.tar.gz" 2>&1)" xgboost-model \
  && expect $t "$(grep -c $'^algo-1 | \\[9\\]\ttrain-rmse:' "$work/$t.err")" 1 \
  && expect $t "$(grep -c "channel 'validation': 1 of 1 objects, [0-9]* bytes streamed on demand$" "$work/$t.err")" 2 \
  && expect $t "$left" $'0\n0'; then ok $t; fi

# MaxRuntimeInSeconds under `local --runtime podman|docker`: SIGTERM reaches `train` inside the
# container through the runtime's signal proxy; it stops after the current round with a checkpoint
# and exits 0, and the job ends Stopped (MaxRuntimeExceeded), as on SageMaker.
t=local_job_past_max_runtime_in_a_container
job=stop-$(printf '%s' "$root" | sha256sum | cut -c1-6)
mkdir -p "$work/$t"
cat > "$work/$t/request.json" <<JSON
{"TrainingJobName": "$job", "RoleArn": "arn:aws:iam::111122223333:role/not-used-locally",
 "AlgorithmSpecification": {"TrainingImage": "$IMAGE", "TrainingInputMode": "File"},
 "HyperParameters": {"num_round": "1000000", "eval_metric": "rmse"},
 "InputDataConfig": [
  {"ChannelName": "train", "ContentType": "text/csv", "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
   "S3Uri": "file://$root/sample-data/abalone/csv/train/"}}}],
 "OutputDataConfig": {"S3OutputPath": "file://$work/$t/out"},
 "CheckpointConfig": {"S3Uri": "file://$work/$t/checkpoints"},
 "ResourceConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 10},
 "StoppingCondition": {"MaxRuntimeInSeconds": 8}}
JSON
java -jar "$root/algorithm/target/xgboost-container.jar" local --request "$work/$t/request.json" \
  --runtime "$(basename "$DOCKER")" --work-dir "$work/$t/jobs" > "$work/$t.out" 2> "$work/$t.err"
code=$?
left=$("$DOCKER" ps -a --format '{{.Names}}' 2>&1 | grep -c "^$job-")
if expect $t "$code" 1 \
  && expect $t "$(summary 'd["TrainingJobStatus"]')" Stopped \
  && expect $t "$(summary 'd["FailureReason"]')" \
    "MaxRuntimeExceeded: the job ran past StoppingCondition.MaxRuntimeInSeconds (8)" \
  && expect $t "$(summary 'd["Local"]["HostExitCodes"]')" "{'algo-1': 0}" \
  && expect $t "$(grep -c 'SIGTERM received: stopping after the current round, with a checkpoint' "$work/$t/jobs/$job/algo-1.log")" 1 \
  && expect $t "$(ls "$work/$t/checkpoints" 2>/dev/null | grep -c '^xgboost-checkpoint\.[0-9]*$' | sed 's/^[1-9][0-9]*$/some/')" some \
  && expect $t "$left" 0; then ok $t; fi

# Push with jib:build to a real registry on loopback, pull it back, run it.
t=push_and_pull
reg=$root/build/registry
rm -rf "$reg" && mkdir -p "$reg/data"
port=5000
while (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; do port=$((port + 1)); done
cat > "$reg/config.yml" <<CONF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $reg/data
http:
  addr: 127.0.0.1:$port
CONF
setsid docker-registry serve "$reg/config.yml" > "$reg/log" 2>&1 &
registry_pid=$!
trap 'kill "$registry_pid" 2> /dev/null' EXIT
for _ in $(seq 1 50); do (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null && break; sleep 0.1; done
pushed=127.0.0.1:$port/xgboost-container:test
(cd "$root" && $MVN -Pimage -DskipTests -Djib.disableUpdateChecks=true -Djib.allowInsecureRegistries=true \
  process-classes jib:build -Dimage.name="$pushed") > "$work/$t.push" 2>&1
push_code=$?
pull=("$DOCKER" pull -q)
[ "$(basename "$DOCKER")" = podman ] && pull+=(--tls-verify=false)
"${pull[@]}" "$pushed" > "$work/$t.pull" 2>&1
pull_code=$?
lay_out "$work/$t/opt_ml" "$root/container/test/hyperparameters.json"
"$DOCKER" run --rm -v "$work/$t/opt_ml:/opt/ml" "$pushed" train > "$work/$t.out" 2>&1
code=$?
pulled_id=$("$DOCKER" image inspect --format '{{.Id}}' "$pushed" 2>&1)
loaded_id=$("$DOCKER" image inspect --format '{{.Id}}' "$IMAGE" 2>&1)
"$DOCKER" rmi "$pushed" > /dev/null 2>&1
kill "$registry_pid" && wait "$registry_pid" 2> /dev/null
if expect $t "$push_code" 0 && expect $t "$pull_code" 0 && expect $t "$code" 0 \
  && expect $t "$(ls "$work/$t/opt_ml/model")" xgboost-model \
  && expect $t "$pulled_id" "$loaded_id"; then ok $t; fi

# The GPU variant: device=cpu, the no-GPU error, serve's fallback (needs make image-gpu).
if [ -s "$root/build/image-gpu.tar" ]; then
  "$root/container/test-image-gpu.sh" 2>&1 | tee "$work/gpu.log"
  gpu_passed=$(sed -n 's/^gpu image: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$work/gpu.log")
  gpu_failed=$(sed -n 's/^gpu image: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$work/gpu.log")
  passed=$((passed + ${gpu_passed:-0})) failed=$((failed + ${gpu_failed:-1}))
else
  skip gpu_image "there is no build/image-gpu.tar, perhaps you should run: make image-gpu"
fi

echo "image: $IMAGE, $("$DOCKER" image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%d MB", $1 / 1e6}') unpacked, $(du -m "$root/build/image.tar" | cut -f1) MB compressed"
echo "containers: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
