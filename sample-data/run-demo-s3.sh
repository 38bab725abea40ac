#!/usr/bin/env bash
# Starts s3proxy (filesystem backend under build/demo-s3) on 127.0.0.1, uploads sample-data/abalone
# with real CreateBucket and PUT requests through the AWS SDK (SampleUpload, a test class), runs
# sample-data/local-job.json (2 hosts) with `local`, and prints the model.tar.gz key.
# s3proxy and the uploader run from the test class path Maven resolves (no separate download).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
work="$root/build/demo-s3"
port="${S3_PORT:-18090}"
rm -rf "$work"; mkdir -p "$work/s3-data"
(cd "$root/algorithm" && mvn -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$work/cp.txt" >/dev/null)
cp=$(cat "$work/cp.txt")
# s3proxy and the uploader log through slf4j-jdk14 (on the test class path); warnings only, so that
# the demo prints its own lines and SLF4J finds its provider instead of warning that it has none.
printf 'handlers=java.util.logging.ConsoleHandler\n.level=WARNING\n' > "$work/logging.properties"
quiet="-Djava.util.logging.config.file=$work/logging.properties"
cat > "$work/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=demo-access-key
s3proxy.credential=demo-secret-key
jclouds.provider=filesystem
jclouds.filesystem.basedir=$work/s3-data
jclouds.identity=unused
jclouds.credential=unused
PROPS
java "$quiet" -cp "$cp" org.gaul.s3proxy.Main --properties "$work/s3proxy.properties" > "$work/s3proxy.log" 2>&1 &
s3pid=$!
trap 'kill $s3pid 2>/dev/null || true' EXIT
for _ in $(seq 120); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.5; done
export AWS_ACCESS_KEY_ID=demo-access-key AWS_SECRET_ACCESS_KEY=demo-secret-key AWS_REGION=us-east-1
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_EC2_METADATA_DISABLED=true
java "$quiet" -cp "$root/algorithm/target/test-classes:$root/algorithm/target/classes:$cp" \
  io.github.xgbcontainer.local.SampleUpload s3://demo-models \
  "$here/abalone/csv/train=s3://demo-data/abalone/train/" \
  "$here/abalone/csv/validation=s3://demo-data/abalone/validation/"
set +e
java -jar "$root/algorithm/target/xgboost-container.jar" local --request "$here/local-job.json" \
  --work-dir "$work/jobs" > "$work/summary.json"
code=$?
set -e
cat "$work/summary.json"
echo
if [ "$code" -ne 0 ]; then echo "job failed (exit $code)"; exit "$code"; fi
echo "model.tar.gz: $(grep -o '"s3://[^"]*model.tar.gz"' "$work/summary.json" | tr -d '"')"
echo "(file: $work/s3-data/demo-models/jobs/abalone-local-demo/output/model.tar.gz)"
